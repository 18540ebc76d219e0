"""Typed calls to the Telnyx endpoints this package manages. It knows Telnyx (paths, its error envelope, which
requests may be repeated, how to tell whether a request whose answer was lost took effect) and nothing of Pulumi;
the requests travel through the `Transport` it is given (`HttpTransport` by default).

Every endpoint, field and error relied on here is listed, with its source, in docs/telnyx-api.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from .._version import __version__
from ..telnyx_api import CALL_ENDED_CODE, INVALID_CALL_CONTROL_ID_CODE, NOT_ANSWERED_CODE
from .answers import AnswerReader, json_object
from .connection import DEFAULT_BASE_URL, REDACTED, api_key_problem, normalise_base_url
from .errors import (
    CallControlSessionMayExistError,
    CallGoneError,
    CallMayExistError,
    CallNotAnsweredYetError,
    ConflictError,
    ConnectorMayExistError,
    InvalidRequestError,
    MayExistError,
    NotFoundError,
    ServerError,
    SessionMayExistError,
    TelnyxAPIError,
    TelnyxError,
    TelnyxTransportError,
    UnexpectedResponseError,
)
from .http import IDEMPOTENT, NOT_IDEMPOTENT, HttpTransport, NoAnswerError, Policy, Reply, Request, Transport
from .models import CallControlCallInfo, CallInfo, ConnectorInfo, PlacedCall, SiprecSessionInfo
from .retry import DEFAULT_RETRY, RateLimitPause, RetryBudget, RetrySettings

CONNECTORS_PATH = "/siprec_connectors"
CALLS_PATH = "/calls"
ACTIVE_CALL_PAGES = 20
"""Pages of a connection's active calls read at most when looking for a dialed call (250 calls each)."""
T = TypeVar("T")


def encode_segment(value: str) -> str:
    """Percent-encodes an id as exactly one URL path segment (a colon stays readable)."""
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise ValueError(f"not usable as an id in a URL path: {value!r}")
    return quote(value, safe=":")


def call_path(account_sid: str, call_sid: str) -> str:
    """The TeXML path of a call; SIPREC paths hang below it."""
    return f"/texml/Accounts/{encode_segment(account_sid)}/Calls/{encode_segment(call_sid)}"


def call_control_path(call_control_id: str) -> str:
    """The Call Control path of a call; its commands hang below it (`/actions/siprec_start`)."""
    return f"{CALLS_PATH}/{encode_segment(call_control_id)}"


def where(method: str, path: str) -> str:
    """`METHOD /path`, as messages name a request."""
    return f"{method} {path}"


