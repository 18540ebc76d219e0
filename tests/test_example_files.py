"""The example files themselves: what a user copies (stack settings, the CI and release workflows, the run scripts)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from pulumi_telnyx_siprec import __version__

ROOT = Path(__file__).resolve().parent.parent


def test_the_top_level_stack_names_no_virtualenv_and_no_base_url() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    # With main: in a subfolder, a relative virtualenv is resolved against different folders by the language host
    # and the dynamic provider's launcher (pulumi/pulumi#7061): the stack names none.
    assert project["main"] == "examples/quickstart/"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip"}}
    assert not any(key.startswith("telnyx:") for key in project["config"]), \
        "a project-level telnyx:baseUrl would send a real key wherever it points"


@pytest.mark.parametrize("stack", ["test-call", "call-control-test-call"])
def test_the_test_call_stacks_install_this_checkout_into_their_virtualenv(stack: str) -> None:
    folder = ROOT / "examples" / stack
    project = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    assert "main" not in project
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert not any(key.startswith("telnyx:") for key in project["config"])
    requirements = (folder / "requirements.txt").read_text().splitlines()
    # pip runs in the project folder (pulumi install, and the run script), so the path is relative to it.
    assert [line for line in requirements if line and not line.startswith("#")] == ["-e ../.."]
    assert (folder / "../..").resolve() == ROOT


@pytest.mark.parametrize("script", ["examples/quickstart/run", "examples/test-call/run",
                                    "examples/call-control-test-call/run", "tools/pulumi-cli",
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
    stacks = ["examples/test-call", "examples/call-control-test-call"]
    assert emulator["strategy"]["matrix"]["stack"] == stacks, "the TeXML and the Call Control stacks"
    assert [item["stack"] for item in telnyx["strategy"]["matrix"]["include"]] == stacks
    for job in (emulator, telnyx):
        assert job["defaults"]["run"]["working-directory"] == "${{ matrix.stack }}"
        [destroy] = [step for step in job["steps"] if step.get("name") == "Destroy"]
        assert destroy["if"].startswith("always()")
        assert destroy["run"] == "pulumi destroy --yes --non-interactive"
        after = job["steps"][job["steps"].index(destroy) + 1:]
        assert all("pulumi " not in step.get("run", "") for step in after), "nothing after destroy touches the stack"
        assert {"uses": "pulumi/actions@v6", "name": "Install the Pulumi CLI"} in job["steps"]
        for step in job["steps"]:
            if "run" in step:
                subprocess.run(["bash", "-n"], input=step["run"], text=True, check=True)
                assert "get.pulumi.com" not in step["run"], "the CLI comes from pulumi/actions"
    for stack in stacks:
        assert (ROOT / stack / "Pulumi.yaml").is_file()


def emulator_job_step(name: str) -> str:
    steps = yaml.safe_load((ROOT / "examples" / "ci" / "siprec-stack.yml").read_text())["jobs"]["emulator"]["steps"]
    [step] = [step for step in steps if step.get("name") == name]
    script: str = step["run"]
    return script


def processes_in(folder: Path) -> list[str]:
    """The command lines of this machine's processes whose working directory is `folder` (Linux: /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cwd").resolve() == folder.resolve():
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


