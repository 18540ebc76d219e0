"""SiprecConnectorProvider called directly: diff, create, read (drift and deletion), update and delete."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

from pulumi_telnyx_siprec import SiprecConnectorProvider
from pulumi_telnyx_siprec.client.errors import ConflictError, ConnectorMayExistError
from tests.support.samples import API_KEY, CONNECTOR_DATA, CONNECTOR_INPUTS, sent_json

unknown: Callable[[], Unknown] = Unknown
"""`pulumi.output.Unknown()`, typed: its constructor has no annotations."""

BASE = "https://api.telnyx.test/v2"
CONNECTORS = f"{BASE}/siprec_connectors"
SRS = f"{CONNECTORS}/test-srs"
INPUTS = CONNECTOR_INPUTS
DATA = CONNECTOR_DATA
STATE = {**INPUTS, "port": 5060.0, "record_type": "siprec_connector", "created_at": DATA["created_at"],
         "updated_at": DATA["updated_at"], "__provider": "serialized"}


def configured() -> SiprecConnectorProvider:
    provider = SiprecConnectorProvider()
    provider.configure(ConfigureRequest(Config(
        {"telnyx:apiKey": API_KEY, "telnyx:baseUrl": BASE, "telnyx:maxRetryWait": "0"}, "tests")))
    return provider


@pytest.mark.parametrize(
    ("news", "changes", "replaces"),
    [
        ({}, False, []),
        ({"host": "10.0.0.7"}, True, []),
        ({"port": 5061}, True, []),
        ({"app_subdomain": "rec"}, True, []),
        ({"name": "other-srs"}, True, ["name"]),
        ({"name": unknown()}, True, ["name"]),
        ({"host": unknown()}, True, []),
    ],
)
def test_diff_replaces_on_a_new_name_and_updates_the_rest(news: dict[str, Any], changes: bool,
                                                           replaces: list[str]) -> None:
    result = SiprecConnectorProvider().diff("test-srs", STATE, {**INPUTS, **news})
    assert (result.changes, result.replaces, result.delete_before_replace) == (changes, replaces, False)


@responses.activate
def test_create_returns_the_name_as_id_and_complete_outputs() -> None:
    responses.post(CONNECTORS, status=201, json={"data": {**DATA, "host": "SRS.example.com"}})
    result = configured().create({**INPUTS, "port": 5060.0, "__provider": "serialized"})
    assert sent_json(responses.calls[0]) == INPUTS
    assert result.id == "test-srs"
    assert result.outs == {**INPUTS, "record_type": "siprec_connector", "created_at": DATA["created_at"],
                           "updated_at": DATA["updated_at"]}, "the checked inputs are kept: no perpetual diff"


@responses.activate
def test_a_taken_name_fails_create_with_advice() -> None:
    responses.post(CONNECTORS, status=422, json={"errors": [{"code": "10012", "title": "Already exists"}]})
    responses.get(SRS, json={"data": {**DATA, "host": "elsewhere.example.com"}})
    with pytest.raises(ConflictError, match="choose another `name`"):
        configured().create(INPUTS)


@responses.activate
def test_a_create_that_may_have_happened_says_to_run_up_again_and_the_next_up_adopts_it() -> None:
    responses.post(CONNECTORS, status=503, json={"errors": [{"code": "10007"}]})
    responses.get(SRS, body=requests.ConnectionError("connection reset"))
    provider = configured()
    with pytest.raises(ConnectorMayExistError) as caught:
        provider.create(INPUTS)
    assert str(caught.value).endswith(" if nothing uses it. Run `pulumi up` again: it adopts the connector if it "
                                      "was created with these settings")
    responses.post(CONNECTORS, status=422, json={"errors": [{"code": "10012", "source": {"pointer": "/name"}}]})
    responses.get(SRS, json={"data": DATA})
    assert provider.create(INPUTS).id == "test-srs"


@responses.activate
def test_read_takes_outputs_and_inputs_from_telnyx_so_drift_shows() -> None:
    responses.get(SRS, json={"data": {**DATA, "host": "10.9.9.9", "port": 5070, "app_subdomain": "portal-edit",
                                      "updated_at": "2026-11-24T08:00:00.000000Z"}})
    result = configured().read("test-srs", STATE)
    drifted = {"name": "test-srs", "host": "10.9.9.9", "port": 5070, "app_subdomain": "portal-edit"}
    assert result.id == "test-srs"
    assert result.inputs == drifted
    assert result.outs == {**drifted, "record_type": "siprec_connector", "created_at": DATA["created_at"],
                           "updated_at": "2026-11-24T08:00:00.000000Z"}
    assert SiprecConnectorProvider().diff("test-srs", result.outs, {**INPUTS}).changes is True


@responses.activate
def test_read_of_a_connector_deleted_elsewhere_drops_it() -> None:
    responses.get(SRS, status=404, json={"errors": [{"code": "10005", "title": "Resource not found"}]})
    result = configured().read("test-srs", STATE)
    assert (result.id, result.outs) == ("", {})


@responses.activate
def test_update_puts_the_settings_and_returns_complete_outputs() -> None:
    responses.put(SRS, json={"data": {**DATA, "port": 5061, "updated_at": "2026-11-24T09:00:00.000000Z"}})
    result = configured().update("test-srs", {**STATE, "app_subdomain": "old"}, {**INPUTS, "port": 5061.0})
    [call] = responses.calls
    assert (call.request.method, call.request.url) == ("PUT", SRS)
    assert sent_json(call) == {"name": "test-srs", "host": "srs.example.com", "port": 5061}, \
        "create's body, as the spec requires; an app_subdomain removed from the program is not sent (no source " \
        "says how to clear it)"
    assert result.outs == {**INPUTS, "port": 5061, "record_type": "siprec_connector",
                           "created_at": DATA["created_at"], "updated_at": "2026-11-24T09:00:00.000000Z"}


@responses.activate
def test_delete_and_a_connector_already_gone() -> None:
    responses.delete(SRS, status=204)
    responses.delete(SRS, status=404, json={"errors": [{"code": "10005"}]})
    provider = configured()
    provider.delete("test-srs", STATE)
    provider.delete("test-srs", STATE)
    assert [c.request.method for c in responses.calls] == ["DELETE", "DELETE"]


def test_the_pickled_provider_is_a_small_reference() -> None:
    provider = configured()
    provider.ops().client()
    blob = serialize_provider(provider)
    assert len(blob) < 300
    assert b"pulumi_telnyx_siprec.dynamic.siprec_connector" in base64.b64decode(blob)
    assert API_KEY.encode() not in base64.b64decode(blob)
