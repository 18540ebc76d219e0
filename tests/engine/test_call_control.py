"""The Call Control test-call stack (examples/call-control-test-call: connector, CallControlCall,
CallControlSiprecSession) and its YAML twin under the genuine engine. The SRS is `srs.example.com`, which the
emulator never sends SIP to: these are about the API side; tests/engine/test_recording_path.py records to SIPp.

One stack carries the Python test through its whole life (preview, up, no changes, a replacement, the far end
hanging up, refresh, destroy), as a user's would, so that the engine runs are few."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CALL_CONTROL_APP, KEY, ROOT, EngineStack, call_control_example_project, routes

CONNECTOR = "pulumi-python:dynamic/telnyx:SiprecConnector"
CALL = "pulumi-python:dynamic/telnyx:CallControlCall"
SESSION = "pulumi-python:dynamic/telnyx:CallControlSiprecSession"


def cc_stack(tmp_path: Path, cli: Path, emulator: Emulator, **config: str) -> EngineStack:
    stack = EngineStack(call_control_example_project(tmp_path / "project"), tmp_path, cli=cli)
    stack.set_config({"telnyx:baseUrl": emulator.base_url, "connectionId": CALL_CONTROL_APP,
                      "srsHost": "srs.example.com", **config}, {"telnyx:apiKey": KEY})
    return stack


def only_call(emulator: Emulator) -> dict[str, Any]:
    calls: dict[str, dict[str, Any]] = emulator.state()["call_control_calls"]
    [call] = calls.values()
    return call


def bodies(emulator: Emulator, route: str) -> list[Any]:
    return [json.loads(r["body"]) for r in emulator.state()["requests"] if r["route"] == route]


def test_a_bad_input_fails_preview_on_its_property_and_sends_nothing(tmp_path: Path, cli: Path,
                                                                     emulator: Emulator) -> None:
    stack = cc_stack(tmp_path, cli, emulator, sipTransport="carrier-pigeon")
    text = stack.failing(stack.preview)
    assert (f"{SESSION} resource 'recording': property sip_transport value {{carrier-pigeon}} has a problem: must be "
            "one of `udp`, `tcp`, `tls`, got 'carrier-pigeon'") in text
    assert routes(emulator) == []


def test_preview_up_replace_the_far_end_hanging_up_refresh_and_destroy(tmp_path: Path, cli: Path,
                                                                       emulator: Emulator) -> None:
    stack = cc_stack(tmp_path, cli, emulator)
    preview = stack.preview()  # the session's call_control_id is not known until the call is dialed
    assert preview.change_summary == {"create": 4}
    assert routes(emulator) == []

    up = stack.up()
    call = only_call(emulator)
    assert {k: v.value for k, v in up.outputs.items()} == {
        "connector": "test-call-srs -> srs.example.com:5060", "call_control_id": call["call_control_id"],
        "call_is_alive": True, "session_result": "ok"}
    [dial] = bodies(emulator, "call_control.dial")
    assert dial == {"connection_id": CALL_CONTROL_APP, "to": "+15550100002", "from": "+15550100001",
                    "custom_headers": [{"name": "X-Test-Run", "value": "local"}], "time_limit_secs": 900,
                    "client_state": call["client_state"]}
    [start] = bodies(emulator, "call_control.siprec_start")
    assert start == {"connector_name": "test-call-srs", "siprec_track": "both_tracks",
                     "include_metadata_custom_headers": True, "secure": False, "session_timeout_secs": 1800,
                     "sip_transport": "udp", "client_state": "bG9jYWw="}
    [session] = stack.resources(SESSION)
    assert (session["id"], session["outputs"]["call_leg_id"]) == (call["call_control_id"], call["call_leg_id"])
    stack.preview(expect_no_changes=True)
    stack.refresh(expect_no_changes=True)

    # A new track on the same call: siprec_stop names no session, so the old one stops before the new one starts.
    stack.set_config({"track": "inbound_track"})
    stack.up()
    cc_routes = [r for r in routes(emulator) if r.startswith("call_control.siprec")]
    assert cc_routes[-3:] == ["call_control.siprec_start", "call_control.siprec_stop", "call_control.siprec_start"]
    assert stack.text().index("deleting original") < stack.text().rindex("creating replacement")
    assert [s["status"] for s in only_call(emulator)["sessions"]] == ["stopped", "in-progress"]
    assert only_call(emulator)["state"] == "answered", "the call was left alone"

    emulator.end_call_control_call(call["call_control_id"])
    assert [s["status"] for s in only_call(emulator)["sessions"]] == ["stopped", "stopped"]
    stack.refresh()
    assert [r["type"] for r in stack.resources("dynamic/telnyx:")] == [CONNECTOR]

    stack.destroy()
    assert emulator.state()["connectors"] == {}
    before = len(routes(emulator))
    stack.destroy()
    assert len(routes(emulator)) == before, "a second destroy does nothing"


def test_a_call_that_is_not_answered_fails_up_saying_so_and_keeps_nothing_of_it(tmp_path: Path, cli: Path,
                                                                                 emulator: Emulator) -> None:
    emulator.configure(call_outcome="busy")
    stack = cc_stack(tmp_path, cli, emulator)
    text = stack.failing(stack.up)
    assert ("pulumi_telnyx_siprec.resources.call_control_call.operations.CallNotAnsweredError: the call from "
            "'+15550100001' to '+15550100002'") in text
    assert "ended without being answered; Telnyx gives the reason (`user_busy`" in text
    assert only_call(emulator)["hangup_cause"] == "user_busy"
    assert [r["type"] for r in stack.resources("dynamic/telnyx:")] == [CONNECTOR]
    stack.destroy()


def test_the_yaml_twin_dials_records_and_hangs_up(tmp_path: Path, yaml_cli: Path, emulator: Emulator) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "examples" / "yaml" / "call-control-test-call" / "Pulumi.yaml", project)
    stack = EngineStack(project, tmp_path, cli=yaml_cli)
    stack.set_config({"telnyx-siprec:baseUrl": emulator.base_url, "srsHost": "srs.example.com"},
                     {"telnyx-siprec:apiKey": KEY})
    for key, value in {"call.connectionId": CALL_CONTROL_APP, "call.to": "+15550100002",
                       "call.from": "+15550100001"}.items():
        stack.run_cli("config", "set", "--path", "--type", "string", key, value)
    up = stack.up()
    call = only_call(emulator)
    assert (up.outputs["callControlId"].value, up.outputs["sessionResult"].value) == (call["call_control_id"], "ok")
    [start] = bodies(emulator, "call_control.siprec_start")
    assert start["client_state"] == "bG9jYWw=", "fn::toBase64 of testRun"
    stack.destroy()
    call = only_call(emulator)
    assert ([s["status"] for s in call["sessions"]], call["state"]) == (["stopped"], "ended")
    assert emulator.state()["connectors"] == {}
