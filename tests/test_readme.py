"""The README matches the code: its reference tables are the ones the code renders, its commands are CI's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.readme_tables import TABLES, table_pattern

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("title", list(TABLES))
def test_reference_table_matches_the_code(title: str) -> None:
    match = table_pattern(title).search(README)
    regenerate = "run `python -m tests.support.readme_tables --write`"
    assert match, f"README has no `{title}` table; {regenerate}"
    assert match.group(1) == TABLES[title] + "\n", f"README's `{title}` table is stale; {regenerate}"


def test_the_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "```sh\n.ci/run\n```" in README
    mypy = "mypy --strict --explicit-package-bases pulumi_telnyx_siprec tests benchmarks tools/stack.py"
    for step in ("ruff check .", mypy, "python -m build", "twine check --strict", "python -m pytest"):
        assert step in ci, step
        assert step.split(" ", 1)[-1] in README, step


def test_the_quickstart_config_table_lists_every_key_of_pulumi_yaml() -> None:
    import yaml  # type: ignore[import-untyped]

    config = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    section = README.split("## Quickstart against the local emulator", 1)[1].split("\n## ", 1)[0]
    documented = {line.split("|")[1].strip().strip("`") for line in section.splitlines() if line.startswith("| `")}
    assert documented == set(config) | {"statusCallback"}, "statusCallback is read by the program, not declared"
