"""The API key never leaks, whatever it contains (issue 9, point 1).

A key that cannot travel in an HTTP header is refused where it is read, naming the setting and what is wrong and
quoting none of it; a key too short to be a Telnyx key is refused too. Messages are scrubbed of the key only where
their text came from outside (an answer, a transport error), so our own words are never damaged. The property test
runs every operation of every resource against the emulator with generated keys.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_telnyx_siprec import SiprecConnectorProvider, SiprecSessionProvider, TexmlCallProvider
from pulumi_telnyx_siprec.client.connection import MIN_API_KEY_LENGTH, api_key_problem
from pulumi_telnyx_siprec.client.errors import ConfigurationError
from pulumi_telnyx_siprec.dynamic.provider import DynamicProvider
from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.provider_server import ProviderCallError, ProviderServer
from tests.support.samples import ACCOUNT_SID, CONNECTOR_INPUTS, session_inputs

GENERATED_KEYS = 300
"""Keys per run of the property test (each through every operation of every resource); docs/reliability.md quotes it."""
CALL = "v3:key-test-call"
REFERENCE_KEY = "KEYreference0123456789"
"""A key of the right shape that the emulator (started with another key) rejects."""
EMULATOR_KEY = "KEYthe-emulators-own-key-000"

CONTROL = "contains a control character (a line break, tab or NUL, often pasted by mistake); an HTTP header cannot " \
    "carry it"
NON_ASCII = "contains a non-ASCII character; Telnyx API keys are ASCII letters, digits and `_`"
WHITESPACE = "contains whitespace; a Telnyx API key has none"
SHORT = f"is shorter than {MIN_API_KEY_LENGTH} characters, too short to be a Telnyx API key"


def configured(provider: DynamicProvider, config: dict[str, str]) -> DynamicProvider:
    provider.configure(ConfigureRequest(Config(config, "key-tests")))
    return provider


@pytest.mark.parametrize(
    ("key", "problem"),
    [("KEYtest123456\nX", CONTROL), ("KEY\x00abcdefghij", CONTROL), ("KEYtest\u200babcdef", CONTROL),
     ("KEYtestñ123456789", NON_ASCII), ("KEYtest 123456789", WHITESPACE), ("k", SHORT), ("KEY1234", SHORT)],
)
def test_an_unusable_key_in_stack_config_is_refused_naming_the_setting_and_not_the_key(key: str, problem: str
                                                                                       ) -> None:
    provider = configured(SiprecSessionProvider(), {"telnyx:apiKey": key, "telnyx:baseUrl": "http://127.0.0.1:9/v2"})
    with pytest.raises(ConfigurationError) as caught:
        provider.create(provider.check({}, session_inputs()).inputs)
    assert str(caught.value) == (
        f"config `telnyx:apiKey` is not a usable Telnyx API key: it {problem}; set the key exactly as Telnyx "
        "shows it with `pulumi config set --secret telnyx:apiKey <key>`")


def test_an_unusable_key_in_the_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", "KEYtest123456\nX")
    provider = configured(SiprecSessionProvider(), {})
    with pytest.raises(ConfigurationError) as caught:
        provider.delete("sid", session_inputs())
    assert str(caught.value) == (
        f"environment variable TELNYX_API_KEY is not a usable Telnyx API key: it {CONTROL}; set the key exactly as "
        "Telnyx shows it with `pulumi config set --secret telnyx:apiKey <key>` (it is now read from the "
        "environment variable TELNYX_API_KEY)")


def test_through_the_provider_server_the_user_reads_one_clear_line_not_a_header_traceback() -> None:
    with ProviderServer(SiprecSessionProvider(), "pulumi-python:dynamic/telnyx:SiprecSession") as server:
        server.configure({"telnyx:apiKey": "KEYtest123456\nX", "telnyx:baseUrl": "http://127.0.0.1:9/v2"})
        inputs, _ = server.check(session_inputs())
        with pytest.raises(ProviderCallError) as caught:
            server.create(inputs)
    details = caught.value.details
    assert caught.value.last_line == (
        "pulumi_telnyx_siprec.client.errors.ConfigurationError: config `telnyx:apiKey` is not a usable Telnyx API key: "
        "it "
        f"{CONTROL}; set the key exactly as Telnyx shows it with `pulumi config set --secret telnyx:apiKey <key>`")
    assert "Invalid header value" not in details
    assert "KEYtest123456" not in details
    assert [line for line in details.splitlines() if "pulumi_telnyx_siprec" in line and "File" in line] == [
        line for line in details.splitlines() if "dynamic/provider.py" in line]


def test_a_short_key_neither_mangles_messages_nor_flags_valid_inputs() -> None:
    provider = configured(SiprecSessionProvider(), {"telnyx:apiKey": "e", "telnyx:baseUrl": "http://127.0.0.1:9/v2"})
    # `e` occurs in the account id and the connector name: the key-in-inputs guard must not fire on it.
    result = provider.check({}, session_inputs(connector_name="recorder-e"))
    assert result.failures == []
    with pytest.raises(ConfigurationError) as caught:
        provider.create(result.inputs)
    assert "[redacted]" not in str(caught.value)
    assert str(caught.value).startswith("config `telnyx:apiKey` is not a usable Telnyx API key: it is shorter")


def test_the_key_in_inputs_guard_names_the_setting_to_use_instead() -> None:
    key = "KEYa-real-looking-key-0123"
    provider = configured(SiprecSessionProvider(), {"telnyx:apiKey": key})
    [failure] = provider.check({}, session_inputs(name=f"x{key}y")).failures
    assert (failure.property, failure.reason) == ("", (
        "property `name` holds your Telnyx API key; inputs are stored in plain text in the state. Set the key with "
        "`pulumi config set --secret telnyx:apiKey <key>` instead, and take it out of the program"))


def test_a_key_in_a_checked_input_is_reported_once_against_the_resource_and_never_quoted() -> None:
    key = "KEYa-real-looking-key-0123"
    provider = configured(SiprecSessionProvider(), {"telnyx:apiKey": key})
    failures = provider.check({}, session_inputs(track=key)).failures
    assert [(f.property, f.reason.split(";")[0]) for f in failures] == [
        ("", "property `track` holds your Telnyx API key")], "not also `track: must be one of ..., got '<key>'`"
    assert all(key not in f.reason for f in failures)


def test_a_key_in_a_map_input_is_found() -> None:
    key = "KEYa-real-looking-key-0123"
    provider = configured(TexmlCallProvider(), {"telnyx:apiKey": key})
    inputs = {"connection_id": "1773070540731319841", "to": "+15550100002", "from_": "+15550100001",
              "custom_headers": {"X-Test-Run": "1", "X-Auth": f"Bearer {key}"}}
    [failure] = provider.check({}, inputs).failures
    assert (failure.property, failure.reason.split(";")[0]) == (
        "", "property `custom_headers` holds your Telnyx API key")


# The property test: generated keys, every operation, against the emulator.

english = ["for", "forking", "callback", "the", "session", "connector", "recording", "account", "request",
           "answered", "Authentication", "failed", "Telnyx", "config", "pulumi", "secret", "stopped", "progress"]
keys = st.one_of(
    st.text(min_size=0, max_size=40),  # anything: controls, NUL, non-ASCII, empty
    st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=12),  # short ones
    st.sampled_from(english).flatmap(lambda word: st.integers(0, len(word) - 1).flatmap(
        lambda start: st.integers(start + 1, len(word)).map(lambda end: word[start:end]))),  # bits of our words
    st.text(alphabet=string.ascii_letters + string.digits, min_size=5000, max_size=5000),  # very long
    st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=20, max_size=64),  # usable ones
    st.lists(st.sampled_from(english), min_size=2, max_size=4).map("".join),  # usable, made of our words
    st.sampled_from(["KEYtest123456\nX", "KEY\x00" + "a" * 20, "KEYñ" + "b" * 20, "k", " " * 10]),
)


def provider_for(resource: str) -> DynamicProvider:
    return {"session": SiprecSessionProvider(), "connector": SiprecConnectorProvider(),
            "call": TexmlCallProvider()}[resource]


OPERATIONS: list[tuple[str, str]] = [
    ("session", "create"), ("session", "read"), ("session", "delete"),
    ("connector", "create"), ("connector", "read"), ("connector", "update"), ("connector", "delete"),
    ("call", "create"), ("call", "read"), ("call", "delete"),
]
INPUTS: dict[str, dict[str, Any]] = {
    "session": session_inputs(call_sid=CALL, account_sid=ACCOUNT_SID),
    "connector": dict(CONNECTOR_INPUTS),
    "call": {"connection_id": "1773070540731319841", "to": "+15550100002", "from_": "+15550100001",
             "wait_until_answered": False, "account_sid": ACCOUNT_SID},
}
STATE = {"session": {"sid": "0000", "status": "in-progress"}, "connector": {}, "call": {"call_sid": CALL}}


def run(resource: str, operation: str, key: str, base_url: str) -> str | None:
    """The operation's error message with this key (None if it worked)."""
    provider = configured(provider_for(resource), {"telnyx:apiKey": key, "telnyx:baseUrl": base_url,
                                                   "telnyx:maxRetries": "0"})
    inputs = provider.check({}, INPUTS[resource]).inputs
    state = {**inputs, **STATE[resource]}
    resource_id = {"session": "0000", "connector": "test-srs", "call": CALL}[resource]
    try:
        if operation == "create":
            provider.create(inputs)
        elif operation == "read":
            provider.read(resource_id, state)
        elif operation == "update":
            provider.update(resource_id, state, {**inputs, "port": 5061})
        else:
            provider.delete(resource_id, state)
    except Exception as err:  # every failure is inspected: which kind, and its text
        return f"{type(err).__module__}.{type(err).__qualname__}: {err}"
    return None


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=EMULATOR_KEY, calls=[CALL], sip=False) as running:
        yield running


