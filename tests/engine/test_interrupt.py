"""An `up` interrupted while a session is being started, and the recovery docs/troubleshooting.md gives, under the
genuine engine.

The emulator carries the start out and then holds its answer, so the interruption lands while the provider waits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CALL, KEY, ROOT, EngineStack, quickstart_project
from tests.support.recording_server import RecordingServer, Reply

SESSION = "pulumi-python:dynamic/telnyx:SiprecSession"
URN = f"urn:pulumi:test::siprec-quickstart::{SESSION}::recording"


@pytest.fixture
def hook() -> Iterator[RecordingServer]:
    server = RecordingServer(lambda _request: Reply(200, {}))
    yield server
    server.close()


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of the processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(entry.name), name))
    return found


def interrupted_up(tmp_path: Path, cli: Path, emulator: Emulator, hook: RecordingServer, sig: signal.Signals
                   ) -> tuple[EngineStack, str]:
    """Starts `up` in a driver process, signals its `pulumi` once the start is being answered; the output."""
    stack = EngineStack(quickstart_project(tmp_path / "project"), tmp_path, cli=cli)
    stack.set_config({"telnyx:baseUrl": emulator.base_url, "callSid": CALL, "accountSid": "acct-1",
                      "statusCallback": hook.base_url.removesuffix("/v2") + "/events"}, {"telnyx:apiKey": KEY})
    emulator.inject("siprec.start", "delay", seconds=3, process=True)
    driver = subprocess.Popen(
        [sys.executable, "-m", "tools.stack", "--project", str(stack.project.folder), "--backend", str(stack.backend),
         "--stack", stack.stack, "up"],
        env={**os.environ, **stack.environment(), "PYTHONPATH": str(ROOT)}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        emulator.wait_until(lambda state: any(s["status"] == "in-progress" for s in state["sessions"]), 60)
        [cli_pid] = [pid for pid, name in children(driver.pid) if name == "pulumi"]
        os.kill(cli_pid, sig)
        output, _ = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
    emulator.wait_until_idle(10)
    return stack, output


def lock_files(stack: EngineStack) -> list[Path]:
    return [p for p in (stack.backend / ".pulumi" / "locks").rglob("*.json") if p.is_file()]


def test_sigint_mid_create_is_graceful_the_engine_waits_and_records_the_session(
        tmp_path: Path, cli: Path, emulator: Emulator, hook: RecordingServer) -> None:
    stack, output = interrupted_up(tmp_path, cli, emulator, hook, signal.SIGINT)
    assert "^C received; cancelling." in output
    assert f"{SESSION} recording created" in output
    [session] = emulator.state()["sessions"]
    [recorded] = stack.resources(SESSION)
    assert (recorded["id"], session["status"]) == (session["sid"], "in-progress")
    assert not stack.state().get("pending_operations")
    assert lock_files(stack) == []
    stack.destroy()
    assert [s["status"] for s in emulator.state()["sessions"]] == ["stopped"], "no session left recording"


def test_sigkill_mid_create_leaves_an_orphan_that_the_readme_recovery_finds_and_stops(
        tmp_path: Path, cli: Path, emulator: Emulator, hook: RecordingServer) -> None:
    stack, _ = interrupted_up(tmp_path, cli, emulator, hook, signal.SIGKILL)
    # What a SIGKILL leaves: the session recording, unknown to the state but for a pending create, and a lock.
    [orphan] = emulator.state()["sessions"]
    assert orphan["status"] == "in-progress"
    assert stack.resources(SESSION) == []
    [pending] = stack.state()["pending_operations"]
    assert (pending["type"], pending["resource"]["urn"]) == ("creating", URN)
    assert len(lock_files(stack)) == 1
    assert "the stack is currently locked" in stack.failing(stack.refresh)

    # The recovery, step by step as docs/troubleshooting.md gives it.
    stack.run_cli("cancel", "--yes")  # 1. the lock
    assert lock_files(stack) == []
    stack.run_cli("refresh", "--yes", "--clear-pending-creates")  # 2. the pending create
    assert not stack.state().get("pending_operations")
    # 3. the orphan: its sid came to the status callback as SiprecSid; stop it with the documented request.
    events = [parse_qs(r.body.decode()) for r in hook.requests]
    [sid] = [form["SiprecSid"][0] for form in events if form["SiprecEvent"] == ["siprec-started"]]
    assert sid == orphan["sid"]
    stopped = requests.post(f"{emulator.base_url}/texml/Accounts/acct-1/Calls/{CALL}/Siprec/{sid}.json",
                            data={"Status": "stopped"}, headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
    assert stopped.status_code == 200
    # 4. up again: one new session, which the stack knows.
    stack.up()
    assert [s["status"] for s in emulator.state()["sessions"]] == ["stopped", "in-progress"]
    [managed] = stack.resources(SESSION)
    assert managed["id"] == emulator.state()["sessions"][1]["sid"]
    stack.destroy()
    assert [s["status"] for s in emulator.state()["sessions"]] == ["stopped", "stopped"], \
        "no session is left recording that the stack does not know of"
