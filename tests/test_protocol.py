"""The real provider server (`python -m pulumi.dynamic`) over gRPC: Configure, Check, Diff, Create, Read, Delete."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_telnyx_siprec import SiprecSessionProvider
from tests.support.provider_server import UNKNOWN, ProviderCallError, ProviderServer
from tests.support.recording_server import Recorded, RecordingServer, Reply
from tests.support.samples import (
    ACCOUNT_SID,
    API_KEY,
    CALL_SID,
    SIPREC_PATH,
    SIPREC_SID,
    STOP_PATH,
    session_inputs,
    start_answer,
    stop_answer,
)

TYPE_TOKEN = "pulumi-python:dynamic/telnyx:SiprecSession"
REJECTED_CALL = "v3:rejected-key"


def answer(request: Recorded) -> Reply:
    if f"/Calls/{REJECTED_CALL}/" in request.path:
        # Some servers echo what they received; the provider must still never show the key.
        return Reply(401, {"errors": [{"code": "10009", "title": "Authentication failed",
                                       "detail": f"bad header {request.headers.get('Authorization')}"}]})
    if request.path == SIPREC_PATH:
        return Reply(200, start_answer(track="inbound_track"))
    if request.path == STOP_PATH:
        return Reply(200, stop_answer())
    if request.method == "GET" and request.path == SIPREC_PATH.removesuffix("/Siprec.json"):
        return Reply(200, {"sid": CALL_SID, "status": "in-progress"})
    return Reply(404, {"errors": [{"detail": "Resource not found"}]})


@pytest.fixture(scope="module")
def telnyx() -> Iterator[RecordingServer]:
    server = RecordingServer(answer)
    yield server
    server.close()


@pytest.fixture(scope="module")
def provider_server(telnyx: RecordingServer) -> Iterator[ProviderServer]:
    with ProviderServer(SiprecSessionProvider(), TYPE_TOKEN) as server:
        server.configure({"telnyx:apiKey": API_KEY, "telnyx:baseUrl": telnyx.base_url, "telnyx:maxRetryWait": "0"})
        yield server


def all_text(*values: Any) -> str:
    return json.dumps(values, default=repr)


def test_check_fills_defaults_and_reports_failures_per_property(provider_server: ProviderServer) -> None:
    inputs, failures = provider_server.check(session_inputs())
    assert failures == []
    assert inputs["session_timeout_secs"] == 1800
    assert inputs["status_callback_method"] == "POST"
    assert inputs["__provider"] == provider_server.serialized_provider

    _, failures = provider_server.check({**session_inputs(), "trak": "x", "session_timeout_secs": 45.0})
    assert sorted(failures) == [
        ("session_timeout_secs", "must be 0 or between 90 and 14440, got 45"),
        ("trak", "unknown property; did you mean `track`?"),
    ]


def test_preview_check_keeps_unknowns_and_still_requires_properties(provider_server: ProviderServer) -> None:
    inputs, failures = provider_server.check(
        {"account_sid": ACCOUNT_SID, "call_sid": UNKNOWN, "connector_name": "my-srs", "status_callback": UNKNOWN}
    )
    assert failures == []
    assert isinstance(inputs["call_sid"], Unknown)
    assert isinstance(inputs["status_callback"], Unknown)

    _, failures = provider_server.check({"account_sid": UNKNOWN, "connector_name": "my-srs"})
    assert failures == [("call_sid", "is required but was not set")]


def test_preview_diff_with_unknowns_replaces(provider_server: ProviderServer) -> None:
    olds, _ = provider_server.check(session_inputs())
    news, _ = provider_server.check({**session_inputs(), "call_sid": UNKNOWN})
    diff = provider_server.diff(SIPREC_SID, {**olds, "sid": SIPREC_SID}, news)
    assert diff.changes is True
    assert diff.replaces == ["call_sid"]
    assert diff.delete_before_replace is False

    same = provider_server.diff(SIPREC_SID, {**olds, "sid": SIPREC_SID}, olds)
    assert same.changes is False
    assert same.replaces == []


def test_create_read_delete_through_the_server(provider_server: ProviderServer, telnyx: RecordingServer) -> None:
    inputs, _ = provider_server.check(session_inputs())
    before = len(telnyx.requests)
    id_, outs = provider_server.create(inputs)
    start = telnyx.requests[before]
    assert start.method == "POST"
    assert start.path == SIPREC_PATH
    assert start.headers["Authorization"] == f"Bearer {API_KEY}"
    assert start.headers["Accept"] == "application/json"
    assert start.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert start.form == {
        "ConnectorName": "my-srs", "Track": "inbound_track", "IncludeMetadataCustomHeaders": "false",
        "Secure": "true", "SessionTimeoutSecs": "1800", "SipTransport": "tls",
        "StatusCallback": "https://hooks.example.com/siprec", "StatusCallbackMethod": "POST",
    }
    assert id_ == SIPREC_SID
    assert outs["sid"] == SIPREC_SID
    assert outs["status"] == "in-progress"
    assert outs["track"] == "inbound_track"
    assert outs["session_timeout_secs"] == 1800

    read_id, read_outs, read_inputs = provider_server.read(id_, outs)
    fetch = telnyx.requests[-1]
    assert (fetch.method, fetch.path) == ("GET", SIPREC_PATH.removesuffix("/Siprec.json"))
    assert read_id == id_
    assert read_outs == outs
    assert read_inputs == {**{k: v for k, v in outs.items() if k in inputs}, "__provider": outs["__provider"]}

    provider_server.delete(id_, outs)
    stop = telnyx.requests[-1]
    assert (stop.method, stop.path, stop.form) == ("POST", STOP_PATH, {"Status": "stopped"})
    assert stop.headers["Authorization"] == f"Bearer {API_KEY}"


def test_the_key_appears_nowhere_the_engine_can_see(provider_server: ProviderServer) -> None:
    seen: list[Any] = []
    assert provider_server.serialized_provider is not None
    assert API_KEY.encode() not in base64.b64decode(provider_server.serialized_provider)
    inputs, failures = provider_server.check(session_inputs())
    seen += [inputs, failures]
    id_, outs = provider_server.create(inputs)
    seen += [id_, outs, provider_server.read(id_, outs)]
    seen.append(provider_server.diff(id_, outs, inputs))
    provider_server.delete(id_, outs)

    rejected, _ = provider_server.check(session_inputs(call_sid=REJECTED_CALL))
    with pytest.raises(ProviderCallError) as caught:
        provider_server.create(rejected)
    seen.append(caught.value.details)
    assert "answered 401: [10009] Authentication failed: bad header Bearer [redacted]" in caught.value.last_line

    assert API_KEY not in all_text(*seen)


def test_a_key_passed_as_an_input_is_refused(provider_server: ProviderServer) -> None:
    _, failures = provider_server.check({**session_inputs(), "api_key": API_KEY})
    assert failures == [("", "`api_key`: not an input of SiprecSession; set the Telnyx API key with "
                             "`pulumi config set --secret telnyx:apiKey <key>` instead")]
    _, failures = provider_server.check(session_inputs(name=API_KEY))
    assert [f[0] for f in failures] == [""]
    assert failures[0][1].startswith("property `name` holds your Telnyx API key")


def test_without_a_key_preview_works_and_up_says_how_to_set_one(telnyx: RecordingServer) -> None:
    with ProviderServer(SiprecSessionProvider(), TYPE_TOKEN) as server:
        server.configure({"telnyx:baseUrl": telnyx.base_url})
        inputs, failures = server.check(session_inputs())
        assert failures == []
        with pytest.raises(ProviderCallError) as caught:
            server.create(inputs)
    assert caught.value.last_line == (
        "pulumi_telnyx_siprec.client.errors.ConfigurationError: no Telnyx API key is configured: run "
        "`pulumi config set --secret telnyx:apiKey <your key>` (or export TELNYX_API_KEY) and try again"
    )


def test_the_environment_supplies_the_key_when_config_does_not(telnyx: RecordingServer) -> None:
    env = {"TELNYX_API_KEY": API_KEY, "TELNYX_BASE_URL": telnyx.base_url}
    with ProviderServer(SiprecSessionProvider(), TYPE_TOKEN, env=env) as server:
        server.configure({})
        inputs, _ = server.check(session_inputs())
        id_, _ = server.create(inputs)
    assert id_ == SIPREC_SID
    assert telnyx.requests[-1].headers["Authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in server.stderr_text()
