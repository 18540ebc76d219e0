"""How requests reach Telnyx: pooled thread-safe sessions, one retry policy per kind of request, and every
failure turned into a typed error whose one-line message names the operation and never the API key."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.auth
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError

from ._version import __version__
from .errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    EndpointNotFoundError,
    ErrorDetail,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TelnyxAPIError,
    TelnyxTransportError,
    UnexpectedResponseError,
)
from .retry import RateLimitPause, RetryBudget, TelnyxRetry
from .settings import DEFAULT_BASE_URL, api_key_problem

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


@dataclass(frozen=True)
class Policy:
    """Which answers and failures a request may be repeated after (within its operation's budget)."""

    statuses: frozenset[int]
    retry_after_send: bool
    """Whether a request that may have reached the server (a timeout, a dropped connection) may be repeated."""

    def also(self, *statuses: int) -> Policy:
        """This policy, also retrying `statuses` (e.g. a 404 from an eventually consistent read)."""
        return Policy(self.statuses | frozenset(statuses), self.retry_after_send)


NOT_IDEMPOTENT = Policy(frozenset({429}), retry_after_send=False)
"""Repeated only when it certainly never arrived (connection failures) or was refused unprocessed (429)."""
IDEMPOTENT = Policy(frozenset({429, 500, 502, 503, 504}), retry_after_send=True)
"""Also repeated after a 5xx, a timeout or a dropped connection."""


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


CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
"""Where requests looks for the CA certificates to verify TLS with, in its order."""


@dataclass(frozen=True)
class EnvironmentSettings:
    """What requests takes from the environment for requests to one base URL."""

    proxies: dict[str, str]
    """From HTTP(S)_PROXY / ALL_PROXY; empty when NO_PROXY covers the host."""
    verify: str | bool
    """REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE, else the default CA bundle (True)."""

    @classmethod
    def read(cls, base_url: str) -> EnvironmentSettings:
        """The settings requests would apply to a request for `base_url`, by its own rules; ConfigurationError
        when a CA-bundle variable names nothing (requests would fail every request with a bare OSError)."""
        proxies = requests.utils.get_environ_proxies(base_url)
        verify: str | bool = True
        for name in CA_BUNDLE_VARIABLES:
            bundle = os.environ.get(name)
            if bundle:
                if not os.path.exists(bundle):
                    raise ConfigurationError(
                        f"{name} is {bundle!r}, which does not exist: point it at your CA certificates (a PEM file "
                        "or a folder of them) or unset it")
                verify = bundle
                break
        return cls(dict(proxies), verify)


class Transport:
    """Sends requests to one Telnyx base URL with one key. Safe to share between threads; never pickled.

    Messages quote the request and the answer but never the key. Text that came from outside (the answer, the
    transport's errors) is scrubbed of it; our own words and the request's paths are not touched: paths are our
    constants and ids that `check` has refused to let hold the key.
    """

    def __init__(self, api_key: str, base_url: str, timeouts: Timeouts, retry: RetrySettings) -> None:
        problem = api_key_problem(api_key)
        if problem is not None:
            raise ValueError(f"the Telnyx API key {problem}")
        self.base_url = normalise_base_url(base_url)
        self.timeouts = timeouts
        self.retry = retry
        self._api_key = api_key
        self._auth = _BearerAuth(api_key)
        # requests would read the proxy and CA-bundle variables again for every request, scanning the whole
        # environment twice (23% of a create's CPU, measured with 35 variables set). Every request here goes to
        # one host, and a provider's environment does not change while it runs, so they are read once.
        self._environment = EnvironmentSettings.read(self.base_url)
        self._pause = RateLimitPause()
        """Shared by every operation: a 429 answered to one holds back the requests of all (see `retry.py`)."""
        # Each thread has its own session and adapter (connection pool): the adapter's retry policy is set per
        # request, from the budget of the operation the request belongs to.
        self._local = threading.local()
        self._adapters: list[HTTPAdapter] = []
        self._adapters_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def __reduce__(self) -> Any:
        raise TypeError("a Telnyx transport holds an API key and must not be pickled")

    def close(self) -> None:
        """Closes the pooled connections of every thread."""
        with self._adapters_lock:
            for adapter in self._adapters:
                adapter.close()

    def budget(self) -> RetryBudget:
        """A fresh retry budget for one operation, from the configured settings."""
        return RetryBudget(self.retry.attempts, self.retry.max_total_wait,
                           backoff_factor=self.retry.backoff_factor, sleeper=self.retry.sleeper, pause=self._pause)

    def _session(self) -> tuple[requests.Session, HTTPAdapter]:
        found: tuple[requests.Session, HTTPAdapter] | None = getattr(self._local, "session", None)
        if found is None:
            adapter = HTTPAdapter(pool_maxsize=4)
            session = requests.Session()
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.auth = self._auth
            session.trust_env = False  # the environment's settings, read once, instead:
            session.proxies = dict(self._environment.proxies)
            session.verify = self._environment.verify
            session.headers.update(
                {"Accept": "application/json", "User-Agent": f"pulumi-telnyx-siprec/{__version__}"}
            )
            found = self._local.session = (session, adapter)
            with self._adapters_lock:
                self._adapters.append(adapter)
        return found

    def request(
        self,
        operation: str,
        method: str,
        path: str,
        policy: Policy,
        *,
        budget: RetryBudget | None = None,
        form: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> requests.Response:
        """Sends one request, retried as `policy` allows within `budget` (a fresh one if None); the answer if it
        is 2xx, else a typed error."""
        budget = budget if budget is not None else self.budget()
        session, adapter = self._session()
        budget.wait_out_pause()
        adapter.max_retries = budget.policy(policy.statuses, retry_after_send=policy.retry_after_send)
        retries_before, waited_before = budget.used, budget.waited
        try:
            response = session.request(
                method,
                self.base_url + path,
                data=form,
                json=json,
                timeout=(self.timeouts.connect, self.timeouts.read),
                allow_redirects=False,
            )
        except requests.RequestException as err:
            sent, reason = self._describe_failure(err)
            where = self.where(method, path)
            attempts = budget.used - retries_before + 1
            tried = ""
            if attempts > 1:
                tried = f" after {attempts} attempts over {budget.waited - waited_before:g} s of waiting"
            if sent:
                message = (f"{operation} failed: {where} got no answer{tried} ({self.scrub(reason)}); "
                           "the request may have reached Telnyx")
            else:
                message = (f"{operation} failed: could not reach {self.base_url} for {where}{tried} "
                           f"({self.scrub(reason)}); nothing was sent: check that the API server is up and "
                           "reachable (the emulator, or your network) and that the base URL is right")
            raise TelnyxTransportError(message, request_sent=sent) from None
        if response.status_code >= 300:
            raise self._api_error(operation, method, path, response)
        return response

    @staticmethod
    def where(method: str, path: str) -> str:
        """`METHOD /path` for a message."""
        return f"{method} {path}"

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
        details = tuple(d.scrubbed(self.scrub) for d in self._error_details(response))
        summary = (
            "; ".join(str(d) for d in details)
            if details
            else f"{self.scrub(response.reason or 'no reason given')}, with {self.body_summary(response)}"
        )
        message = f"{operation} failed: {self.where(method, path)} answered {status}: {summary}"
        if status == 404 and not details:
            # Telnyx answers a missing resource in its error envelope; a bare 404 comes from a server that has no
            # such endpoint at all: the wrong host, or a base URL without `/v2`.
            return EndpointNotFoundError(
                f"{message}: this is not Telnyx's error envelope, so the base URL {self.base_url} "
                f"looks wrong (Telnyx's API root is {DEFAULT_BASE_URL})", status=status)
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
            message += (f"; unexpected redirect to {self.scrub(response.headers.get('Location', '?'))!r} "
                        "(check the base URL)")
        return error_class(message, status=status, details=details)

    @staticmethod
    def _rate_limit_note(response: requests.Response) -> str:
        retries = getattr(response.raw, "retries", None)
        attempts = len(retries.history) + 1 if isinstance(retries, TelnyxRetry) else 1
        waited = retries.budget.waited if isinstance(retries, TelnyxRetry) else 0.0
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

    def body_summary(self, response: requests.Response) -> str:
        """What kind of body an answer had, for answers that are not what the API documents."""
        if not response.content:
            return "an empty body"
        content_type = self.scrub(response.headers.get("Content-Type", "no content type").split(";")[0])
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
            f"{operation} failed: {self.where(method, path)} answered {response.status_code} with "
            f"{self.body_summary(response)} instead of the documented JSON object"
        )

    def scrub(self, text: str) -> str:
        """Text from outside (an answer, an error, a request path) with the key replaced. Never applied to our
        own words, which cannot hold the key."""
        return text.replace(self._api_key, REDACTED)
