"""How requests reach Telnyx: pooled thread-safe sessions, one retry policy per kind of request, and every
failure turned into a typed error whose one-line message names the operation and never the API key."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.auth
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError

from ._version import __version__
from .errors import (
    AuthenticationError,
    ConflictError,
    ErrorDetail,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TelnyxAPIError,
    TelnyxTransportError,
    UnexpectedResponseError,
)
from .retry import TelnyxRetry, retry_policy

REDACTED = "[redacted]"


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, and then for each read of the answer."""

    connect: float = 5.0
    read: float = 30.0


@dataclass(frozen=True)
class RetrySettings:
    """How hard to try before giving up; `sleeper` is injectable so tests need not wait."""

    attempts: int = 5
    """Retries after the first attempt, at most."""
    max_total_wait: float = 60.0
    """Seconds spent waiting between attempts, at most, whatever the server asks for."""
    backoff_factor: float = 0.5
    sleeper: Callable[[float], None] = time.sleep


DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRY = RetrySettings()


class Policy(Enum):
    """Which failures a request may be repeated after."""

    NOT_IDEMPOTENT = "not-idempotent"
    """Repeated only when it certainly never arrived (connection failures) or was refused unprocessed (429)."""
    IDEMPOTENT = "idempotent"
    """Also repeated after a 5xx, a timeout or a dropped connection."""


_RETRIED_STATUSES = {
    Policy.NOT_IDEMPOTENT: (429,),
    Policy.IDEMPOTENT: (429, 500, 502, 503, 504),
}


class _BearerAuth(requests.auth.AuthBase):
    # An auth object rather than a default header: requests then never swaps in credentials from ~/.netrc.
    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._api_key}"
        return request

    def __repr__(self) -> str:
        return "_BearerAuth([redacted])"


def normalise_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; ValueError unless it is an absolute http(s) URL."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"the Telnyx base URL must be an absolute http(s) URL (the API root), got {base_url!r}")
    return base_url.strip().rstrip("/")


