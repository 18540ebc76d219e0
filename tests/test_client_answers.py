"""How the client reads Telnyx's answers and a transport's failures, through an injected transport: every status
becomes its typed error with a message that names the operation and never the key, and a request that got no
answer says whether it may have reached Telnyx."""

from __future__ import annotations

import pytest

from pulumi_telnyx_siprec.client.errors import (
    AuthenticationError,
    ConflictError,
    EndpointNotFoundError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    SessionMayExistError,
    TelnyxAPIError,
    TelnyxTransportError,
)
from pulumi_telnyx_siprec.client.http import IDEMPOTENT, NOT_IDEMPOTENT, NoAnswerError
from pulumi_telnyx_siprec.client.retry import RetrySettings
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from tests.support.samples import ACCOUNT_SID, API_KEY, CALL_SID, SIPREC_PATH, SIPREC_SID, start_answer, stop_answer
from tests.support.scripted_transport import ScriptedTransport, reply

BASE = "https://api.telnyx.test/v2"
FORM = {"ConnectorName": "my-srs"}
START = f"POST {SIPREC_PATH.removeprefix('/v2')}"


def client_of(*script: object) -> tuple[TelnyxClient, ScriptedTransport]:
    transport = ScriptedTransport(list(script))  # type: ignore[arg-type]
    return TelnyxClient(API_KEY, BASE, retry=RetrySettings(sleeper=lambda _s: None), transport=transport), transport


def test_the_client_sends_through_the_transport_it_is_given_with_the_key_and_the_policy() -> None:
    client, transport = client_of(reply(200, start_answer()), reply(200, stop_answer()))
    assert client.start_siprec(ACCOUNT_SID, CALL_SID, FORM).sid == SIPREC_SID
    client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    (start, start_policy), (stop, stop_policy) = transport.sent
    assert (start.method, start.url, start.form) == ("POST", BASE + SIPREC_PATH.removeprefix("/v2"), FORM)
    assert start.headers["Authorization"] == f"Bearer {API_KEY}"
    assert start.headers["Accept"] == "application/json"
    assert start_policy == NOT_IDEMPOTENT, "a start is never repeated once it may have reached Telnyx"
    assert stop.form == {"Status": "stopped"}
    assert stop_policy == IDEMPOTENT
    client.close()
    assert transport.closed


def test_401_names_the_problem_and_never_the_key() -> None:
    client, _ = client_of(reply(401, {"errors": [{"code": "10009", "title": "Authentication failed",
                                                 "detail": f"Could not understand key {API_KEY}"}]}))
    with pytest.raises(AuthenticationError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    message = str(caught.value)
    assert message.startswith(f"start SIPREC session failed: {START} answered 401: "
                              "[10009] Authentication failed: Could not understand key [redacted]")
    assert "Telnyx rejected the API key" in message
    assert API_KEY not in message
    assert caught.value.status == 401
    assert caught.value.details[0].code == "10009"


def test_404_on_start_is_not_found() -> None:
    client, _ = client_of(reply(404, {"errors": [{"detail": "Resource not found"}]}))
    with pytest.raises(NotFoundError, match=r"answered 404: Resource not found$"):
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)


def test_a_bare_404_says_the_base_url_looks_wrong_and_is_not_taken_for_gone() -> None:
    client, _ = client_of(reply(404, raw=b"<html>nope</html>", headers={"Content-Type": "text/html"},
                                reason="Not Found"))
    with pytest.raises(EndpointNotFoundError) as caught:
        client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    assert not isinstance(caught.value, NotFoundError)
    assert "Not Found, with a non-JSON body (text/html)" in str(caught.value)
    assert f"the base URL {BASE} looks wrong" in str(caught.value)


def test_422_carries_code_title_detail_and_pointer() -> None:
    client, _ = client_of(reply(422, {"errors": [{"code": "10015", "title": "Bad Request",
                                                 "detail": "Track is invalid", "source": {"pointer": "/Track"}}]}))
    with pytest.raises(InvalidRequestError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert str(caught.value).endswith("answered 422: [10015] Bad Request: Track is invalid (at /Track)")
    assert caught.value.details[0].pointer == "/Track"


@pytest.mark.parametrize(("status", "code", "expected"), [
    (409, None, ConflictError),
    (422, "10012", ConflictError),
    (403, "10010", AuthenticationError),
    (400, "10015", InvalidRequestError),
    (418, None, TelnyxAPIError),
])
def test_each_status_is_its_typed_error(status: int, code: str | None, expected: type[TelnyxAPIError]) -> None:
    client, _ = client_of(reply(status, {"errors": [{"code": code, "detail": "x"}]}))
    with pytest.raises(expected) as caught:
        client.delete_connector("srs")
    assert type(caught.value) is expected
    assert caught.value.status == status


def test_a_429_that_outlasted_the_budget_says_how_hard_it_was_tried_and_what_to_do() -> None:
    client, _ = client_of(reply(429, {"errors": [{"code": "10011", "title": "Too many requests"}]}, next_wait=3.0))
    with pytest.raises(RateLimitError) as caught:
        client.stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    assert str(caught.value).endswith(
        "answered 429: [10011] Too many requests; still rate limited after 1 attempt(s) and 0 s of waiting (Telnyx "
        "asks to wait 3 s more); wait and try again, or lower the parallelism (`pulumi up --parallel 1`)")


def test_a_start_that_got_no_answer_after_sending_says_a_session_may_exist() -> None:
    client, _ = client_of(NoAnswerError(f"connection dropped ({API_KEY})", request_sent=True))
    with pytest.raises(SessionMayExistError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert str(caught.value).startswith(f"start SIPREC session failed: {START} got no answer (connection dropped "
                                        "([redacted])); the request may have reached Telnyx. The request may have")
    assert API_KEY not in str(caught.value)


def test_a_request_that_never_left_says_nothing_was_sent_and_where_it_tried() -> None:
    client, _ = client_of(NoAnswerError("could not connect: Connection refused", request_sent=False))
    with pytest.raises(TelnyxTransportError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    assert not isinstance(caught.value, SessionMayExistError)
    assert caught.value.request_sent is False
    assert str(caught.value) == (
        f"start SIPREC session failed: could not reach {BASE} for {START} (could not connect: Connection refused); "
        "nothing was sent: check that the API server is up and reachable (the emulator, or your network) and that "
        "the base URL is right")


def test_a_key_quoted_at_the_end_of_a_long_detail_leaves_no_piece_of_itself_in_the_message() -> None:
    padding = "x" * (500 - 10)  # the key would straddle the 500-character cut
    client, _ = client_of(reply(401, {"errors": [{"detail": padding + API_KEY, "title": API_KEY[:5] + API_KEY}]}))
    with pytest.raises(AuthenticationError) as caught:
        client.start_siprec(ACCOUNT_SID, CALL_SID, FORM)
    message = str(caught.value)
    assert API_KEY[:10] not in message
    assert padding + "[redac" in message, "scrubbed first, then cut"
