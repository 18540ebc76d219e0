"""The test-call stack (examples/test-call: connector, TexmlCall, session) under the genuine engine.

The SRS here is `srs.example.com`, which the emulator never sends SIP to (it is not a loopback address), so these
tests are about the API side; tests/engine/test_recording_path.py runs the same stack against a real local SRS.
"""

from __future__ import annotations

import json
from pathlib import Path

import requests

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CONNECTION, KEY, EngineStack, call_example_project, routes

CONNECTOR = "pulumi-python:dynamic/telnyx:SiprecConnector"
CALL = "pulumi-python:dynamic/telnyx:TexmlCall"
SESSION = "pulumi-python:dynamic/telnyx:SiprecSession"


def call_stack(tmp_path: Path, cli: Path, emulator: Emulator, **config: str) -> EngineStack:
    stack = EngineStack(call_example_project(tmp_path / "project"), tmp_path, cli=cli)
    stack.set_config({"telnyx:baseUrl": emulator.base_url, "connectionId": CONNECTION,
                      "srsHost": "srs.example.com", **config}, {"telnyx:apiKey": KEY})
    return stack


def placed_call(emulator: Emulator) -> dict[str, object]:
    call: dict[str, object]
    [call] = [c for c in emulator.state()["calls"].values() if c["connection_id"]]
    return call


def test_up_places_the_call_records_it_and_destroy_tears_everything_down(tmp_path: Path, cli: Path,
                                                                         emulator: Emulator) -> None:
    stack = call_stack(tmp_path, cli, emulator)
    preview = stack.preview()  # the session's call_sid is not known until the call exists
    assert preview.change_summary == {"create": 4}
    assert routes(emulator) == []

    up = stack.up()
    call = placed_call(emulator)
    [session] = emulator.state()["sessions"]
    outputs = {k: v.value for k, v in up.outputs.items()}
    assert outputs == {"connector": "test-call-srs -> srs.example.com:5060", "call_sid": call["sid"],
                       "call_status": "in-progress", "session_sid": session["sid"], "session_status": "in-progress"}
    [create] = [r for r in emulator.state()["requests"] if r["route"] == "call.create"]
    assert (create["method"], create["path"]) == ("POST", f"/v2/texml/calls/{CONNECTION}")
    assert create["headers"]["Content-Type"] == "application/json"
    assert json.loads(create["body"]) == {
        "To": "+15550100002", "From": "+15550100001",
        "Texml": '<Response><Say>SIPREC test call.</Say><Pause length="600"/></Response>',
        "CustomHeaders": [{"name": "X-Test-Run", "value": "local"}], "TimeLimit": 900,
    }
    assert session["call_sid"] == call["sid"]
    assert session["metadata_extensions"] == {"X-Test-Run": "local"}, "metadataHeaders defaults to true"
    assert session["sip_headers"] == {}
    stack.preview(expect_no_changes=True)
    stack.refresh(expect_no_changes=True)

    stack.destroy()
    assert emulator.state()["sessions"][0]["status"] == "stopped"
    assert placed_call(emulator)["status"] == "completed"
    assert emulator.state()["connectors"] == {}
    stop, hang_up = routes(emulator).index("siprec.stop"), routes(emulator).index("call.update")
    assert stop < hang_up, "the recording stops before the call is hung up"
    before = len(routes(emulator))
    stack.destroy()
    assert len(routes(emulator)) == before, "a second destroy does nothing"


def test_custom_headers_go_as_sip_headers_unless_metadata_is_asked_for(tmp_path: Path, cli: Path,
                                                                       emulator: Emulator) -> None:
    stack = call_stack(tmp_path, cli, emulator, metadataHeaders="false", testRun="run-7")
    stack.up()
    [session] = emulator.state()["sessions"]
    assert session["params"]["IncludeMetadataCustomHeaders"] == "false"
    assert (session["sip_headers"], session["metadata_extensions"]) == ({"X-Test-Run": "run-7"}, {})