@pytest.mark.usefixtures("sipp")
@pytest.mark.parametrize("recorded", [True, False], ids=["recorded", "nothing-recorded"])
def test_the_ci_emulator_job_fails_unless_the_srs_received_the_recording(tmp_path: Path, recorded: bool) -> None:
    """The job's own SRS steps, run as the runner runs them (bash, the stack's venv/bin/python, `pulumi config
    set`, here a stand-in that records its arguments), around a session the emulator's SIPREC client sends or not."""
    from pulumi_telnyx_siprec.emulator.siprec import SiprecUserAgent
    from tests.support.sipp import recording_request, wait_until

    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "python").write_text(f'#!/usr/bin/env bash\nexec {sys.executable} "$@"\n')
    (tmp_path / "venv" / "bin" / "python").chmod(0o755)
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir()
    (stand_ins / "pulumi").write_text('#!/usr/bin/env bash\necho "$*" >> pulumi.log\n')
    (stand_ins / "pulumi").chmod(0o755)
    env = {**os.environ, "PATH": f"{stand_ins}:{os.environ['PATH']}"}
    start = emulator_job_step("Start a local SRS and the emulator").replace(
        "venv/bin/python -m pip install --quiet 'cryptography>=42'", ": no pip here")
    # In a session of its own, the script's process group holds what it leaves running (the SRS, the emulator):
    # the test ends those, and only those.
    starter = subprocess.Popen(["bash", "-e", "-c", start], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        assert starter.wait(timeout=60) == 0
        config = (tmp_path / "pulumi.log").read_text().splitlines()
        srs_host, srs_port = (tmp_path / "srs.out").read_text().split()[:2]
        assert config[:2] == [f"config set srsHost {srs_host}", f"config set srsPort {srs_port}"]
        if recorded:
            with SiprecUserAgent() as agent:
                handle = agent.start(recording_request(int(srs_port), srs_host=srs_host))
                assert handle.wait_established(30).final_code == 200
                assert wait_until(lambda: min(handle.outcome().rtp_packets) >= 1)
                handle.stop()
        check = subprocess.run(["bash", "-e", "-c", emulator_job_step(
            "The SRS received the recording (INVITE, RTP on every stream, BYE)")], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=60, check=False)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(starter.pid, signal.SIGTERM)
    assert wait_until(lambda: processes_in(tmp_path) == []), f"left running: {processes_in(tmp_path)}"
    if recorded:
        assert check.returncode == 0, check.stderr
        assert "received: 1 INVITE" in check.stdout
    else:
        assert check.returncode == 1
        assert "local_srs: not recorded: expected 1 recording session(s), received 0" in check.stderr


TAG_CHECK = "The tag is the package version"
COLLECT = "Collect the sdist and the wheel the tests inspected"


def release_workflow() -> dict[Any, Any]:
    """examples/ci/release.yml; PyYAML reads its `on:` key as True."""
    workflow: dict[Any, Any] = yaml.safe_load((ROOT / "examples" / "ci" / "release.yml").read_text())
    return workflow


def named_step(job: dict[str, Any], name: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = [step for step in job["steps"] if step.get("name") == name]
    [step] = steps
    return step


def test_the_release_workflow_runs_on_version_tags_and_publishes_what_ci_run_built_and_tested() -> None:
    workflow = release_workflow()
    assert workflow.get("on", workflow.get(True)) == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    order = [step.get("name") or step.get("run") or step["uses"] for step in build["steps"]]
    assert order.index(TAG_CHECK) < order.index("Checks, build and tests (.ci/run)") < order.index(COLLECT)
    assert named_step(build, "Checks, build and tests (.ci/run)")["run"] == ".ci/run"
    [upload] = [step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert (upload["with"]["path"], upload["with"]["if-no-files-found"]) == ("dist/", "error")
    for step in build["steps"]:
        if "run" in step:
            subprocess.run(["bash", "-n"], input=step["run"], text=True, check=True)

    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    download, pypi = publish["steps"]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"name": upload["with"]["name"], "path": "dist/"}
    assert pypi == {"uses": "pypa/gh-action-pypi-publish@release/v1"}, "trusted publishing takes no token or input"
    assert "secrets." not in yaml.safe_dump(workflow)


def run_step(script: str, cwd: Path, tag: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # a `python` as setup-python gives
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, "GITHUB_REF_NAME": tag, "PATH": path})


def test_the_release_tag_check_accepts_only_the_package_version() -> None:
    script = named_step(release_workflow()["jobs"]["build"], TAG_CHECK)["run"]
    assert run_step(script, ROOT, f"v{__version__}").returncode == 0
    for tag in (__version__, f"v{__version__}.1", "v0.0.0"):
        refused = run_step(script, ROOT, tag)
        assert refused.returncode != 0, tag
        assert f"::error::tag {tag} is not v{__version__}" in refused.stdout


def test_the_release_collects_only_the_tag_s_sdist_and_wheel(tmp_path: Path) -> None:
    script = named_step(release_workflow()["jobs"]["build"], COLLECT)["run"]
    built = tmp_path / ".ci" / "dist"
    built.mkdir(parents=True)
    names = [f"pulumi_telnyx_siprec-{__version__}.tar.gz", f"pulumi_telnyx_siprec-{__version__}-py3-none-any.whl"]
    for name in names:
        (built / name).touch()
    assert run_step(script, tmp_path, f"v{__version__}").returncode == 0
    assert sorted(path.name for path in (tmp_path / "dist").iterdir()) == sorted(names)
    (built / names[1]).unlink()
    shutil.rmtree(tmp_path / "dist")
    assert run_step(script, tmp_path, f"v{__version__}").returncode != 0, "a missing wheel fails the release"
