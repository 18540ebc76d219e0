"""Replacing a running session never leaves the call unrecorded (issue 9, point 4), under the genuine engine."""

from __future__ import annotations

from pathlib import Path

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CALL, KEY, EngineStack, program_project

SESSION = "pulumi-python:dynamic/telnyx:SiprecSession"


def replaceable(tmp_path: Path, cli: Path, emulator: Emulator, **config: str) -> EngineStack:
    project = program_project(tmp_path / "project", "replaceable", "replaceable")
    stack = EngineStack(project, tmp_path, cli=cli)
    stack.set_config({"telnyx:baseUrl": emulator.base_url, "callSid": CALL,
                      "statusCallback": "http://127.0.0.1:9/first", **config}, {"telnyx:apiKey": KEY})
    return stack


def sessions(emulator: Emulator) -> list[tuple[str, str]]:
    return [(s["status"], s["params"].get("StatusCallback", "")) for s in emulator.state()["sessions"]]


def test_a_failed_new_start_leaves_the_old_session_recording_and_in_the_state(tmp_path: Path, cli: Path,
                                                                              emulator: Emulator) -> None:
    stack = replaceable(tmp_path, cli, emulator)
    stack.up()
    [old] = stack.resources(SESSION)
    stack.set_config({"statusCallback": "http://127.0.0.1:9/second"})
    emulator.inject("siprec.start", "status", status=503)
    text = stack.failing(stack.up)
    assert "answered 503" in text
    assert "it was not retried, to avoid forking the call twice" in text
    assert sessions(emulator) == [("in-progress", "http://127.0.0.1:9/first")], "the call is still recorded"
    [kept] = stack.resources(SESSION)
    assert (kept["id"], kept["outputs"]["status"]) == (old["id"], "in-progress")
    stack.up()  # once Telnyx answers again, the replacement goes through, still new first
    assert sessions(emulator) == [("stopped", "http://127.0.0.1:9/first"), ("in-progress", "http://127.0.0.1:9/second")]


def test_when_telnyx_refuses_a_second_session_the_error_says_the_old_one_records_and_how_to_accept_a_gap(
        tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    emulator.configure(one_session_per_call=True)
    stack = replaceable(tmp_path, cli, emulator)
    stack.up()
    stack.set_config({"statusCallback": "http://127.0.0.1:9/second"})
    text = stack.failing(stack.up)
    assert ("answered 422: [10015] Invalid request: A SIPREC session is already running on this call; stop it before "
            "starting another (at /CallSid)") in text
    assert (f"Telnyx refused a second SIPREC session on call '{CALL}': if this start replaces a session on the same "
            "call, the old session is still recording and stays in the state. To accept a gap in the recording "
            "instead (stop the old session, then start the new one), give the resource "
            "`opts=pulumi.ResourceOptions(delete_before_replace=True)`") in text
    assert sessions(emulator) == [("in-progress", "http://127.0.0.1:9/first")]
    # The user accepts the gap: the engine stops the old session first.
    stack.set_config({"deleteBeforeReplace": "true"})
    stack.up()
    assert sessions(emulator) == [("stopped", "http://127.0.0.1:9/first"), ("in-progress", "http://127.0.0.1:9/second")]
    routes = [r["route"] for r in emulator.state()["requests"] if r["route"].startswith("siprec")]
    assert routes[-2:] == ["siprec.stop", "siprec.start"]