def test_refresh_after_the_far_end_hangs_up_drops_the_call_and_session_and_keeps_the_connector(
        tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    stack = call_stack(tmp_path, cli, emulator)
    stack.up()
    emulator.end_call(str(placed_call(emulator)["sid"]))
    stack.refresh()
    assert [r["type"] for r in stack.resources("dynamic/telnyx:")] == [CONNECTOR]
    up = stack.up()
    assert up.summary.resource_changes == {"create": 2, "same": 2}, "a new call, and a session on it"
    assert len([c for c in emulator.state()["calls"].values() if c["connection_id"]]) == 2


def test_a_call_that_is_not_answered_fails_up_saying_so(tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    emulator.configure(call_outcome="busy")
    stack = call_stack(tmp_path, cli, emulator)
    text = stack.failing(stack.up)
    assert ("pulumi_telnyx_siprec.resources.texml_call.operations.CallNotAnsweredError: the call from '+15550100001' "
            "to '+15550100002'") in text
    assert "ended without being answered: status `busy`; check that `to` answers" in text
    assert emulator.state()["sessions"] == []
    assert [r["type"] for r in stack.resources("dynamic/telnyx:")] == [CONNECTOR]


def test_the_connector_updates_in_place_shows_drift_and_comes_back(tmp_path: Path, cli: Path,
                                                                   emulator: Emulator) -> None:
    stack = call_stack(tmp_path, cli, emulator)
    stack.up()
    stack.set_config({"srsPort": "5070"})
    up = stack.up()
    assert up.summary.resource_changes == {"update": 1, "same": 3}
    [put] = [r for r in emulator.state()["requests"] if r["route"] == "connector.update"]
    assert json.loads(put["body"]) == {"name": "test-call-srs", "host": "srs.example.com", "port": 5070}
    # Changed in the portal: refresh shows it, the next up puts the program's values back.
    requests.put(f"{emulator.base_url}/siprec_connectors/test-call-srs", timeout=10,
                 headers={"Authorization": f"Bearer {KEY}"},
                 json={"name": "test-call-srs", "host": "10.9.9.9", "port": 5090})
    stack.refresh()
    [connector] = stack.resources(CONNECTOR)
    assert (connector["outputs"]["host"], connector["outputs"]["port"]) == ("10.9.9.9", 5090)
    stack.up()
    assert {k: emulator.state()["connectors"]["test-call-srs"][k] for k in ("host", "port")} == {
        "host": "srs.example.com", "port": 5070}
    # Deleted in the portal: refresh drops it, the next up creates it again.
    requests.delete(f"{emulator.base_url}/siprec_connectors/test-call-srs", timeout=10,
                    headers={"Authorization": f"Bearer {KEY}"})
    stack.refresh()
    assert stack.resources(CONNECTOR) == []
    stack.up()
    assert "test-call-srs" in emulator.state()["connectors"]


def test_renaming_the_connector_replaces_it_and_the_session_that_uses_it(tmp_path: Path, cli: Path,
                                                                         emulator: Emulator) -> None:
    stack = call_stack(tmp_path, cli, emulator)
    stack.up()
    stack.set_config({"connectorName": "renamed-srs"})
    up = stack.up()
    assert up.summary.resource_changes == {"replace": 2, "same": 2}
    assert list(emulator.state()["connectors"]) == ["renamed-srs"]
    first, second = emulator.state()["sessions"]
    assert (first["status"], second["status"]) == ("stopped", "in-progress")
    assert second["params"]["ConnectorName"] == "renamed-srs"
    assert placed_call(emulator)["status"] == "in-progress", "the call was left alone"


def test_secure_without_port_5061_is_refused_by_the_program(tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    stack = call_stack(tmp_path, cli, emulator, secure="true")
    text = stack.failing(stack.preview)
    assert "secure sessions need the connector's port to be 5061: set srsPort to 5061 (it is 5060)" in text
    assert routes(emulator) == []
