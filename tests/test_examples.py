"""The example stacks end to end: their real programs, the real provider server over gRPC, the emulator for HTTP."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.emulator.server import redacted_authorization
from tests.support.local_stack import UNKNOWN_OUTPUT, CheckFailedError, LocalStack
from tests.support.recording_server import RecordingServer, Reply

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
KEY = "e2e-emulator-key"
CALL = "v3:e2e-quickstart-call"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=KEY, calls=[CALL]) as running:
        yield running


@pytest.fixture
def hook() -> Iterator[RecordingServer]:
    server = RecordingServer(lambda _r: Reply(200, {}))
    yield server
    server.close()


def quickstart(emulator: Emulator, **config: str) -> LocalStack:
    return LocalStack.from_project(
        ROOT / "Pulumi.yaml",
        QUICKSTART,
        {"telnyx:baseUrl": emulator.base_url, "telnyx:apiKey": KEY, "siprec-quickstart:callSid": CALL,
         **{f"siprec-quickstart:{k}": v for k, v in config.items()}},
    )


def sessions(emulator: Emulator) -> list[dict[str, Any]]:
    return emulator.state()["sessions"]


def test_up_starts_a_session_with_exactly_the_stacks_parameters(emulator: Emulator, hook: RecordingServer) -> None:
    callback = hook.base_url.removesuffix("/v2") + "/events"
    stack = quickstart(emulator, statusCallback=callback, track="inbound_track")

    up = stack.up()

    assert up.rpc_calls == ["Configure", "Check", "Create"]
    assert up.step_kinds() == ["create"]
    [session] = sessions(emulator)
    assert session["account_sid"] == "61bf923e-5e4d-4595-a110-56190ea18a1b", "Pulumi.yaml's default"
    assert session["call_sid"] == CALL
    assert session["params"] == {
        "ConnectorName": "my-srs", "Track": "inbound_track", "IncludeMetadataCustomHeaders": "false",
        "Secure": "false", "SessionTimeoutSecs": "1800", "SipTransport": "udp", "StatusCallback": callback,
        "StatusCallbackMethod": "POST",
    }
    assert up.outputs == {"sid": session["sid"], "status": "in-progress"}
    start_request = emulator.state()["requests"][-1]
    assert start_request["headers"]["Authorization"] == redacted_authorization(f"Bearer {KEY}")
    state = emulator.wait_until(lambda s: len(s["callbacks"]) == 1)
    assert state["callbacks"][0]["delivered"] is True
    assert hook.requests[0].form["SiprecSid"] == session["sid"]


def test_preview_checks_without_touching_telnyx(emulator: Emulator) -> None:
    preview = quickstart(emulator).preview()
    assert preview.rpc_calls == ["Configure", "Check"]
    assert preview.step_kinds() == ["create"]
    assert preview.outputs == {"sid": UNKNOWN_OUTPUT, "status": UNKNOWN_OUTPUT}
    assert emulator.state()["requests"] == []


def test_preview_of_a_bad_input_fails_per_property_before_anything_is_touched(emulator: Emulator) -> None:
    with pytest.raises(CheckFailedError) as caught:
        quickstart(emulator, track="inbound", callSid="v3:has space").preview()
    assert str(caught.value).splitlines() == [
        "pulumi-python:dynamic/telnyx:SiprecSession resource 'recording's property 'call_sid' value "
        "'v3:has space' has a problem: must not contain U+0020 (space) (found at position 6); ids have no `/`, "
        "`?`, `#`, whitespace or control characters",
        "pulumi-python:dynamic/telnyx:SiprecSession resource 'recording's property 'track' value 'inbound' has a "
        "problem: must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'inbound'; did you mean "
        "`inbound_track`?",
    ]
    assert emulator.state()["requests"] == []


def test_preview_after_up_diffs_and_a_second_up_changes_nothing(emulator: Emulator) -> None:
    stack = quickstart(emulator)
    stack.up()
    preview = stack.preview()
    assert preview.rpc_calls == ["Configure", "Check", "Diff"]
    assert preview.step_kinds() == ["same"]
    again = stack.up()
    assert again.rpc_calls == ["Configure", "Check", "Diff"]
    assert len(sessions(emulator)) == 1


def test_a_changed_input_replaces_the_session_starting_the_new_one_first(emulator: Emulator) -> None:
    stack = quickstart(emulator)
    stack.up()
    stack.config["siprec-quickstart:track"] = "outbound_track"
    assert stack.preview().step_kinds() == ["replace"]
    up = stack.up()
    assert up.rpc_calls == ["Configure", "Check", "Diff", "Create", "Delete"]
    first, second = sessions(emulator)
    assert (first["status"], second["status"]) == ("stopped", "in-progress")
    assert second["params"]["Track"] == "outbound_track"
    routes = [r["route"] for r in emulator.state()["requests"]]
    assert routes == ["siprec.start", "siprec.start", "siprec.stop"], "the call is never left unrecorded"


def test_destroy_stops_the_session(emulator: Emulator, hook: RecordingServer) -> None:
    stack = quickstart(emulator, statusCallback=hook.base_url.removesuffix("/v2") + "/events")
    stack.up()
    destroy = stack.destroy()
    assert destroy.rpc_calls == ["Configure", "Delete"]
    [session] = sessions(emulator)
    assert session["status"] == "stopped"
    state = emulator.wait_until(lambda s: len(s["callbacks"]) == 2)
    assert [c["event"] for c in state["callbacks"]] == ["siprec-started", "siprec-stopped"]
    assert all(c["delivered"] for c in state["callbacks"])
    assert stack.resources == {}


def test_refresh_keeps_a_live_session_and_destroy_after_a_hang_up_succeeds(emulator: Emulator) -> None:
    stack = quickstart(emulator)
    up = stack.up()
    refresh = stack.refresh()
    assert refresh.rpc_calls == ["Configure", "Read"]
    assert refresh.step_kinds() == ["refresh"]
    [resource] = stack.resources.values()
    assert resource.outputs["sid"] == up.outputs["sid"]
    emulator.end_call(CALL)
    assert stack.destroy().step_kinds() == ["delete"]


def test_refresh_after_the_call_ended_drops_the_session_and_up_says_the_call_ended(emulator: Emulator) -> None:
    stack = quickstart(emulator)
    stack.up()
    emulator.end_call(CALL)
    assert stack.refresh().step_kinds() == ["delete"]
    assert stack.resources == {}
    with pytest.raises(Exception, match=f"call '{CALL}' has ended \\(status `completed`\\)"):
        stack.up()


def test_a_wrong_key_fails_up_with_telnyx_error_and_no_key_in_it(emulator: Emulator) -> None:
    stack = quickstart(emulator)
    stack.config["telnyx:apiKey"] = "not-the-emulator-key"
    with pytest.raises(Exception, match=r"answered 401: \[10009\] Authentication failed") as caught:
        stack.up()
    assert "not-the-emulator-key" not in str(caught.value)
    assert sessions(emulator) == []


# The example files themselves


@pytest.mark.parametrize(("project_file", "program", "virtualenv"), [
    (ROOT / "Pulumi.yaml", QUICKSTART, ".venv"),
    (ROOT / "examples" / "test-call" / "Pulumi.yaml", ROOT / "examples" / "test-call", "venv"),
])
def test_each_example_installs_this_checkout_into_its_stacks_virtualenv(project_file: Path, program: Path,
                                                                        virtualenv: str) -> None:
    project = yaml.safe_load(project_file.read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": virtualenv}}
    assert (project_file.parent / project.get("main", ".")).resolve() == program
    assert project["config"]["telnyx:baseUrl"] == {"value": "http://127.0.0.1:8787/v2"}
    requirements = (program / "requirements.txt").read_text().splitlines()
    # Pulumi runs pip in the program directory, so the path is relative to it.
    assert [line for line in requirements if line and not line.startswith("#")] == ["-e ../.."]
    assert (program / "../..").resolve() == ROOT


@pytest.mark.parametrize("script", ["quickstart/run", "test-call/run"])
def test_the_run_scripts_say_how_to_install_a_missing_pulumi_cli(script: str) -> None:
    path = os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "pulumi").exists())
    result = subprocess.run([str(ROOT / "examples" / script)], capture_output=True, text=True,
                            env={**os.environ, "PATH": path}, timeout=60)
    assert result.returncode == 127
    assert f"examples/{script} needs the Pulumi CLI, and `pulumi` is not on your PATH" in result.stderr
    assert "curl -fsSL https://get.pulumi.com | sh" in result.stderr


def test_the_ci_workflow_previews_without_secrets_and_cleans_up_on_main() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "siprec-stack.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"pull_request", "push"}
    preview, up = workflow["jobs"]["preview"], workflow["jobs"]["up-and-destroy"]
    assert preview["if"] == "github.event_name == 'pull_request'"
    assert "secrets." not in yaml.safe_dump(preview)
    assert any("pulumi preview" in step.get("run", "") for step in preview["steps"])
    assert up["if"] == "github.event_name == 'push'"
    destroy = up["steps"][-1]
    assert destroy["if"] == "always()"
    assert "pulumi destroy" in destroy["run"]
    for job in (preview, up):
        for step in job["steps"]:
            if "run" in step:
                subprocess.run(["bash", "-n"], input=step["run"], text=True, check=True)


def test_preview_sends_values_not_known_yet_to_check_and_diff(emulator: Emulator) -> None:
    emulator.add_call("v3:other-call")
    stack = LocalStack(ROOT / "tests" / "programs" / "chained", "chained",
                       {"telnyx:baseUrl": emulator.base_url, "telnyx:apiKey": KEY, "chained:callSid": CALL,
                        "chained:otherCallSid": "v3:other-call"})
    preview = stack.preview()
    assert preview.rpc_calls == ["Configure", "Check", "Check"]
    assert preview.outputs == {"second_name": UNKNOWN_OUTPUT}

    up = stack.up()
    first_sid = sessions(emulator)[0]["sid"]
    assert up.outputs == {"second_name": f"after-{first_sid}"}
    assert sessions(emulator)[1]["params"]["Name"] == f"after-{first_sid}"

    stack.config["chained:callSid"] = "v3:other-call"  # moves the first session, so its sid becomes unknown
    replan = stack.preview()
    assert replan.rpc_calls == ["Configure", "Check", "Diff", "Check", "Diff"]
    # The second session's own config is unchanged: it is replaced because its name is now unknown.
    assert replan.step_kinds() == ["replace", "replace"]
    assert emulator.state()["counters"]["requests"] == 2, "preview made no request"


# The test-call stack: a connector and a session wired through outputs


TEST_CALL = ROOT / "examples" / "test-call"
CONNECTOR_URN = "urn:pulumi:test::siprec-test-call::pulumi-python:dynamic/telnyx:SiprecConnector::srs"
SESSION_URN = "urn:pulumi:test::siprec-test-call::pulumi-python:dynamic/telnyx:SiprecSession::recording"


def call_stack(emulator: Emulator, **config: str) -> LocalStack:
    return LocalStack.from_project(
        TEST_CALL / "Pulumi.yaml",
        TEST_CALL,
        {"telnyx:baseUrl": emulator.base_url, "telnyx:apiKey": KEY, "siprec-test-call:callSid": CALL,
         **{f"siprec-test-call:{k}": v for k, v in config.items()}},
    )


def api(emulator: Emulator, method: str, path: str, **kwargs: Any) -> Any:
    """A change made outside Pulumi: through the (emulated) Telnyx API, as the portal or the far end would."""
    import requests

    response = requests.request(method, emulator.base_url + path, headers={"Authorization": f"Bearer {KEY}"},
                                timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response


def test_the_test_call_stack_up_refresh_after_hang_up_and_destroy(emulator: Emulator) -> None:
    stack = call_stack(emulator)
    up = stack.up()
    assert up.rpc_calls == ["Configure", "Check", "Create", "Check", "Create"]
    assert up.steps == [("create", CONNECTOR_URN), ("create", SESSION_URN)]
    state = emulator.state()
    assert {k: state["connectors"]["test-call-srs"][k] for k in ("host", "port")} == {
        "host": "srs.example.com", "port": 5060}
    [session] = state["sessions"]
    assert session["params"]["ConnectorName"] == "test-call-srs", "the connector's name flows into the session"
    assert up.outputs == {"connector_name": "test-call-srs", "connector_host": "srs.example.com",
                          "session_sid": session["sid"], "session_status": "in-progress"}

    api(emulator, "POST", f"/texml/Accounts/any/Calls/{CALL}", data={"Status": "completed"})
    refresh = stack.refresh()
    assert refresh.rpc_calls == ["Configure", "Read", "Read"]
    assert refresh.steps == [("refresh", CONNECTOR_URN), ("delete", SESSION_URN)]
    assert list(stack.resources) == [CONNECTOR_URN]

    destroy = stack.destroy()
    assert destroy.steps == [("delete", CONNECTOR_URN)]
    assert emulator.state()["connectors"] == {}


def test_refresh_shows_a_connector_changed_in_the_portal_and_up_puts_it_back(emulator: Emulator) -> None:
    stack = call_stack(emulator)
    stack.up()
    api(emulator, "PUT", "/siprec_connectors/test-call-srs",
        json={"name": "test-call-srs", "host": "10.9.9.9", "port": 5070})
    stack.refresh()
    drifted = stack.resources[CONNECTOR_URN]
    assert (drifted.outputs["host"], drifted.outputs["port"]) == ("10.9.9.9", 5070)
    assert (drifted.inputs["host"], drifted.inputs["port"]) == ("10.9.9.9", 5070)
    assert stack.preview().steps == [("update", CONNECTOR_URN), ("same", SESSION_URN)]
    up = stack.up()
    assert up.rpc_calls == ["Configure", "Check", "Diff", "Update", "Check", "Diff"]
    connector = emulator.state()["connectors"]["test-call-srs"]
    assert (connector["host"], connector["port"]) == ("srs.example.com", 5060)
    assert len(emulator.state()["sessions"]) == 1, "the session was left alone"


def test_a_connector_deleted_in_the_portal_leaves_the_state_and_up_recreates_it(emulator: Emulator) -> None:
    stack = call_stack(emulator)
    stack.up()
    api(emulator, "DELETE", "/siprec_connectors/test-call-srs")
    assert stack.refresh().steps == [("delete", CONNECTOR_URN), ("refresh", SESSION_URN)]
    assert stack.up().steps == [("create", CONNECTOR_URN), ("same", SESSION_URN)]
    assert "test-call-srs" in emulator.state()["connectors"]


def test_renaming_the_connector_replaces_it_and_the_session_that_uses_it(emulator: Emulator) -> None:
    stack = call_stack(emulator)
    stack.up()
    stack.config["siprec-test-call:connectorName"] = "renamed-srs"
    up = stack.up()
    assert up.steps == [("replace", CONNECTOR_URN), ("replace", SESSION_URN)]
    # The new connector first, then the session moves to it (stopping the old one first: same call), and the
    # old connector goes last, once nothing uses it.
    assert up.rpc_calls == ["Configure", "Check", "Diff", "Create", "Check", "Diff", "Create", "Delete", "Delete"]
    assert [r["route"] for r in emulator.state()["requests"][-4:]] == [
        "connector.create", "siprec.start", "siprec.stop", "connector.delete"]
    assert set(emulator.state()["connectors"]) == {"renamed-srs"}
    old, new = emulator.state()["sessions"]
    assert (old["status"], new["status"], new["params"]["ConnectorName"]) == ("stopped", "in-progress",
                                                                              "renamed-srs")


def test_the_test_call_stack_refuses_secure_without_port_5061(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="secure sessions need the connector's port to be 5061"):
        call_stack(emulator, secure="true").preview()
    assert call_stack(emulator, secure="true", srsPort="5061").preview().step_kinds() == ["create", "create"]