class TelnyxClient:
    """Typed calls to Telnyx. Safe to share between threads; never pickled (it holds the API key)."""

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        retry: RetrySettings = DEFAULT_RETRY,
        transport: Transport | None = None,
    ) -> None:
        """`transport` sends the requests (an `HttpTransport` with default timeouts when None); `retry` bounds
        what each operation may spend on retries. ValueError for a key or base URL no request could use."""
        problem = api_key_problem(api_key)
        if problem is not None:
            raise ValueError(f"the Telnyx API key {problem}")
        self.base_url = normalise_base_url(base_url)
        self.retry = retry
        self._api_key = api_key
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": f"pulumi-telnyx-siprec/{__version__}",
        }
        self._transport = transport if transport is not None else HttpTransport()
        self._answers = AnswerReader(self.scrub, self.base_url)
        self._pause = RateLimitPause()
        """Shared by every operation: a 429 answered to one holds back the requests of all (see `retry.py`)."""
        self._account_sid: str | None = None
        self._account_lookup: Future[str] | None = None
        """The lookup in flight, which every operation needing the account id waits for."""
        self._account_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TelnyxClient(base_url={self.base_url!r})"

    def __reduce__(self) -> Any:
        raise TypeError("TelnyxClient holds an API key and must not be pickled")

    def close(self) -> None:
        """Closes the transport's pooled connections."""
        self._transport.close()

    def scrub(self, text: str) -> str:
        """Text from outside (an answer, a transport error) with the key replaced. Never applied to our own words,
        which cannot hold the key; the request paths are our constants and ids that `check` has refused to let hold
        the key."""
        return text.replace(self._api_key, REDACTED)

    def budget(self) -> RetryBudget:
        """A fresh retry budget for one operation, from the retry settings, waiting out the client's shared pause."""
        return RetryBudget(self.retry.attempts, self.retry.max_total_wait, backoff_factor=self.retry.backoff_factor,
                           sleeper=self.retry.sleeper, pause=self._pause)

    def _send(
        self,
        operation: str,
        method: str,
        path: str,
        policy: Policy,
        *,
        budget: RetryBudget | None = None,
        form: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> Reply:
        """Sends one request, retried as `policy` allows within `budget` (a fresh one if None); the answer if it
        is 2xx, else a typed error whose message names the operation and never the key."""
        budget = budget if budget is not None else self.budget()
        budget.wait_out_pause()
        retries_before, waited_before = budget.used, budget.waited
        sent_at = self._pause.now()
        request = Request(method, self.base_url + path, self._headers, form=form, json=json)
        try:
            reply = self._transport.send(request, policy, budget)
        except NoAnswerError as failure:
            attempts = budget.used - retries_before + 1
            tried = ""
            if attempts > 1:
                tried = f" after {attempts} attempts over {budget.waited - waited_before:g} s of waiting"
            if failure.request_sent:
                message = (f"{operation} failed: {where(method, path)} got no answer{tried} "
                           f"({self.scrub(failure.reason)}); the request may have reached Telnyx")
            else:
                message = (f"{operation} failed: could not reach {self.base_url} for {where(method, path)}{tried} "
                           f"({self.scrub(failure.reason)}); nothing was sent: check that the API server is up and "
                           "reachable (the emulator, or your network) and that the base URL is right")
            raise TelnyxTransportError(message, request_sent=failure.request_sent) from None
        if reply.status >= 300:
            raise self._answers.api_error(operation, where(method, path), reply,
                                          attempts=budget.used - retries_before + 1, waited=budget.waited)
        # The last attempt's sending time says whether the limit lifted: a retry may have waited out the pause.
        self._pause.lifted(budget.last_retry_at if budget.last_retry_at is not None else sent_at)
        return reply

    # The account

    def account_sid(self) -> str:
        """The account id the TeXML paths need: the `organization_id` that `GET /whoami` answers (a Telnyx
        reply in pipecat-examples #226; docs/telnyx-api.md section 4). Asked once per client."""
        with self._account_lock:
            if self._account_sid is not None:
                return self._account_sid
            lookup = self._account_lookup
            leading = lookup is None
            if lookup is None:
                lookup = self._account_lookup = Future()
        if not leading:
            # One request for all: the others wait for its outcome (without holding the lock), and fail with
            # its error when it fails, at the same time.
            return lookup.result()
        try:
            body = self._repeatable("find the account id", "GET", "/whoami", accept=_has_organization_id)
            account_sid = str(body["data"]["organization_id"])
        except BaseException as err:
            with self._account_lock:
                self._account_lookup = None  # the next operation asks again
            lookup.set_exception(err)
            raise
        with self._account_lock:
            self._account_sid, self._account_lookup = account_sid, None
        lookup.set_result(account_sid)
        return account_sid

    # SIPREC sessions (TeXML)

    def start_siprec(self, account_sid: str, call_sid: str, form: Mapping[str, str]) -> SiprecSessionInfo:
        """Starts a SIPREC session on a live call. `form` holds the documented form fields.

        Raises `SessionMayExistError` when the outcome is unknown (the request may have reached Telnyx).
        """
        return self._create_once(
            "start SIPREC session", f"{call_path(account_sid, call_sid)}/Siprec.json", form=form,
            read=lambda body: SiprecSessionInfo.from_json(body) if _has_text(body, "sid") else None,
            missing="a JSON object without a session `sid`",
            may_exist=lambda cause: self._session_may_exist(account_sid, call_sid, cause),
        )

    def _create_once(
        self,
        operation: str,
        path: str,
        *,
        read: Callable[[dict[str, Any]], T | None],
        missing: str,
        may_exist: Callable[[str], MayExistError],
        form: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> T:
        """POSTs a create that must not be repeated once it may have reached Telnyx. `read` turns the answer into
        the result (None when the answer lacks what the create needs, described by `missing`); when the outcome
        is unknown, raises what `may_exist` makes of the cause."""
        try:
            response = self._send(operation, "POST", path, NOT_IDEMPOTENT, form=form, json=json)
        except TelnyxTransportError as err:
            if not err.request_sent:
                raise
            raise may_exist(str(err)) from err
        except ServerError as err:
            raise may_exist(str(err)) from err
        body = json_object(response)
        result = read(body) if body is not None else None
        if result is None:
            what = missing if body is not None else self._answers.body_summary(response)
            raise may_exist(f"{operation} failed: {where('POST', path)} answered {response.status} with {what}")
        return result

    def stop_siprec(self, account_sid: str, call_sid: str, siprec_sid: str) -> SiprecSessionInfo:
        """Stops a SIPREC session (`Status=stopped`). Raises `NotFoundError` if the call or session is gone.

        A 200 is success whatever `status` it echoes: the documented example answer to this very request shows
        `"status": "in-progress"` (docs/telnyx-api.md section 5).
        """
        path = f"{call_path(account_sid, call_sid)}/Siprec/{encode_segment(siprec_sid)}.json"
        body = self._repeatable("stop SIPREC session", "POST", path, form={"Status": "stopped"},
                                accept=lambda _body: True)
        return SiprecSessionInfo.from_json({**body, "sid": siprec_sid})

    def _session_may_exist(self, account_sid: str, call_sid: str, cause: str) -> SessionMayExistError:
        stop_path = call_path(account_sid, call_sid) + "/Siprec/{sid}.json"
        message = (
            f"{cause}. The request may have reached Telnyx, so a SIPREC session may now be running on call "
            f"{call_sid!r}; it was not retried, to avoid forking the call twice. To stop it, POST "
            f"Status=stopped to {self.base_url}{stop_path} with the session sid (sent to your status "
            "callback as SiprecSid), or stop it by name with TeXML <Stop><Siprec name=...>, or end the call; "
            "then try again."
        )
        return SessionMayExistError(message, account_sid=account_sid, call_sid=call_sid)

    # Calls

    def place_call(self, connection_id: str, body: Mapping[str, Any]) -> PlacedCall:
        """Places an outbound TeXML call through a TeXML application (connection): `POST /texml/calls/{id}`
        with a JSON body (docs/telnyx-api.md section 1a). Never repeated once it may have reached Telnyx: a
        second create would place a second call. Raises `CallMayExistError` when the outcome is unknown."""
        return self._create_once(
            "place TeXML call", f"/texml/calls/{encode_segment(connection_id)}", json=dict(body),
            read=PlacedCall.from_json, missing="a JSON object without `call_sid`",
            may_exist=lambda cause: self._call_may_exist(body, cause),
        )

    def _call_may_exist(self, body: Mapping[str, Any], cause: str) -> CallMayExistError:
        message = (
            f"{cause}. The request may have reached Telnyx, so a call from {body.get('From')!r} to "
            f"{body.get('To')!r} may have been placed; it was not retried, to avoid placing a second "
            "call. Look for it in the Mission Control portal's call logs (or your status callback's CallSid) and "
            f"hang it up with POST Status=completed to {self.base_url}/texml/Accounts/<account>/Calls/"
            "<call sid>; then try again."
        )
        return CallMayExistError(message)

    def call_url(self, account_sid: str, call_sid: str) -> str:
        """The URL of a TeXML call, for messages that say how to end it."""
        return self.base_url + call_path(account_sid, call_sid)

    def get_call(self, account_sid: str, call_sid: str, *, just_placed: bool = False) -> CallInfo:
        """Fetches a TeXML call (its `status` says whether it has ended). Raises `NotFoundError` if unknown.

        The fetch is documented as eventually consistent (docs/telnyx-api.md section 2): with `just_placed`,
        a 404 is retried within the retry budget before it is believed.
        """
        path = call_path(account_sid, call_sid)
        body = self._repeatable("fetch call", "GET", path, accept=_has_call_status,
                                also_retry=(404,) if just_placed else ())
        data = body.get("data")
        return CallInfo.from_json(data if isinstance(data, dict) else body)

    def hang_up(self, account_sid: str, call_sid: str) -> CallInfo:
        """Ends a call (`Status=completed`). Raises `NotFoundError` if the call is unknown."""
        path = call_path(account_sid, call_sid)
        body = self._repeatable("hang up call", "POST", path, form={"Status": "completed"}, accept=lambda _b: True)
        data = body.get("data")
        return CallInfo.from_json(data if isinstance(data, dict) else body)

    def _repeatable(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        accept: Callable[[dict[str, Any]], bool],
        form: Mapping[str, str] | None = None,
        json: Any = None,
        empty_ok: bool = False,
        also_retry: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        """Sends an idempotent request and returns its JSON answer (`{}` for an empty one, if `empty_ok`).

        A success answer that is not the documented JSON (a proxy's HTML page, a truncated body) says nothing
        about whether the request took effect; since repeating it is safe, it is sent once more (within the same
        retry budget) before failing.
        """
        budget = self.budget()
        policy = IDEMPOTENT.also(*also_retry)
        sent = 0
        while sent == 0 or (sent == 1 and budget.repeat()):
            sent += 1
            response = self._send(operation, method, path, policy, budget=budget, form=form, json=json)
            if empty_ok and not response.content:
                return {}
            body = json_object(response)
            if body is not None and accept(body):
                return body
        what = "a JSON object without the documented fields" if body is not None else (
            self._answers.body_summary(response))
        times = "twice" if sent == 2 else "once (the retry budget left no room for a second try)"
        raise UnexpectedResponseError(
            f"{operation} failed: {where(method, path)} answered {response.status} {times} "
            f"with {what}; the request is safe to repeat: run the command again"
        )

    # Call Control calls and their SIPREC sessions (docs/telnyx-api.md section 10)

    def dial(self, body: Mapping[str, Any]) -> tuple[CallControlCallInfo, bool]:
        """Places a call with the Dial (`POST /calls`, JSON) and returns it, with True when it was found among the
        connection's active calls after the dial's answer was lost (False when the dial answered).

        Never repeated once it may have reached Telnyx: a second dial would place a second call. When its outcome is
        unknown, the call is looked for among `GET /connections/{connection_id}/active_calls` by the body's
        `client_state`, which the caller makes unique; not found, `CallMayExistError` names that `client_state`.
        """
        operation = "dial Call Control call"
        try:
            call = self._create_once(
                operation, CALLS_PATH, json=dict(body),
                read=lambda answer: CallControlCallInfo.from_json(_data(answer)),
                missing="a JSON object without `data.call_control_id`",
                may_exist=lambda cause: CallMayExistError(cause),
            )
        except CallMayExistError as lost:
            connection_id, client_state = str(body["connection_id"]), str(body["client_state"])
            try:
                found = self._find_active_call(connection_id, client_state)
            except TelnyxError as err:
                raise self._dialed_call_may_exist(body, f"{lost}; looking for it failed too: {err}") from None
            if found is None:
                raise self._dialed_call_may_exist(body, f"{lost}; it is not among the connection's active calls "
                                                        "(yet)") from None
            return found, True
        return call, False

    def _find_active_call(self, connection_id: str, client_state: str) -> CallControlCallInfo | None:
        """The active call of a connection with this `client_state`, looking through its pages (cursor paginated:
        `meta.next`), at most `ACTIVE_CALL_PAGES`."""
        path = f"/connections/{encode_segment(connection_id)}/active_calls?page[size]=250"
        prefix = urlsplit(self.base_url).path.rstrip("/")  # `meta.next` is a path from the host: /v2/connections/...
        for _ in range(ACTIVE_CALL_PAGES):
            page = self._repeatable("list active calls", "GET", path,
                                    accept=lambda answer: isinstance(answer.get("data"), list))
            for item in page["data"]:
                call = CallControlCallInfo.from_json(item) if isinstance(item, dict) else None
                if call is not None and call.client_state == client_state:
                    return call
            meta = page.get("meta")
            following = meta.get("next") if isinstance(meta, dict) else None
            if not isinstance(following, str) or not following.startswith(f"{prefix}/connections/"):
                return None
            path = following.removeprefix(prefix)
        return None

    def _dialed_call_may_exist(self, body: Mapping[str, Any], cause: str) -> CallMayExistError:
        message = (
            f"{cause}. The dial may have reached Telnyx, so a call from {body.get('from')!r} to {body.get('to')!r} "
            "may have been placed; it was not retried, to avoid placing a second call. It carries client_state "
            f"{body.get('client_state')!r}: find it with GET {self.base_url}/connections/{body.get('connection_id')}"
            f"/active_calls (or in your webhooks) and hang it up with POST {self.base_url}/calls/<call_control_id>/"
            "actions/hangup; then try again."
        )
        return CallMayExistError(message)

    def call_status(self, call_control_id: str) -> CallControlCallInfo:
        """Reads a Call Control call (`GET /calls/{id}`). Raises `CallGoneError` for a call Telnyx no longer knows
        (kept 10 minutes after it ended) or never knew."""
        path = call_control_path(call_control_id)
        body = self._call_command("read call status", "GET", path,
                                  accept=lambda answer: CallControlCallInfo.from_json(_data(answer)) is not None)
        call = CallControlCallInfo.from_json(_data(body))
        assert call is not None  # accepted above
        return call

    def hang_up_call(self, call_control_id: str, command_id: str) -> None:
        """Hangs a Call Control call up. Sent again on a lost answer with the same `command_id`, which Telnyx
        ignores when it has the command already. Raises `CallGoneError` when the call has ended."""
        path = call_control_path(call_control_id) + "/actions/hangup"
        self._call_command("hang up call", "POST", path, json={"command_id": command_id}, accept=_has_result)

    def start_call_siprec(self, call_control_id: str, body: Mapping[str, Any]) -> str:
        """Starts the SIPREC session of a Call Control call (`siprec_start`, JSON); its `result` (`ok`).

        The start has no `command_id`, so it is never repeated once it may have reached Telnyx: raises
        `CallControlSessionMayExistError` when the outcome is unknown, `CallGoneError` when the call has ended,
        `CallNotAnsweredYetError` when it is not answered yet (nothing was started: it may be sent again).
        """
        operation = "start SIPREC session"
        path = call_control_path(call_control_id) + "/actions/siprec_start"
        try:
            return self._create_once(
                operation, path, json=dict(body), read=_command_result,
                missing="a JSON object without `data.result`",
                may_exist=lambda cause: self._call_session_may_exist(call_control_id, cause),
            )
        except InvalidRequestError as err:
            raise _call_state_error(err) from None

    def _call_session_may_exist(self, call_control_id: str, cause: str) -> CallControlSessionMayExistError:
        message = (
            f"{cause}. The request may have reached Telnyx, so a SIPREC session may now be running on call "
            f"{call_control_id!r}; it was not retried, to avoid forking the call twice. To stop it, POST to "
            f"{self.base_url}{call_control_path(call_control_id)}/actions/siprec_stop (it names no session: it stops "
            "the call's), or end the call; then try again."
        )
        return CallControlSessionMayExistError(message, call_control_id=call_control_id)

    def stop_call_siprec(self, call_control_id: str, command_id: str) -> None:
        """Stops the SIPREC session of a Call Control call (`siprec_stop`): the call's one session, since the
        command names none. Sent again on a lost answer with the same `command_id`. Raises `CallGoneError` when
        the call has ended."""
        path = call_control_path(call_control_id) + "/actions/siprec_stop"
        self._call_command("stop SIPREC session", "POST", path, json={"command_id": command_id}, accept=_has_result)

    def _call_command(self, operation: str, method: str, path: str, *, accept: Callable[[dict[str, Any]], bool],
                      json: Any = None) -> dict[str, Any]:
        try:
            return self._repeatable(operation, method, path, json=json, accept=accept)
        except InvalidRequestError as err:
            raise _call_state_error(err) from None

    # SIPREC connectors

    def create_connector(self, body: Mapping[str, Any]) -> ConnectorInfo:
        """Creates a connector from its JSON fields (`name`, `host`, `port`, `app_subdomain`).

        A request whose answer was lost (5xx, timeout, dropped connection, unreadable answer) may have created the
        connector. Names are unique, so the connector is read back: found with these settings, it is the one
        created; not found, the create is sent again, within the same retry budget. A connector that already has
        the name and exactly these settings is taken as this create's (an earlier create whose answer was lost
        made it, or it is indistinguishable from one). Raises `ConflictError` when the name is taken by a
        connector with other settings, and `ConnectorMayExistError` when the outcome cannot be read.
        """
        operation = "create SIPREC connector"
        name = str(body["name"])
        budget = self.budget()
        lost: TelnyxError | None = None
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._send(operation, "POST", CONNECTORS_PATH, NOT_IDEMPOTENT,
                                                   budget=budget, json=dict(body))
                return self._connector(operation, "POST", CONNECTORS_PATH, response)
            except (ConflictError, InvalidRequestError) as err:
                # A taken name is a 409, a 422 with code 10012, or, in the connector endpoints' documented shape
                # (integer codes, no specific one), a 422 pointing at `/name`: whether a connector has the name
                # says which.
                if not isinstance(err, ConflictError) and not any(d.pointer == "/name" for d in err.details):
                    raise
                existing = self._read_back(name, budget, lost, attempts)
                if existing is None:
                    raise
                if existing.matches(body):
                    return existing
                raise ConflictError(
                    f"{err}; a connector named {name!r} already exists with other settings (host "
                    f"{existing.host!r}, port {existing.port}): choose another `name`, or delete that connector if "
                    "nothing uses it", status=err.status, details=err.details,
                ) from None
            except (ServerError, UnexpectedResponseError) as err:
                lost = err
            except TelnyxTransportError as err:
                if not err.request_sent:
                    raise
                lost = err
            existing = self._read_back(name, budget, lost, attempts)
            if existing is not None:
                if existing.matches(body):
                    return existing
                raise ConflictError(
                    f"{operation} failed: a connector named {name!r} exists with other "
                    f"settings (host {existing.host!r}, port {existing.port}); choose "
                    "another `name`", status=409,
                )
            if not budget.repeat():
                raise TelnyxError(
                    f"{lost}; tried {'once' if attempts == 1 else f'{attempts} times'} within the retry budget, and "
                    "reading the connector back shows it was not created; try again later"
                )

    def get_connector(self, name: str, budget: RetryBudget | None = None) -> ConnectorInfo:
        """Reads a connector. Raises `NotFoundError` if there is none by that name."""
        path = f"{CONNECTORS_PATH}/{encode_segment(name)}"
        if budget is not None:  # part of another operation (a create's read-back): one request, that budget
            response = self._send("read SIPREC connector", "GET", path, IDEMPOTENT, budget=budget)
            return self._connector("read SIPREC connector", "GET", path, response)
        body = self._repeatable("read SIPREC connector", "GET", path, accept=_has_connector_data)
        return ConnectorInfo.from_json(body["data"])

    def update_connector(self, name: str, body: Mapping[str, Any]) -> ConnectorInfo:
        """Replaces a connector's settings. The body is create's: `name`, `host` and `port` are all required
        (spec `SiprecConnector`; telnyx-python `siprec_connector_update_params.py`)."""
        path = f"{CONNECTORS_PATH}/{encode_segment(name)}"
        answer = self._repeatable("update SIPREC connector", "PUT", path, json=dict(body), accept=_has_connector_data)
        return ConnectorInfo.from_json(answer["data"])

    def delete_connector(self, name: str) -> None:
        """Deletes a connector. Raises `NotFoundError` if there is none by that name (including when a repeated
        delete finds it already deleted by the first)."""
        path = f"{CONNECTORS_PATH}/{encode_segment(name)}"
        self._repeatable("delete SIPREC connector", "DELETE", path, empty_ok=True, accept=lambda _b: True)

    def _read_back(self, name: str, budget: RetryBudget, lost: TelnyxError | None, attempts: int
                   ) -> ConnectorInfo | None:
        """The connector named `name`, or None; when reading it fails after a create whose answer was lost
        (`lost`), `ConnectorMayExistError`: nobody can tell whether that create happened."""
        try:
            return self.get_connector(name, budget)
        except NotFoundError:
            return None
        except TelnyxError as err:
            if lost is None:
                raise
            tried = "once" if attempts == 1 else f"{attempts} times"
            raise ConnectorMayExistError(
                f"{lost} (tried {tried}); reading the connector back failed too ({err}), so connector {name!r} may "
                "have been created. Repeating the create takes a connector with this name and these settings as "
                f"its own; or delete it ({self.base_url}{CONNECTORS_PATH}/{encode_segment(name)}) if nothing uses "
                "it") from None

    def _connector(self, operation: str, method: str, path: str, response: Reply) -> ConnectorInfo:
        body = self._answers.json_object(operation, where(method, path), response)
        if not _has_connector_data(body):
            raise UnexpectedResponseError(
                f"{operation} failed: {where(method, path)} answered {response.status} "
                "without the documented `data` object naming the connector"
            )
        return ConnectorInfo.from_json(body["data"])


def _data(body: Mapping[str, Any]) -> Mapping[str, Any]:
    data = body.get("data")
    return data if isinstance(data, Mapping) else {}


def _command_result(body: Mapping[str, Any]) -> str | None:
    """A Call Control command's `data.result` (`ok`), or None when the answer has none."""
    result = _data(body).get("result")
    return result if isinstance(result, str) and result else None


def _has_result(body: Mapping[str, Any]) -> bool:
    return _command_result(body) is not None


def _call_state_error(err: InvalidRequestError) -> TelnyxAPIError:
    """A 422 about the call's state as its own error: ended or unknown (gone), or not answered yet."""
    codes = {d.code for d in err.details}
    if codes & {CALL_ENDED_CODE, INVALID_CALL_CONTROL_ID_CODE}:
        return CallGoneError(str(err), status=err.status, details=err.details)
    if NOT_ANSWERED_CODE in codes:
        return CallNotAnsweredYetError(str(err), status=err.status, details=err.details)
    return err


def _has_text(body: Mapping[str, Any], key: str) -> bool:
    return isinstance(body.get(key), str) and bool(body[key])


def _has_connector_data(body: Mapping[str, Any]) -> bool:
    data = body.get("data")
    return isinstance(data, dict) and isinstance(data.get("name"), str)


def _has_call_status(body: Mapping[str, Any]) -> bool:
    data = body.get("data")
    return isinstance(body.get("status"), str) or (isinstance(data, dict) and isinstance(data.get("status"), str))


def _has_organization_id(body: Mapping[str, Any]) -> bool:
    data = body.get("data")
    return isinstance(data, dict) and _has_text(data, "organization_id")
