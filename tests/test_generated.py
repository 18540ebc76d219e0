"""What the repository generates matches what it is generated from: the Python classes, the package schema and the
reference pages match the resource specs, and the docs' tables match the settings, the reliability tests' figures
and the benchmark results. `python -m tools.codegen --write` regenerates them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.codegen.artefacts import FILES, ROOT, TABLES, expected

REGENERATE = "run `python -m tools.codegen --write` and commit the result"


@pytest.mark.parametrize("path", sorted(expected()))
def test_the_generated_artefact_is_up_to_date(path: str) -> None:
    on_disk = ROOT / path
    assert on_disk.is_file(), f"{path} is missing; {REGENERATE}"
    assert on_disk.read_text(encoding="utf-8") == expected()[path], f"{path} is stale; {REGENERATE}"


def test_every_artefact_is_listed_once() -> None:
    paths = [f.path for f in FILES]
    assert len(paths) == len(set(paths))
    titles = [(t.path, t.title) for t in TABLES]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("page", ["README.md", "docs/development.md"])
def test_the_documented_test_command_is_what_ci_runs(page: str) -> None:
    """The README and the development page both give `.ci/run` as the test command and name its steps."""
    text = (ROOT / page).read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "```sh\n.ci/run" in text
    mypy = "mypy --strict --explicit-package-bases pulumi_telnyx_siprec tests benchmarks tools"
    for step in ("ruff check .", mypy, "python -m build", "twine check --strict", "python -m pytest"):
        assert step in ci, step
        assert step.split(" ", 1)[-1] in text, step


def test_the_quickstart_config_table_lists_every_key_of_pulumi_yaml() -> None:
    import yaml  # type: ignore[import-untyped]

    config = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    readme = Path(ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart against the local emulator", 1)[1].split("\n## ", 1)[0]
    documented = {line.split("|")[1].strip().strip("`") for line in section.splitlines() if line.startswith("| `")}
    assert documented == set(config) | {"statusCallback"}, "statusCallback is read by the program, not declared"