def kind_of(key: str) -> str | None:
    """Keys with the same problem must give the same message; None for a usable key."""
    return api_key_problem(key.strip()) if key.strip() else "is empty"


REFERENCE = {"contains a control character": "KEY\x01abcdefghijk", "contains whitespace": "KEYab cdefghijk",
             "contains a non-ASCII character": "KEYabcdéfghijk", "is shorter": "short", "is empty": "",
             None: REFERENCE_KEY}


def test_whatever_the_key_every_operation_works_or_fails_cleanly_and_never_shows_it(emulator: Emulator) -> None:
    usable: list[str] = []

    @settings(max_examples=GENERATED_KEYS, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(key=keys)
    def check(key: str) -> None:
        problem = kind_of(key)
        if problem is None:
            usable.append(key)
        reference_key = next(v for k, v in REFERENCE.items() if k is not None and problem and problem.startswith(k)) \
            if problem else REFERENCE[None]
        for resource, operation in OPERATIONS:
            message = run(resource, operation, key, emulator.base_url)
            expected = run(resource, operation, reference_key, emulator.base_url)
            assert message is not None, "the emulator accepts only its own key: every operation is refused"
            assert "Traceback" not in message
            assert message.startswith("pulumi_telnyx_siprec."), f"not one of our errors: {message}"
            # The message reads exactly as it does with any other key of its kind: advice and words intact, and
            # so nothing in it depends on the key.
            assert message == expected, f"{resource} {operation}"
            if len(key) >= MIN_API_KEY_LENGTH:
                # A key may still be a piece of our own words (`Authentication`): then it occurs as often as with
                # any other key, and never more. A key shaped like a real one never occurs at all.
                assert message.count(key) == expected.count(key), f"{resource} {operation} showed the key"
                if key.startswith("KEY") or len(key) >= 30:
                    assert key not in message

    check()
    assert len(usable) > GENERATED_KEYS // 10, "not vacuous: many keys were usable and went through the transport"