class Transport:
    """Sends requests to one Telnyx base URL with one key. Safe to share between threads; never pickled."""

    def __init__(self, api_key: str, base_url: str, timeouts: Timeouts, retry: RetrySettings) -> None:
        if not api_key:
            raise ValueError("a Telnyx API key is required")
        self.base_url = normalise_base_url(base_url)
        self.timeouts = timeouts
        self.retry = retry
        self._api_key = api_key
        self._auth = _BearerAuth(api_key)
        # Adapters own the connection pools and are thread-safe; sessions are not documented to be, so each
        # thread gets its own sessions on top of the shared adapters (and so keeps connection reuse).
        self._adapters = {
            policy: HTTPAdapter(
                max_retries=retry_policy(
                    retries=retry.attempts,
                    statuses=_RETRIED_STATUSES[policy],
                    retry_after_send=policy is Policy.IDEMPOTENT,
                    max_total_wait=retry.max_total_wait,
                    backoff_factor=retry.backoff_factor,
                    sleeper=retry.sleeper,
                ),
                pool_maxsize=16,
            )
            for policy in Policy
        }
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def __reduce__(self) -> Any:
        raise TypeError("a Telnyx transport holds an API key and must not be pickled")

    def close(self) -> None:
        """Closes the pooled connections."""
        for adapter in self._adapters.values():
            adapter.close()

    def _session(self, policy: Policy) -> requests.Session:
        sessions: dict[Policy, requests.Session] | None = getattr(self._local, "sessions", None)
        if sessions is None:
            sessions = self._local.sessions = {}
        session = sessions.get(policy)
        if session is None:
            session = requests.Session()
            session.mount("https://", self._adapters[policy])
            session.mount("http://", self._adapters[policy])
            session.auth = self._auth
            session.headers.update(
                {"Accept": "application/json", "User-Agent": f"pulumi-telnyx-siprec/{__version__}"}
            )
            sessions[policy] = session
        return session

    def request(
        self,
        operation: str,
        method: str,
        path: str,
        policy: Policy,
        *,
        form: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> requests.Response:
        """Sends one request (retried as `policy` allows); the answer if it is 2xx, else a typed error."""
        try:
            response = self._session(policy).request(
                method,
                self.base_url + path,
                data=form,
                json=json,
                timeout=(self.timeouts.connect, self.timeouts.read),
                allow_redirects=False,
            )
        except requests.RequestException as err:
            sent, reason = self._describe_failure(err)
            where = f"{method} {path}"
            message = (
                f"{operation} failed: {where} got no answer ({reason}); the request may have reached Telnyx"
                if sent
                else f"{operation} failed: could not reach {self.base_url} for {where} ({reason}); nothing was sent"
            )
            raise TelnyxTransportError(self.redact(message), request_sent=sent) from None
        if response.status_code >= 300:
            raise self._api_error(operation, method, path, response)
        return response

    def _describe_failure(self, err: requests.RequestException) -> tuple[bool, str]:
        """(whether the request may have been sent, a short reason) for a request that got no answer."""
        if isinstance(err, requests.ConnectTimeout):
            return False, f"connection timed out after {self.timeouts.connect:g} s"
        if isinstance(err, requests.ReadTimeout):
            return True, f"no answer within the {self.timeouts.read:g} s read timeout"
        if isinstance(err, requests.exceptions.SSLError):
            return False, "TLS handshake failed"
        cause: Any = err.args[0] if err.args else err
        if isinstance(cause, MaxRetryError):
            cause = cause.reason
        if isinstance(cause, NewConnectionError):
            return False, f"could not connect: {str(cause).rsplit(': ', 1)[-1]}"
        if isinstance(cause, ReadTimeoutError):
            return True, f"no answer within the {self.timeouts.read:g} s read timeout"
        if isinstance(cause, ProtocolError):
            inner = cause.args[-1] if cause.args else cause
            return True, f"connection dropped before the answer ({type(inner).__name__})"
        if isinstance(err, requests.ConnectionError):
            return True, f"connection failed ({type(cause).__name__})"
        return False, f"{type(err).__name__}: {str(err)[:200]}"

    # Answers

    def _api_error(self, operation: str, method: str, path: str, response: requests.Response) -> TelnyxAPIError:
        status = response.status_code
        details = self._error_details(response)
        summary = (
            "; ".join(str(d) for d in details)
            if details
            else f"{response.reason or 'no reason given'}, with {self.body_summary(response)}"
        )
        message = f"{operation} failed: {method} {path} answered {status}: {summary}"
        error_class: type[TelnyxAPIError] = TelnyxAPIError
        if status in (401, 403):
            error_class = AuthenticationError
            message += (
                "; Telnyx rejected the API key (check that it is a current v2 API key)"
                if status == 401
                else "; the API key lacks permission for this operation"
            )
        elif status == 404:
            error_class = NotFoundError
        elif status == 409 or (status == 422 and any(d.code == "10012" for d in details)):
            error_class = ConflictError
        elif status in (400, 422):
            error_class = InvalidRequestError
        elif status == 429:
            error_class = RateLimitError
            message += self._rate_limit_note(response)
        elif status >= 500:
            error_class = ServerError
        elif 300 <= status < 400:
            message += f"; unexpected redirect to {response.headers.get('Location', '?')!r} (check the base URL)"
        return error_class(self.redact(message), status=status, details=details)

    @staticmethod
    def _rate_limit_note(response: requests.Response) -> str:
        retries = getattr(response.raw, "retries", None)
        attempts = len(retries.history) + 1 if isinstance(retries, TelnyxRetry) else 1
        waited = retries.waited if isinstance(retries, TelnyxRetry) else 0.0
        asked = retries.planned_wait(response.raw) if isinstance(retries, TelnyxRetry) else None
        note = f"; still rate limited after {attempts} attempt(s) and {waited:g} s of waiting"
        if asked:
            note += f" (Telnyx asks to wait {asked:g} s more)"
        return note + "; wait and try again, or lower the parallelism (`pulumi up --parallel 1`)"

    @staticmethod
    def _error_details(response: requests.Response) -> tuple[ErrorDetail, ...]:
        try:
            body = response.json()
        except ValueError:
            return ()
        errors = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(errors, list):
            return ()
        return tuple(ErrorDetail.from_json(item) for item in errors[:10])

    @staticmethod
    def body_summary(response: requests.Response) -> str:
        """What kind of body an answer had, for answers that are not what the API documents."""
        if not response.content:
            return "an empty body"
        content_type = response.headers.get("Content-Type", "no content type").split(";")[0]
        try:
            body = response.json()
        except ValueError:
            return f"a non-JSON body ({content_type})"
        if not isinstance(body, dict):
            return "a JSON body that is not an object"
        return "a JSON object without Telnyx's `errors` list"

    def json_object(
        self, operation: str, method: str, path: str, response: requests.Response, *, required: bool = True
    ) -> dict[str, Any] | None:
        """The answer's JSON object; None if it has none and `required` is false, else UnexpectedResponseError."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            return body
        if not required:
            return None
        raise UnexpectedResponseError(
            f"{operation} failed: {method} {path} answered {response.status_code} with "
            f"{self.body_summary(response)} instead of the documented JSON object"
        )

    def redact(self, text: str) -> str:
        return text.replace(self._api_key, REDACTED)
