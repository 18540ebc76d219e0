"""How requests travel. A `Transport` sends one request, repeated as a `Policy` allows within the operation's
`RetryBudget`, and returns the answer whatever its status, or raises `NoAnswerError` when there was none.
`HttpTransport` is the default: requests and urllib3, a connection pool per thread, explicit timeouts, and the
environment's proxy and CA settings read once.

It knows HTTP and nothing of Telnyx: statuses, error envelopes and messages are the client's (`telnyx_client.py`).
"""

from __future__ import annotations

import json as json_module
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError

from .errors import ConfigurationError
from .retry import RetryBudget, TelnyxRetry


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, and then for each read of the answer."""

    connect: float = 5.0
    read: float = 30.0


DEFAULT_TIMEOUTS = Timeouts()


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


@dataclass(frozen=True)
class Request:
    """One HTTP request: the method, the absolute URL, the headers, and a form or JSON body (or neither)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(repr=False)
    """Carries the API key: never shown."""
    form: Mapping[str, str] | None = None
    json: Any = None


@dataclass(frozen=True)
class Reply:
    """The answer to a request, whatever its status."""

    status: int
    reason: str
    headers: Mapping[str, str]
    """Case-insensitive."""
    content: bytes
    next_wait: float | None = None
    """How long another attempt would have waited (what the server asked for, else the backoff), when known."""

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not JSON."""
        return json_module.loads(self.content)


class NoAnswerError(Exception):
    """A request got no HTTP answer: it could not connect, timed out, or the connection dropped."""

    def __init__(self, reason: str, *, request_sent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.request_sent = request_sent
        """False when the request certainly never reached the server (it is then safe to send again)."""


class Transport(Protocol):
    """What the client sends its requests through. Must be safe to share between threads."""

    def send(self, request: Request, policy: Policy, budget: RetryBudget) -> Reply:
        """Sends `request`, repeating it as `policy` allows within `budget`; the last answer, or `NoAnswerError`."""
        ...

    def close(self) -> None:
        """Releases pooled connections."""
        ...


CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
"""Where requests looks for the CA certificates to verify TLS with, in its order."""


def ca_bundle(environ: Mapping[str, str] = os.environ) -> str | bool:
    """The CA certificates requests would verify with: REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE, else its default
    (True). ConfigurationError when a variable names nothing: requests would fail every request with a bare OSError."""
    for name in CA_BUNDLE_VARIABLES:
        bundle = environ.get(name)
        if bundle:
            if not os.path.exists(bundle):
                raise ConfigurationError(
                    f"{name} is {bundle!r}, which does not exist: point it at your CA certificates (a PEM file "
                    "or a folder of them) or unset it")
            return bundle
    return True


class HttpTransport:
    """Sends requests with requests and urllib3. Safe to share between threads.

    requests would read the proxy and CA-bundle variables again for every request, scanning the whole environment
    twice (23% of a create's CPU, measured with 35 variables set); a provider's environment does not change while it
    runs, so they are read once: the CA bundle here, the proxies once per origin. Never ~/.netrc either.
    """

    def __init__(self, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> None:
        self.timeouts = timeouts
        self._verify = ca_bundle()
        self._proxies: dict[str, dict[str, str]] = {}
        # Each thread has its own session and adapter (connection pool): the adapter's retry policy is set per
        # request, from the budget of the operation the request belongs to.
        self._local = threading.local()
        self._adapters: list[HTTPAdapter] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HttpTransport({self.timeouts})"

    def close(self) -> None:
        """Closes the pooled connections of every thread."""
        with self._lock:
            for adapter in self._adapters:
                adapter.close()

    def _session(self) -> tuple[requests.Session, HTTPAdapter]:
        found: tuple[requests.Session, HTTPAdapter] | None = getattr(self._local, "session", None)
        if found is None:
            adapter = HTTPAdapter(pool_maxsize=4)
            session = requests.Session()
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.trust_env = False  # the environment's settings, read once, instead
            session.verify = self._verify
            found = self._local.session = (session, adapter)
            with self._lock:
                self._adapters.append(adapter)
        return found

    def _proxies_for(self, url: str) -> dict[str, str]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            proxies = self._proxies.get(origin)
            if proxies is None:
                proxies = self._proxies[origin] = dict(requests.utils.get_environ_proxies(origin))
            return proxies

    def send(self, request: Request, policy: Policy, budget: RetryBudget) -> Reply:
        """Sends `request`, retried by urllib3 as `policy` allows within `budget`; the last answer, or
        `NoAnswerError`."""
        session, adapter = self._session()
        adapter.max_retries = budget.policy(policy.statuses, retry_after_send=policy.retry_after_send)
        try:
            response = session.request(
                request.method,
                request.url,
                headers=dict(request.headers),
                data=request.form,
                json=request.json,
                timeout=(self.timeouts.connect, self.timeouts.read),
                allow_redirects=False,
                proxies=self._proxies_for(request.url),
            )
        except requests.RequestException as err:
            sent, reason = self._describe_failure(err)
            raise NoAnswerError(reason, request_sent=sent) from None
        retries = getattr(response.raw, "retries", None)
        next_wait = retries.planned_wait(response.raw) if isinstance(retries, TelnyxRetry) else None
        return Reply(response.status_code, response.reason or "", response.headers, response.content, next_wait)

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
