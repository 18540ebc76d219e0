""".ci/run names the step that failed in its last line.

A copy of the script runs in a temporary folder with a PATH that holds only the few system tools it uses and
stand-ins for everything else: the interpreter it is given with PYTHON (which makes a virtualenv of stand-ins),
tools/pulumi-cli, sipp, apt-get and sudo. Each stand-in logs its call and fails when its call matches FAKE_FAIL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SYSTEM_TOOLS = ("bash", "env", "dirname", "basename", "mkdir", "id", "cat", "tail", "cp", "rm", "touch")

STAND_IN = """#!/usr/bin/env bash
# Logs `<name> <args>`; exits FAKE_STATUS (default 1) when that matches the glob FAKE_FAIL.
call="$(basename "$0") $*"
echo "$call" >>"$FAKE_LOG"
if [ -n "${FAKE_FAIL:-}" ] && [[ "$call" == $FAKE_FAIL ]]; then
    echo "stand-in: $call fails" >&2
    exit "${FAKE_STATUS:-1}"
fi
case "$call" in
    "base-python -m venv .venv")
        mkdir -p .venv/bin
        for tool in python ruff mypy lint-imports twine; do cp "$0" ".venv/bin/$tool"; done ;;
    "python -m build "*) mkdir -p .ci/dist && touch .ci/dist/p-1.tar.gz .ci/dist/p-1-py3-none-any.whl ;;
    "python -m pytest"*)
        echo "DIST=${PULUMI_TELNYX_SIPREC_DIST:-} CLI_PENDING=${PULUMI_TELNYX_SIPREC_CLI_PENDING:-}" >>"$FAKE_LOG" ;;
    "pulumi-cli "*) echo /fake/pulumi/bin ;;
    "sudo "*) exec "$@" ;;
esac
"""


def run_ci(tmp_path: Path, *args: str, fail: str = "", status: int = 1,
           sipp: bool = True) -> tuple[int, list[str], list[str]]:
    """Runs a copy of .ci/run among stand-ins: its exit status, its output lines (stdout and stderr as they
    interleave) and the stand-ins' calls."""
    (tmp_path / ".ci").mkdir(exist_ok=True)
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "tools").mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in SYSTEM_TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is not on PATH"
        (bin_dir / tool).symlink_to(found)
    stand_ins = [bin_dir / "base-python", bin_dir / "apt-get", bin_dir / "sudo", tmp_path / "tools" / "pulumi-cli"]
    if sipp:
        stand_ins.append(bin_dir / "sipp")
    for path in stand_ins:
        path.write_text(STAND_IN)
        path.chmod(0o755)
    log = tmp_path / "calls.log"
    log.touch()
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYTHON": str(bin_dir / "base-python"),
           "FAKE_LOG": str(log), "FAKE_FAIL": fail, "FAKE_STATUS": str(status)}
    done = subprocess.run([str(bin_dir / "bash"), str(tmp_path / ".ci" / "run"), *args], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60, check=False)
    return done.returncode, done.stdout.splitlines(), log.read_text().splitlines()


def test_a_run_where_every_step_passes_ends_with_the_tests_and_no_failure_line(tmp_path: Path) -> None:
    stale = tmp_path / ".ci" / "dist" / "p-0.9-py3-none-any.whl"
    stale.parent.mkdir(parents=True)
    stale.touch()
    manifest = tmp_path / "p.egg-info" / "SOURCES.txt"
    manifest.parent.mkdir()
    manifest.touch()
    status, output, calls = run_ci(tmp_path, "-q", "tests/test_x.py")
    assert not manifest.parent.exists(), "an old egg-info's file list would still be shipped"
    assert status == 0, output
    assert not any("FAILED" in line for line in output), output
    steps = [line.removeprefix("== ") for line in output if line.startswith("== ")]
    assert steps == ["Python version", "virtualenv", "install", "ruff", "mypy --strict", "import contracts", "build",
                     "twine check", "Pulumi CLI build", "pytest"]
    assert "python -m build --outdir .ci/dist ." in calls
    assert "twine check --strict .ci/dist/p-1-py3-none-any.whl .ci/dist/p-1.tar.gz" in calls, "and no stale build"
    assert calls[-2:] == ["python -m pytest -q tests/test_x.py", f"DIST={tmp_path / '.ci' / 'dist'} CLI_PENDING="]


