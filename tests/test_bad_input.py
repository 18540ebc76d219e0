"""Bad input, in figures: inputs every rule accepts are accepted by the (emulated) API too, and no id, whatever it
holds, can change the path of a request. Each test asserts how many generated cases it ran; docs/reliability.md
quotes them. (`tests/test_check_properties.py` throws arbitrary property bags at every resource's `check`.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal, TypeVar
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_telnyx_siprec import SiprecConnectorProvider, SiprecSessionProvider
from pulumi_telnyx_siprec.client.errors import NotFoundError
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.resources.registry import SIPREC_CONNECTOR, SIPREC_SESSION
from tests.support.samples import API_KEY
from tests.support.strategies import valid_bags

ACCEPTED_EXAMPLES = 200
"""Per resource: valid inputs checked, sent and accepted."""
PATH_EXAMPLES = 300
"""Per kind of id: generated ids sent through the client."""

T = TypeVar("T")

# Ids made mostly of what could break out of a path segment, and any other text besides.
TRICKY = [*"/\\.%2F?#& \n\t\r:;@+=ü", "..", "../", "%2F", "%2e%2e", "?x=1", "#frag", "\x00"]
SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
ids = st.lists(st.sampled_from(TRICKY) | st.characters(blacklist_categories=SURROGATES), min_size=1,
               max_size=12).map("".join)


def run_counted(strategy: st.SearchStrategy[T], examples: int, body: Callable[[T], None]) -> int:
    """Runs `body` on `examples` generated values (derandomized: the same ones every run); returns how many ran."""
    ran = 0

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def case(value: T) -> None:
        nonlocal ran
        ran += 1
        body(value)

    case()
    return ran


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY) as running:
        yield running


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> TelnyxClient:
    return TelnyxClient(API_KEY, emulator.base_url)


def test_valid_session_inputs_are_accepted_by_the_api(emulator: Emulator, client: TelnyxClient) -> None:
    sent: dict[str, dict[str, str]] = {}

    def start(news: dict[str, Any]) -> None:
        result = SiprecSessionProvider().check({}, news)
        assert result.failures == []
        inputs = result.inputs
        emulator.add_call(inputs["call_sid"])
        form = SIPREC_SESSION.inputs.to_form(inputs)
        account_sid = inputs.get("account_sid") or client.account_sid()
        info = client.start_siprec(account_sid, inputs["call_sid"], form)
        assert (info.account_sid, info.call_sid) == (account_sid, inputs["call_sid"])
        sent[info.sid] = form

    assert run_counted(valid_bags(SIPREC_SESSION.inputs), ACCEPTED_EXAMPLES, start) == ACCEPTED_EXAMPLES
    received = {s["sid"]: s["params"] for s in emulator.state()["sessions"] if s["sid"] in sent}
    assert received == sent, "the API received exactly the parameters that were checked"


def test_valid_connector_inputs_are_accepted_by_the_api(client: TelnyxClient) -> None:
    def create(news: dict[str, Any]) -> None:
        result = SiprecConnectorProvider().check({}, news)
        assert result.failures == []
        inputs = result.inputs
        info = client.create_connector(SIPREC_CONNECTOR.inputs.to_json(inputs))
        assert (info.name, info.host, info.port, info.app_subdomain) == (
            inputs["name"], inputs["host"], inputs["port"], inputs.get("app_subdomain"))
        assert client.get_connector(inputs["name"]) == info
        client.delete_connector(inputs["name"])

    assert run_counted(valid_bags(SIPREC_CONNECTOR.inputs), ACCEPTED_EXAMPLES, create) == ACCEPTED_EXAMPLES


def test_no_call_or_account_sid_can_change_the_request_path(emulator: Emulator, client: TelnyxClient) -> None:
    def start(pair: tuple[str, str]) -> None:
        account_sid, call_sid = pair
        if "." in (account_sid, call_sid) or ".." in (account_sid, call_sid):
            with pytest.raises(ValueError, match="not usable as an id in a URL path"):
                client.start_siprec(account_sid, call_sid, {})
            return
        emulator.add_call(call_sid)
        info = client.start_siprec(account_sid, call_sid, {"ConnectorName": "srs"})
        # The request reached the start route, for exactly this account and call.
        assert (info.account_sid, info.call_sid) == (account_sid, call_sid)
        client.stop_siprec(account_sid, call_sid, info.sid)

    assert run_counted(st.tuples(ids, ids), PATH_EXAMPLES, start) == PATH_EXAMPLES


def test_no_connector_name_can_change_the_request_path(emulator: Emulator, client: TelnyxClient) -> None:
    client.create_connector({"name": "victim", "host": "srs.example.com", "port": 5060})

    def probe(name: str) -> None:
        if name in (".", ".."):
            with pytest.raises(ValueError, match="not usable as an id in a URL path"):
                client.delete_connector(name)
            return
        with pytest.raises(NotFoundError):
            client.get_connector(name)
        with pytest.raises(NotFoundError):
            client.delete_connector(name)
        last = emulator.state()["requests"][-1]
        # The delete reached the connector route, for exactly this name.
        assert last["route"] == "connector.delete"
        assert unquote(last["path"].rsplit("/", 1)[1]) == name

    assert run_counted(ids.filter(lambda name: name != "victim"), PATH_EXAMPLES, probe) == PATH_EXAMPLES
    assert client.get_connector("victim").name == "victim", "no hostile name reached another connector"


def test_ids_that_break_out_of_a_segment_are_refused_at_check() -> None:
    for hostile in ("../x", "a/b", "a?b", "a#b", "a b", "a\nb", "..", "."):
        failures = SiprecSessionProvider().check({}, {"account_sid": "a", "call_sid": hostile,
                                                      "connector_name": "c"}).failures
        assert [f.property for f in failures] == ["call_sid"], hostile
