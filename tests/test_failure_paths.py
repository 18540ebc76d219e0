"""Failure paths a compliance team meets in production (issue 9, points 2, 3 and 5): one retry policy with one
budget, errors that point at the real cause, and an emulator that teaches no bad habits."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime

import pytest
import requests
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_telnyx_siprec import SiprecSessionProvider
from pulumi_telnyx_siprec.client.errors import EndpointNotFoundError, TelnyxTransportError, UnexpectedResponseError
from pulumi_telnyx_siprec.client.retry import RetrySettings
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.emulator.api.server import redacted_authorization
from tests.support.provider_server import ProviderCallError, ProviderServer
from tests.support.samples import ACCOUNT_SID, API_KEY, session_inputs

CALL = "v3:failure-paths"
SESSION_TYPE = "pulumi-python:dynamic/telnyx:SiprecSession"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY, calls=[CALL], sip=False) as running:
        yield running


def configured(**config: str) -> SiprecSessionProvider:
    provider = SiprecSessionProvider()
    provider.configure(ConfigureRequest(Config({"telnyx:apiKey": API_KEY, **config}, "failure-paths")))
    return provider


def at(entry: dict[str, object]) -> datetime:
    return datetime.fromisoformat(str(entry["at"]))


# 2. One retry policy, one budget


def test_every_wait_of_an_operation_comes_from_one_budget_and_none_follows_the_last_attempt(
        emulator: Emulator) -> None:
    """A stop that is rate limited twice, then answered with an unreadable page: the client's own repeat draws on
    the budget the two 429 waits used, and is refused when it would go past it."""
    events: list[tuple[str, float | int]] = []

    def sleeper(seconds: float) -> None:
        events.append(("sleep", seconds))
        events.append(("requests so far", len(emulator.state()["requests"])))

    client = TelnyxClient(API_KEY, emulator.base_url, retry=RetrySettings(attempts=5, max_total_wait=3.0,
                                                                         sleeper=sleeper))
    sid = client.start_siprec(ACCOUNT_SID, CALL, {"ConnectorName": "srs"}).sid
    emulator.inject("siprec.stop", "status", status=429, headers={"Retry-After": "1"}, count=2)
    emulator.inject("siprec.stop", "html", status=200)
    with pytest.raises(UnexpectedResponseError) as caught:
        client.stop_siprec(ACCOUNT_SID, CALL, sid)
    stops = [r for r in emulator.state()["requests"] if r["route"] == "siprec.stop"]
    assert [r["fault"] for r in stops] == ["status", "status", "html"]
    # Two waits of 1 s, as Telnyx asked; the repeat after the unreadable answer would wait 2 s more (the budget's
    # backoff), past 3 s: refused, and nothing sleeps after the last attempt.
    assert [e for e in events if e[0] == "sleep"] == [("sleep", 1.0), ("sleep", 1.0)]
    assert events[-1] == ("requests so far", 3), "every sleep was followed by an attempt"
    assert "answered 200 once (the retry budget left no room for a second try)" in str(caught.value)


def test_through_the_provider_server_the_recorded_attempts_respect_max_retry_wait(emulator: Emulator) -> None:
    budget = 3.0
    with ProviderServer(SiprecSessionProvider(), SESSION_TYPE) as server:
        server.configure({"telnyx:apiKey": API_KEY, "telnyx:baseUrl": emulator.base_url,
                          "telnyx:maxRetryWait": str(budget), "telnyx:maxRetries": "10"})
        inputs, _ = server.check(session_inputs(call_sid=CALL))
        sid, outputs = server.create(inputs)
        emulator.inject("siprec.stop", "status", status=429, headers={"Retry-After": "1"}, count=10)
        with pytest.raises(ProviderCallError) as caught:
            server.delete(sid, outputs)
    stops = [r for r in emulator.state()["requests"] if r["route"] == "siprec.stop"]
    assert len(stops) == 4, "three waits of 1 s fit 3 s; a fourth would not"
    waited = (at(stops[-1]) - at(stops[0])).total_seconds()
    assert waited >= 3.0, "the emulator saw the waits Telnyx asked for"
    assert "still rate limited after 4 attempt(s) and 3 s of waiting (Telnyx asks to wait 1 s more)" in \
        caught.value.last_line


# 3. Errors that point at the real cause


def test_a_base_url_without_v2_says_the_url_looks_wrong_and_names_the_setting(emulator: Emulator) -> None:
    root = emulator.base_url.removesuffix("/v2")
    provider = configured(**{"telnyx:baseUrl": root})
    with pytest.raises(EndpointNotFoundError) as caught:
        provider.delete("sid-1", session_inputs(call_sid=CALL))
    assert str(caught.value) == (
        f"stop SIPREC session failed: POST /texml/Accounts/{ACCOUNT_SID}/Calls/{CALL}/Siprec/sid-1.json answered "
        f"404: Not Found, with a non-JSON body (text/plain): this is not Telnyx's error envelope, so the base URL "
        f"{root} looks wrong (Telnyx's API root is https://api.telnyx.com/v2); the base URL comes from config "
        "`telnyx:baseUrl`")
    assert emulator.state()["sessions"] == [], "and a stop never takes it for `already gone`"


def test_an_unreachable_api_says_how_many_attempts_over_how_long_and_what_to_check() -> None:
    provider = configured(**{"telnyx:baseUrl": "http://127.0.0.1:9/v2", "telnyx:maxRetries": "2",
                             "telnyx:maxRetryWait": "5"})
    with pytest.raises(TelnyxTransportError) as caught:
        provider.create(provider.check({}, session_inputs(call_sid=CALL)).inputs)
    message = str(caught.value)
    assert message.startswith(f"start SIPREC session failed: could not reach http://127.0.0.1:9/v2 for POST /texml/"
                              f"Accounts/{ACCOUNT_SID}/Calls/{CALL}/Siprec.json after 3 attempts over 1 s of waiting "
                              "(could not connect: ")
    assert message.endswith("); nothing was sent: check that the API server is up and reachable (the emulator, "
                            "or your network) and that the base URL is right; the base URL comes from config "
                            "`telnyx:baseUrl`")


# 5. The emulator teaches no bad habits


def test_the_emulators_state_fingerprints_the_key_it_received(emulator: Emulator) -> None:
    requests.get(f"{emulator.base_url}/whoami", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10)
    [request] = emulator.state()["requests"]
    shown = request["headers"]["Authorization"]
    assert API_KEY not in shown
    assert shown == redacted_authorization(f"Bearer {API_KEY}")
    assert shown != redacted_authorization("Bearer KEYanother-key-0000000000"), "tests can still tell keys apart"
    assert API_KEY not in requests.get(emulator.base_url.removesuffix("/v2") + "/_emulator/state", timeout=10).text


def test_ending_a_call_the_emulator_does_not_know_is_404(emulator: Emulator) -> None:
    response = requests.post(emulator.base_url.removesuffix("/v2") + "/_emulator/calls", timeout=10,
                             json={"call_sid": "v3:nobody", "status": "completed"})
    assert (response.status_code, response.json()) == (404, {"errors": [{"detail": "Resource not found"}]})
    with pytest.raises(KeyError):
        emulator.end_call("v3:nobody")


@pytest.mark.parametrize(("args", "advice"), [
    (["--host", "10.99.99.99", "--port", "0"],
     "that address is not one of this machine's: use --host 127.0.0.1 (or another local address)"),
])
def test_a_host_that_cannot_be_bound_gets_advice_about_the_host(args: list[str], advice: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pulumi_telnyx_siprec.emulator", *args], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(advice)
    assert "--port 0" not in result.stderr


def test_a_port_in_use_gets_advice_about_the_port(emulator: Emulator) -> None:
    port = emulator.base_url.split(":")[2].split("/")[0]
    result = subprocess.run([sys.executable, "-m", "pulumi_telnyx_siprec.emulator", "--port", port],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("another process holds that port: try --port 0 (any free port)")
