"""Typed calls to the Telnyx endpoints this package manages. It knows Telnyx (paths, which requests may be
repeated, how to tell whether a request whose answer was lost took effect) and nothing of Pulumi."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from .errors import (
    ConflictError,
    NotFoundError,
    ServerError,
    SessionMayExistError,
    TelnyxError,
    TelnyxTransportError,
    UnexpectedResponseError,
)
from .models import CallInfo, ConnectorInfo, SiprecSessionInfo
from .transport import DEFAULT_RETRY, DEFAULT_TIMEOUTS, Policy, RetrySettings, Timeouts, Transport

__all__ = ["CallInfo", "ConnectorInfo", "RetrySettings", "SiprecSessionInfo", "TelnyxClient", "Timeouts"]

CONNECTORS_PATH = "/siprec_connectors"


def path_segment(value: str) -> str:
    """Percent-encodes an id as exactly one URL path segment (a colon stays readable)."""
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise ValueError(f"not usable as an id in a URL path: {value!r}")
    return quote(value, safe=":")


class TelnyxClient:
    """Typed calls to Telnyx. Safe to share between threads; never pickled (it holds the API key)."""

    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetrySettings = DEFAULT_RETRY,
    ) -> None:
        self._transport = Transport(api_key, base_url, timeouts, retry)

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:
        return f"TelnyxClient(base_url={self.base_url!r})"

    def __reduce__(self) -> Any:
        raise TypeError("TelnyxClient holds an API key and must not be pickled")

    def close(self) -> None:
        """Closes the pooled connections."""
        self._transport.close()

    # SIPREC sessions (TeXML)

    def start_siprec(self, account_sid: str, call_sid: str, form: Mapping[str, str]) -> SiprecSessionInfo:
        """Starts a SIPREC session on a live call. `form` holds the documented form fields.

        Raises `SessionMayExistError` when the outcome is unknown (the request may have reached Telnyx).
        """
        operation = "start SIPREC session"
        path = f"{self._call_path(account_sid, call_sid)}/Siprec.json"
        try:
            response = self._transport.request(operation, "POST", path, Policy.NOT_IDEMPOTENT, form=form)
        except TelnyxTransportError as err:
            if not err.request_sent:
                raise
            raise self._session_may_exist(account_sid, call_sid, str(err)) from err
        except ServerError as err:
            raise self._session_may_exist(account_sid, call_sid, str(err)) from err
        body = self._transport.json_object(operation, "POST", path, response, required=False)
        if body is None or not isinstance(body.get("sid"), str) or not body["sid"]:
            what = (
                "a JSON object without a session `sid`" if body is not None else self._transport.body_summary(response)
            )
            cause = f"{operation} failed: POST {path} answered {response.status_code} with {what}"
            raise self._session_may_exist(account_sid, call_sid, cause)
        return SiprecSessionInfo.from_json(body)

    def stop_siprec(self, account_sid: str, call_sid: str, siprec_sid: str) -> SiprecSessionInfo:
        """Stops a SIPREC session (`Status=stopped`). Raises `NotFoundError` if the call or session is gone
        (including when a repeated stop finds the session already stopped by the first)."""
        path = f"{self._call_path(account_sid, call_sid)}/Siprec/{path_segment(siprec_sid)}.json"
        body = self._repeatable("stop SIPREC session", "POST", path, form={"Status": "stopped"},
                                accept=lambda b: b.get("status") == "stopped")
        return SiprecSessionInfo.from_json({"sid": siprec_sid, **body})

    @staticmethod
    def _call_path(account_sid: str, call_sid: str) -> str:
        return f"/texml/Accounts/{path_segment(account_sid)}/Calls/{path_segment(call_sid)}"

    def _session_may_exist(self, account_sid: str, call_sid: str, cause: str) -> SessionMayExistError:
        stop_path = self._call_path(account_sid, call_sid) + "/Siprec/{sid}.json"
        message = (
            f"{cause}. The request may have reached Telnyx, so a SIPREC session may now be running on call "
            f"{call_sid!r}; it was not retried, to avoid forking the call twice. To stop it, POST Status=stopped "
            f"to {self.base_url}{stop_path} with the session sid (sent to your status callback as SiprecSid), "
            "or stop it by name with TeXML <Stop><Siprec name=...>, or end the call; then try again."
        )
        return SessionMayExistError(self._transport.redact(message), account_sid=account_sid, call_sid=call_sid)

    # Calls

    def get_call(self, account_sid: str, call_sid: str) -> CallInfo:
        """Fetches a TeXML call (its `status` says whether it has ended). Raises `NotFoundError` if unknown."""
        path = self._call_path(account_sid, call_sid)
        body = self._repeatable("fetch call", "GET", path, accept=lambda b: isinstance(b.get("status"), str)
                                or isinstance(b.get("data"), dict))
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
    ) -> dict[str, Any]:
        """Sends an idempotent request and returns its JSON answer (`{}` for an empty one, if `empty_ok`).

        A success answer that is not the documented JSON (a proxy's HTML page, a truncated body) says nothing
        about whether the request took effect; since repeating it is safe, it is sent once more before failing.
        """
        for _ in range(2):
            response = self._transport.request(operation, method, path, Policy.IDEMPOTENT, form=form, json=json)
            if empty_ok and not response.content:
                return {}
            body = self._transport.json_object(operation, method, path, response, required=False)
            if body is not None and accept(body):
                return body
        what = "a JSON object without the documented fields" if body is not None else (
            self._transport.body_summary(response))
        raise UnexpectedResponseError(
            f"{operation} failed: {method} {path} answered {response.status_code} twice with {what}; the request "
            "is safe to repeat: run the command again"
        )

    # SIPREC connectors

    def create_connector(self, body: Mapping[str, Any]) -> ConnectorInfo:
        """Creates a connector from its JSON fields (`name`, `host`, `port`, `app_subdomain`).

        A request whose answer was lost (5xx, timeout, dropped connection, unreadable answer) may have created the
        connector. Names are unique, so the connector is read back: found with these settings, it is the one
        created; not found, the create is sent again. Raises `ConflictError` when the name is taken already.
        """
        operation = "create SIPREC connector"
        name = str(body["name"])
        retry = self._transport.retry
        lost: TelnyxError | None = None
        for attempt in range(retry.attempts + 1):
            try:
                response = self._transport.request(operation, "POST", CONNECTORS_PATH, Policy.NOT_IDEMPOTENT,
                                                   json=dict(body))
                return self._connector(operation, "POST", CONNECTORS_PATH, response)
            except ConflictError as err:
                if lost is None:
                    raise ConflictError(
                        f"{err}; a connector named {name!r} already exists: choose another `name`, or delete that "
                        "connector if nothing uses it", status=err.status, details=err.details,
                    ) from None
            except (ServerError, UnexpectedResponseError) as err:
                lost = err
            except TelnyxTransportError as err:
                if not err.request_sent:
                    raise
                lost = err
            existing = self._find_connector(name)
            if existing is not None:
                if existing.matches(body):
                    return existing
                raise ConflictError(
                    f"{operation} failed: a connector named {name!r} exists with other settings (host "
                    f"{existing.host!r}, port {existing.port}); choose another `name`", status=409,
                )
            retry.sleeper(min(8.0, retry.backoff_factor * 2**attempt))
        raise TelnyxError(
            f"{lost}; tried {retry.attempts + 1} times, and reading the connector back shows it was not created; "
            "try again later"
        )

    def get_connector(self, name: str) -> ConnectorInfo:
        """Reads a connector. Raises `NotFoundError` if there is none by that name."""
        path = f"{CONNECTORS_PATH}/{path_segment(name)}"
        body = self._repeatable("read SIPREC connector", "GET", path, accept=_has_connector_data)
        return ConnectorInfo.from_json(body["data"])

    def update_connector(self, name: str, body: Mapping[str, Any]) -> ConnectorInfo:
        """Replaces a connector's settings (`host`, `port`, `app_subdomain`; null clears it)."""
        path = f"{CONNECTORS_PATH}/{path_segment(name)}"
        answer = self._repeatable("update SIPREC connector", "PUT", path, json=dict(body), accept=_has_connector_data)
        return ConnectorInfo.from_json(answer["data"])

    def delete_connector(self, name: str) -> None:
        """Deletes a connector. Raises `NotFoundError` if there is none by that name (including when a repeated
        delete finds it already deleted by the first)."""
        path = f"{CONNECTORS_PATH}/{path_segment(name)}"
        self._repeatable("delete SIPREC connector", "DELETE", path, empty_ok=True, accept=lambda _b: True)

    def _find_connector(self, name: str) -> ConnectorInfo | None:
        try:
            return self.get_connector(name)
        except NotFoundError:
            return None

    def _connector(self, operation: str, method: str, path: str, response: requests.Response) -> ConnectorInfo:
        body = self._transport.json_object(operation, method, path, response) or {}
        if not _has_connector_data(body):
            raise UnexpectedResponseError(
                f"{operation} failed: {method} {path} answered {response.status_code} without the documented "
                "`data` object naming the connector"
            )
        return ConnectorInfo.from_json(body["data"])


def _has_connector_data(body: Mapping[str, Any]) -> bool:
    data = body.get("data")
    return isinstance(data, dict) and isinstance(data.get("name"), str)
