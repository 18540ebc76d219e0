"""The provider plugin (`python -m pulumi_telnyx_siprec.plugin`) over gRPC, started and driven as the engine does,
against the emulator: Configure, GetSchema, Check, Diff, Create, Read, Update, Delete, secrets and concurrency.

Nothing of the protocol is re-implemented: requests are the engine's protobuf messages, properties go through the
SDK's `rpc` helpers, and the server is the plugin itself, in a subprocess that prints its port first.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
import pytest
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from pulumi.output import Unknown
from pulumi.runtime.proto import provider_pb2

from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.resources.spec import PACKAGE
from pulumi_telnyx_siprec.telnyx_api import SIP_TRANSPORTS, TRACKS
from tests.support.plugin_server import CALL, CONNECTOR, SESSION, PluginServer
from tests.support.provider_server import UNKNOWN, ProviderCallError
from tests.support.samples import ACCOUNT_SID, API_KEY
from tests.support.sipp import wait_until
from tools.codegen.package_schema import package_schema

CC_SESSION, CC_CALL = "telnyx-siprec:index:CallControlSiprecSession", "telnyx-siprec:index:CallControlCall"
LIVE_CALL = "v3:plugin-live-call"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "yaml"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(calls=[LIVE_CALL]) as running:
        running.configure(call_answer_delay=0)
        yield running


@pytest.fixture(scope="module")
def plugin(emulator: Emulator) -> Iterator[PluginServer]:
    with PluginServer() as server:
        server.configure({"apiKey": API_KEY, "baseUrl": emulator.base_url, "maxRetryWait": "0"})
        yield server


@pytest.fixture
def session_plugin(plugin: PluginServer) -> PluginServer:
    return plugin.typed(SESSION)


def session_inputs(**overrides: Any) -> dict[str, Any]:
    return {"accountSid": ACCOUNT_SID, "callSid": LIVE_CALL, "connectorName": "my-srs", **overrides}


def text_of(*values: Any) -> str:
    return json.dumps(values, default=repr)


# Configure and schema


def test_configure_accepts_preview_and_leaves_secrets_to_the_engine(plugin: PluginServer) -> None:
    response = plugin.configure_response
    assert response.supportsPreview is True
    # Not accepting secrets makes the engine mark an output secret when the same-named input was.
    assert response.acceptSecrets is False
    assert plugin.stub.GetPluginInfo(empty_pb2.Empty()).version == package_schema()["version"]


def test_get_schema_is_the_generated_schema(plugin: PluginServer) -> None:
    assert plugin.schema() == package_schema()


def test_schema_names_types_enums_and_secrets() -> None:
    schema = package_schema()
    assert schema["name"] == "telnyx-siprec"
    assert sorted(schema["resources"]) == sorted([SESSION, CONNECTOR, CALL, CC_SESSION, CC_CALL])
    session = schema["resources"][SESSION]
    assert session["requiredInputs"] == ["callSid", "connectorName"]
    assert {"callSid", "connectorName", "sessionTimeoutSecs", "sipTransport", "statusCallbackMethod"} <= set(
        session["inputProperties"])
    assert {"sid", "status", "startTime"} <= set(session["properties"])
    assert session["inputProperties"]["sessionTimeoutSecs"]["type"] == "integer"
    assert "1800" in session["inputProperties"]["sessionTimeoutSecs"]["description"]
    for prop, choices in (("track", TRACKS), ("sipTransport", SIP_TRANSPORTS)):
        ref = session["inputProperties"][prop]["$ref"]
        assert ref.startswith("#/types/")
        enum = schema["types"][ref.removeprefix("#/types/")]
        assert enum["type"] == "string"
        assert [v["value"] for v in enum["enum"]] == list(choices)
    call = schema["resources"][CALL]
    assert call["requiredInputs"] == ["connectionId", "to", "from"]
    assert call["inputProperties"]["customHeaders"] == {
        "type": "object", "additionalProperties": {"type": "string"},
        "description": call["inputProperties"]["customHeaders"]["description"], "willReplaceOnChanges": True,
    }
    # A list of words, not one of them: no enum.
    assert "$ref" not in call["inputProperties"]["statusCallbackEvent"]
    cc_session, cc_call = schema["resources"][CC_SESSION], schema["resources"][CC_CALL]
    assert cc_session["requiredInputs"] == ["callControlId"]
    assert "callControlId" in cc_session["required"], "the id is always set"
    ref = cc_session["inputProperties"]["track"]["$ref"]
    assert [v["value"] for v in schema["types"][ref.removeprefix("#/types/")]["enum"]] == list(TRACKS)
    assert cc_call["requiredInputs"] == ["connectionId", "to", "from"]
    assert {"callControlId", "clientState", "placedAt"} <= set(cc_call["required"])
    assert cc_call["properties"]["isAlive"]["type"] == "boolean"
    connector = schema["resources"][CONNECTOR]
    assert connector["inputProperties"]["name"]["willReplaceOnChanges"] is True
    assert "willReplaceOnChanges" not in connector["inputProperties"]["port"]
    for where in (schema["config"]["variables"], schema["provider"]["inputProperties"]):
        assert where["apiKey"] == {**where["apiKey"], "type": "string", "secret": True}
        assert where["maxConcurrency"]["type"] == "integer"
        assert "secret" not in where["baseUrl"]


@pytest.mark.parametrize("example", ["quickstart", "test-call"])
def test_the_yaml_examples_use_only_what_the_schema_has(example: str) -> None:
    import yaml  # type: ignore[import-untyped]

    program = yaml.safe_load((EXAMPLES / example / "Pulumi.yaml").read_text(encoding="utf-8"))
    resources = package_schema()["resources"]
    for name, resource in program["resources"].items():
        spec = resources[resource["type"]]
        assert set(resource["properties"]) <= set(spec["inputProperties"]), name
        assert set(spec["requiredInputs"]) <= set(resource["properties"]), name
    for value in program["outputs"].values():
        for resource, prop in re.findall(r"\$\{(\w+)\.(\w+)\}", value):
            assert prop in resources[program["resources"][resource]["type"]]["properties"], (resource, prop)


# Check


def test_check_reports_every_failure_with_the_property_as_written(session_plugin: PluginServer) -> None:
    inputs, failures = session_plugin.check({
        "callSid": LIVE_CALL, "track": "sideways", "sessionTimeoutSecs": 45.0, "trak": "x", "call_sid": "y",
        "statusCallbackMethod": "post",
    })
    assert failures == [
        ("connectorName", "is required but was not set"),
        ("track", "must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'"),
        ("sessionTimeoutSecs", "must be 0 or between 90 and 14440, got 45"),
        ("statusCallbackMethod",
         "has no effect without `statusCallback`: set `statusCallback` too, or remove `statusCallbackMethod`"),
        # The schema's own spelling is not a property of the package: users of other languages never write it.
        ("call_sid", "unknown property; did you mean `callSid`?"),
        ("trak", "unknown property; did you mean `track`?"),
    ]
    assert inputs["trak"] == "x"
    assert inputs["statusCallbackMethod"] == "POST"


def test_check_fills_defaults_in_camel_case(session_plugin: PluginServer) -> None:
    inputs, failures = session_plugin.check(session_inputs())
    assert failures == []
    assert inputs == {
        **session_inputs(), "track": "both_tracks", "includeMetadataCustomHeaders": False, "secure": False,
        "sessionTimeoutSecs": 1800, "sipTransport": "udp",
    }


def test_preview_check_keeps_unknowns_and_still_requires_properties(session_plugin: PluginServer) -> None:
    inputs, failures = session_plugin.check(session_inputs(callSid=UNKNOWN, statusCallback=UNKNOWN))
    assert failures == []
    assert isinstance(inputs["callSid"], Unknown)
    assert isinstance(inputs["statusCallback"], Unknown)
    assert inputs["statusCallbackMethod"] == "POST"

    _, failures = session_plugin.check({"accountSid": UNKNOWN, "callSid": UNKNOWN})
    assert failures == [("connectorName", "is required but was not set")]


def test_check_of_a_call_names_from_as_written(plugin: PluginServer) -> None:
    call = plugin.typed(CALL)
    inputs, failures = call.check({"connectionId": "app-1", "to": "+15550100002", "from": "+15550100001",
                                   "customHeaders": {"X-Test-Run": "7"}})
    assert failures == []
    assert inputs["from"] == "+15550100001"
    assert inputs["customHeaders"] == {"X-Test-Run": "7"}
    assert inputs["waitUntilAnswered"] is True

    _, failures = call.check({"connectionId": "app-1", "to": "+15550100002", "from": "alice",
                              "url": "https://x.example/a", "texml": "<Response/>"})
    assert [f[0] for f in failures] == ["from", "url"]
    assert failures[1][1] == "cannot be set together with `texml`: keep one of them"


def test_a_key_passed_as_an_input_is_refused_without_echoing_it(session_plugin: PluginServer) -> None:
    inputs, failures = session_plugin.check(session_inputs(name=API_KEY, apiKey=API_KEY))
    # Both against the resource, not the property: the engine prints a failing property's value.
    assert [f[0] for f in failures] == ["", ""]
    assert failures[0][1].startswith("property `name` holds your Telnyx API key")
    assert "pulumi config set --secret telnyx-siprec:apiKey <key>" in failures[0][1]
    assert failures[1][1].startswith("`apiKey`: not an input of SiprecSession; set the Telnyx API key with ")
    assert API_KEY not in text_of(failures)
    assert "apiKey" not in inputs


def test_an_unknown_resource_type_is_named(plugin: PluginServer) -> None:
    with pytest.raises(ProviderCallError) as caught:
        plugin.check({}, urn=f"urn:pulumi:dev::proj::{PACKAGE}:index:SiprecThing::x")
    assert caught.value.details.startswith(
        f"the telnyx-siprec plugin has no resource type `{PACKAGE}:index:SiprecThing`")
    assert SESSION in caught.value.details


# Diff


def test_diff_replaces_a_session_new_one_first(session_plugin: PluginServer) -> None:
    olds, _ = session_plugin.check(session_inputs())
    state = {**olds, "sid": "s-1", "status": "in-progress"}
    news, _ = session_plugin.check(session_inputs(track="inbound_track"))
    response = session_plugin.diff_response("s-1", state, news)
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(response.replaces) == ["track"]
    assert response.deleteBeforeReplace is False
    assert response.detailedDiff["track"].kind == provider_pb2.PropertyDiff.UPDATE_REPLACE

    same = session_plugin.diff("s-1", state, olds)
    assert (same.changes, same.replaces) == (False, [])

    unknown, _ = session_plugin.check(session_inputs(callSid=UNKNOWN))
    assert session_plugin.diff("s-1", state, unknown).replaces == ["callSid"]


def test_diff_updates_a_connector_in_place_and_replaces_it_on_a_new_name(plugin: PluginServer) -> None:
    connector = plugin.typed(CONNECTOR)
    olds = {"name": "srs-a", "host": "srs.example.com", "port": 5060, "recordType": "siprec_connector"}
    response = connector.diff_response("srs-a", olds, {**olds, "port": 5061})
    assert (list(response.replaces), response.detailedDiff["port"].kind) == ([], provider_pb2.PropertyDiff.UPDATE)
    added = connector.diff_response("srs-a", olds, {**olds, "appSubdomain": "rec"})
    assert added.detailedDiff["appSubdomain"].kind == provider_pb2.PropertyDiff.ADD
    assert connector.diff("srs-a", olds, {**olds, "name": "srs-b"}).replaces == ["name"]


# Create, Read, Update, Delete


def test_preview_create_sends_nothing_and_leaves_outputs_unknown(session_plugin: PluginServer,
                                                                  emulator: Emulator) -> None:
    inputs, _ = session_plugin.check({"callSid": LIVE_CALL, "connectorName": "my-srs"})
    before = emulator.state()["counters"]["requests"]
    id_, outputs = session_plugin.create_preview(inputs)
    assert id_ == ""
    assert emulator.state()["counters"]["requests"] == before
    assert outputs["callSid"] == LIVE_CALL
    # Output-only values, and the account id looked up at create, are not known before it.
    for name in ("sid", "status", "startTime", "accountSid"):
        assert isinstance(outputs[name], Unknown), name


def test_create_sends_the_exact_form_and_returns_camel_case_outputs(session_plugin: PluginServer,
                                                                    emulator: Emulator) -> None:
    inputs, _ = session_plugin.check(session_inputs(
        track="inbound_track", secure=True, sipTransport="tls", statusCallback="https://hooks.example.com/siprec",
        statusCallbackMethod="get", name="compliance"))
    id_, outputs = session_plugin.create(inputs)
    [session] = [s for s in emulator.state()["sessions"] if s["sid"] == id_]
    assert session["params"] == {
        "ConnectorName": "my-srs", "Name": "compliance", "Track": "inbound_track",
        "IncludeMetadataCustomHeaders": "false", "Secure": "true", "SessionTimeoutSecs": "1800",
        "SipTransport": "tls", "StatusCallback": "https://hooks.example.com/siprec", "StatusCallbackMethod": "GET",
    }
    assert (session["account_sid"], session["call_sid"]) == (ACCOUNT_SID, LIVE_CALL)
    assert outputs["sid"] == id_
    assert outputs["status"] == "in-progress"
    assert outputs["sessionTimeoutSecs"] == 1800
    assert {"startTime", "dateCreated", "uri"} <= set(outputs)
    assert not any("_" in name for name in outputs)
    session_plugin.delete(id_, outputs)
    [stopped] = [s for s in emulator.state()["sessions"] if s["sid"] == id_]
    assert stopped["status"] == "stopped"


def test_read_keeps_a_live_session_and_reports_it_gone_after_its_call(session_plugin: PluginServer,
                                                                      emulator: Emulator) -> None:
    emulator.add_call("v3:plugin-read-call")
    inputs, _ = session_plugin.check(session_inputs(callSid="v3:plugin-read-call"))
    id_, outputs = session_plugin.create(inputs)
    read_id, read_outputs, read_inputs = session_plugin.read(id_, outputs, inputs)
    assert (read_id, read_outputs) == (id_, outputs)
    assert read_inputs == {k: v for k, v in outputs.items() if k in inputs}

    emulator.end_call("v3:plugin-read-call")
    gone_id, gone_outputs, _ = session_plugin.read(id_, outputs, inputs)
    assert (gone_id, gone_outputs) == ("", {})


def test_a_connector_is_created_updated_read_and_deleted(plugin: PluginServer, emulator: Emulator) -> None:
    connector = plugin.typed(CONNECTOR)
    inputs, failures = connector.check({"name": "plugin-srs", "host": "srs.example.com", "port": 5060})
    assert failures == []
    id_, outputs = connector.create(inputs)
    create = emulator.state()["requests"][-1]
    assert (create["method"], create["route"], json.loads(create["body"])) == (
        "POST", "connector.create", {"name": "plugin-srs", "host": "srs.example.com", "port": 5060})
    assert id_ == "plugin-srs"
    assert outputs["recordType"] == "siprec_connector"
    assert "createdAt" in outputs

    news, _ = connector.check({**inputs, "port": 5061, "appSubdomain": "rec"})
    updated = connector.update(id_, outputs, news)
    put = emulator.state()["requests"][-1]
    assert (put["method"], put["route"], json.loads(put["body"])) == (
        "PUT", "connector.update",
        {"name": "plugin-srs", "host": "srs.example.com", "port": 5061, "app_subdomain": "rec"})
    assert (updated["port"], updated["appSubdomain"]) == (5061, "rec")
    assert emulator.state()["connectors"]["plugin-srs"]["port"] == 5061

    preview = connector.update_preview(id_, updated, {**news, "port": 5062})
    assert preview["port"] == 5062
    assert isinstance(preview["updatedAt"], Unknown)

    read_id, read_outputs, read_inputs = connector.read(id_, updated)
    assert read_id == id_
    assert read_inputs == {"name": "plugin-srs", "host": "srs.example.com", "port": 5061, "appSubdomain": "rec"}
    assert read_outputs["recordType"] == "siprec_connector"

    connector.delete(id_, updated)
    assert "plugin-srs" not in emulator.state()["connectors"]
    assert connector.read(id_, updated)[0] == ""


def test_a_test_call_is_placed_with_its_headers_and_hung_up(plugin: PluginServer, emulator: Emulator) -> None:
    call = plugin.typed(CALL)
    inputs, _ = call.check({"connectionId": "app-1", "accountSid": ACCOUNT_SID, "to": "+15550100002",
                            "from": "+15550100001", "texml": "<Response><Pause length=\"60\"/></Response>",
                            "customHeaders": {"X-Test-Run": "7"}})
    id_, outputs = call.create(inputs)
    [place] = [r for r in emulator.state()["requests"] if r["route"] == "call.create"][-1:]
    assert json.loads(place["body"]) == {
        "To": "+15550100002", "From": "+15550100001", "Texml": "<Response><Pause length=\"60\"/></Response>",
        "CustomHeaders": [{"name": "X-Test-Run", "value": "7"}],
    }
    assert outputs["callSid"] == id_
    assert outputs["status"] == "in-progress"
    assert outputs["from"] == "+15550100001"
    call.delete(id_, outputs)
    assert emulator.state()["calls"][id_]["status"] == "completed"


# Errors


def test_an_error_is_our_message_alone(session_plugin: PluginServer, emulator: Emulator) -> None:
    emulator.add_call("v3:plugin-ended-call")
    emulator.end_call("v3:plugin-ended-call")
    inputs, _ = session_plugin.check(session_inputs(callSid="v3:plugin-ended-call"))
    with pytest.raises(ProviderCallError) as caught:
        session_plugin.create(inputs)
    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert caught.value.details.endswith(
        "call 'v3:plugin-ended-call' has ended (status `completed`): a SIPREC session needs a call in progress; "
        "place a new call and set `callSid` to it")
    assert "Traceback" not in caught.value.details
    assert 'File "' not in caught.value.details

    with pytest.raises(ProviderCallError) as caught:
        session_plugin.create({"callSid": LIVE_CALL, "track": "sideways"})
    assert caught.value.details == (
        "SiprecSession inputs are invalid: property `connectorName`: is required but was not set; property "
        "`track`: must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'")


def test_a_bad_max_concurrency_fails_configure_naming_the_key() -> None:
    with PluginServer() as server, pytest.raises(ProviderCallError) as caught:
        server.configure({"apiKey": API_KEY, "maxConcurrency": "0"})
    assert caught.value.details == ("config `telnyx-siprec:maxConcurrency` must be a whole number between 1 and 1024, "
                                    "got '0'")


def test_the_key_never_reaches_a_response_or_the_log(emulator: Emulator) -> None:
    seen: list[Any] = []
    with PluginServer() as server:
        server.configure({"apiKey": API_KEY, "baseUrl": emulator.base_url, "maxRetryWait": "0"})
        seen.append(server.configure_response)
        inputs, failures = server.check(session_inputs())
        id_, outputs = server.create(inputs)
        seen += [inputs, failures, id_, outputs, server.read(id_, outputs, inputs), server.diff(id_, outputs, inputs)]
        emulator.inject("siprec.start", "status", status=401,
                        body={"errors": [{"code": "10009", "title": "Authentication failed",
                                          "detail": f"bad key {API_KEY}"}]})
        with pytest.raises(ProviderCallError) as caught:
            server.create(inputs)
        seen.append(caught.value.details)
        assert "set a valid key with `pulumi config set --secret telnyx-siprec:apiKey <key>`" in caught.value.details
        server.delete(id_, outputs)
        seen.append(server.schema())
    assert API_KEY not in text_of(*map(str, seen))
    assert API_KEY not in server.stderr_text()


# Concurrency


def _start_sessions(server: PluginServer, count: int) -> list[Any]:
    inputs, _ = server.check(session_inputs(callSid=LIVE_CALL))
    return [server.create_future(inputs, f"s{n}") for n in range(count)]


def test_many_creates_run_at_once() -> None:
    with Emulator(calls=[LIVE_CALL], latency=0.2) as slow, PluginServer() as server:
        server.configure({"apiKey": API_KEY, "baseUrl": slow.base_url})
        futures = _start_sessions(server, 64)
        # pulumi.dynamic's server never has more than 4 calls in flight; the plugin has no such cap.
        slow.wait_until(lambda state: state["counters"]["in_flight"] > 4, timeout=60)
        ids = {future.result().id for future in futures}
        assert len(ids) == 64
        assert len([s for s in slow.state()["sessions"] if s["sid"] in ids]) == 64


PAUSE_STARTED = "rate limited (429): every request of this client waits 2 s"


def test_a_429_holds_back_every_create_until_the_time_telnyx_gave() -> None:
    """Telnyx's rate limit is the account's: once one create is answered 429 with `Retry-After`, the others wait it
    out before they are sent, rather than each spending an attempt on a 429 of its own."""
    asked = 2.0
    with Emulator(calls=[LIVE_CALL]) as limited, PluginServer(log_level="DEBUG") as server:
        server.configure({"apiKey": API_KEY, "baseUrl": limited.base_url, "maxRetryWait": "10"})
        limited.inject("siprec.start", "status", status=429, headers={"Retry-After": f"{asked:g}"}, count=1)
        first = _start_sessions(server, 1)[0]
        # Not once the emulator has recorded the 429: the plugin may not have read it yet, and a create sent then
        # cannot know of it. Once the plugin says its pause holds.
        assert wait_until(lambda: PAUSE_STARTED in server.stderr_text(), timeout=30), server.stderr_text()[-2000:]
        rejected = next(r for r in limited.state()["requests"] if r["status"] == 429)
        second = _start_sessions(server, 1)[0]
        assert first.result().id != second.result().id
        starts = [r for r in limited.state()["requests"] if r["route"] == "siprec.start"]
        assert [r["status"] for r in starts] == [429, 200, 200], "one 429 in all: the second create never met it"
        limit_hit = datetime.fromisoformat(rejected["at"])
        # Sent after the 429 was answered, the second create (like the first one's retry) reached the emulator only
        # once the time Telnyx gave had passed: the pause starts when the plugin reads the answer, later still.
        assert all(datetime.fromisoformat(r["at"]) - limit_hit >= timedelta(seconds=asked - 0.1) for r in starts[1:])


def test_max_concurrency_bounds_the_calls_in_flight() -> None:
    with Emulator(calls=[LIVE_CALL], latency=0.2) as slow, PluginServer() as server:
        server.configure({"apiKey": API_KEY, "baseUrl": slow.base_url, "maxConcurrency": 4})
        futures = _start_sessions(server, 32)
        seen = [slow.wait_until(lambda state: state["counters"]["in_flight"] >= 4, timeout=60)]  # the pool is used
        while not all(future.done() for future in futures):
            seen.append(slow.state())
            time.sleep(0.005)
        # A worker's next request may reach the emulator before the handler of its last one has counted itself
        # out, so at most twice the pool; without the bound all 32 would be in flight at once.
        assert max(state["counters"]["in_flight"] for state in seen) <= 2 * 4
        assert len({future.result().id for future in futures}) == 32


@pytest.mark.parametrize("bad_id", ["", "..", "a/b"])
def test_a_bad_id_from_the_state_fails_read_update_and_delete_clearly(plugin: PluginServer, bad_id: str) -> None:
    server = plugin.typed(CONNECTOR)
    state = {"name": "srs", "host": "srs.example.com", "port": 5060}
    for call in (lambda: server.read(bad_id, state), lambda: server.delete(bad_id, state),
                 lambda: server.update(bad_id, state, {**state, "port": 5061})):
        with pytest.raises(ProviderCallError) as caught:
            call()
        assert caught.value.details.startswith("the state of this SiprecConnector has "), caught.value.details
        assert "pulumi state delete <urn>" in caught.value.details
        assert "Traceback" not in caught.value.details
        assert "ValueError" not in caught.value.details