def test_without_arguments_the_tests_needing_no_cli_run_while_it_builds_and_the_engine_s_after(tmp_path: Path) -> None:
    status, output, calls = run_ci(tmp_path)
    assert status == 0, output
    steps = [line.removeprefix("== ") for line in output if line.startswith("== ")]
    assert steps[-3:] == ["pytest (without the engine)", "Pulumi CLI build", "pytest (through the engine)"]
    dist = tmp_path / ".ci" / "dist"
    pytest_calls = [call for call in calls if call.startswith(("python -m pytest", "DIST="))]
    assert pytest_calls == ["python -m pytest -m not engine", f"DIST={dist} CLI_PENDING=1",
                            "python -m pytest -m engine", f"DIST={dist} CLI_PENDING="]


@pytest.mark.parametrize(("fail", "status", "step"), [
    ("base-python -c *", 1, "Python version"),
    ("base-python -m venv *", 1, "virtualenv"),
    ("python -m pip install *", 1, "install"),
    ("ruff check .", 1, "ruff"),
    ("mypy --strict *", 1, "mypy --strict"),
    ("lint-imports *", 1, "import contracts"),
    ("python -m build *", 1, "build"),
    ("twine check *", 1, "twine check"),
    ("pulumi-cli *", 1, "Pulumi CLI build"),
    ("python -m pytest*", 1, "pytest"),
    ("python -m pytest*", 5, "pytest"),
])
def test_the_last_line_names_the_failed_step(tmp_path: Path, fail: str, status: int, step: str) -> None:
    code, output, calls = run_ci(tmp_path, "-q", fail=fail, status=status)
    expected_code = 2 if step == "Python version" else status
    assert code == expected_code, output
    assert output[-1] == f".ci/run: FAILED at step '{step}' (exit {expected_code})", output
    if step != "pytest":
        assert not any(call.startswith("python -m pytest") for call in calls), "a step ran after the failure"


@pytest.mark.parametrize(("fail", "step"), [("python -m pytest -m not engine", "pytest (without the engine)"),
                                            ("python -m pytest -m engine", "pytest (through the engine)")])
def test_pytest_collecting_no_tests_says_so_in_either_run(tmp_path: Path, fail: str, step: str) -> None:
    _, output, calls = run_ci(tmp_path, fail=fail, status=5)
    assert output[-2:] == [".ci/run: pytest collected no tests; that is a failure",
                           f".ci/run: FAILED at step '{step}' (exit 5)"]
    if step == "pytest (without the engine)":
        assert "python -m pytest -m engine" not in calls, "nothing runs after a failed step"


def test_a_failed_sipp_install_stops_the_run_even_when_apt_get_update_fails(tmp_path: Path) -> None:
    code, output, calls = run_ci(tmp_path, fail="apt-get *", sipp=False)
    assert code == 1
    assert output[-1] == ".ci/run: FAILED at step 'SIPp install' (exit 1)", output
    assert [call for call in calls if call.startswith("apt-get")] == [
        "apt-get install -y -qq sip-tester", "apt-get update -qq"]
    assert not any(call.startswith("base-python -m venv") for call in calls)


def test_a_missing_sipp_is_installed_with_apt_get(tmp_path: Path) -> None:
    code, output, calls = run_ci(tmp_path, sipp=False)
    assert code == 0, output
    assert [call for call in calls if call.startswith("apt-get")] == ["apt-get install -y -qq sip-tester"]
    if os.getuid() != 0:
        assert "sudo apt-get install -y -qq sip-tester" in calls


def test_the_readme_quotes_the_failure_line_as_it_is_printed(tmp_path: Path) -> None:
    _, output, _ = run_ci(tmp_path, fail="mypy --strict *")
    assert f"(`{output[-1]}`)" in (ROOT / "README.md").read_text()
