"""The example files themselves: what a user copies (stack settings, the CI workflow, the run scripts)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent


def test_the_top_level_stack_names_no_virtualenv_and_no_base_url() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    # With main: in a subfolder, a relative virtualenv is resolved against different folders by the language host
    # and the dynamic provider's launcher (pulumi/pulumi#7061): the stack names none.
    assert project["main"] == "examples/quickstart/"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip"}}
    assert not any(key.startswith("telnyx:") for key in project["config"]), \
        "a project-level telnyx:baseUrl would send a real key wherever it points"


def test_the_test_call_stack_installs_this_checkout_into_its_virtualenv() -> None:
    folder = ROOT / "examples" / "test-call"
    project = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    assert "main" not in project
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert not any(key.startswith("telnyx:") for key in project["config"])
    requirements = (folder / "requirements.txt").read_text().splitlines()
    # pip runs in the project folder (pulumi install, and the run script), so the path is relative to it.
    assert [line for line in requirements if line and not line.startswith("#")] == ["-e ../.."]
    assert (folder / "../..").resolve() == ROOT


@pytest.mark.parametrize("script", ["examples/quickstart/run", "examples/test-call/run", "tools/pulumi-cli",
                                    "tools/pulumi-resource-pulumi-python", ".ci/run", "benchmarks/run"])
def test_the_scripts_parse(script: str) -> None:
    subprocess.run(["bash", "-n", str(ROOT / script)], check=True)


def test_the_ci_workflow_uses_no_secret_on_pull_requests_and_always_destroys() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "siprec-stack.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"pull_request", "push"}
    emulator, telnyx = workflow["jobs"]["emulator"], workflow["jobs"]["telnyx"]
    assert emulator["if"] == "github.event_name == 'pull_request'"
    assert "secrets." not in yaml.safe_dump(emulator)
    assert any("pulumi preview" in step.get("run", "") for step in emulator["steps"])
    assert telnyx["if"].startswith("github.event_name == 'push'")
    for job in (emulator, telnyx):
        destroy = job["steps"][-1]
        assert (destroy["if"], destroy["run"]) == ("always()", "pulumi destroy --yes --non-interactive")
        for step in job["steps"]:
            if "run" in step:
                subprocess.run(["bash", "-n"], input=step["run"], text=True, check=True)
