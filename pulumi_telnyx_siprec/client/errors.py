"""The errors the Telnyx client raises: one small hierarchy, each message complete on one line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of Telnyx's `errors` envelope."""

    code: str | None = None
    title: str | None = None
    detail: str | None = None
    pointer: str | None = None

    @classmethod
    def from_json(cls, item: Any, scrub: Callable[[str], str]) -> ErrorDetail:
        """One entry of the envelope, each field scrubbed by `scrub` (it came from outside) before it is cut to a
        length fit for a message: cutting first could leave a piece of what `scrub` removes."""

        def text(value: Any, limit: int = 500) -> str | None:
            return None if value is None else scrub(str(value))[:limit]

        if not isinstance(item, dict):
            return cls(detail=text(item, 200))
        source = item.get("source")
        pointer = source.get("pointer") if isinstance(source, dict) else None
        return cls(code=text(item.get("code")), title=text(item.get("title")), detail=text(item.get("detail")),
                   pointer=text(pointer))

    def __str__(self) -> str:
        head = " ".join(p for p in (f"[{self.code}]" if self.code else "", self.title or "") if p)
        text = ": ".join(p for p in (head, self.detail or "") if p) or "no details"
        return f"{text} (at {self.pointer})" if self.pointer else text


class TelnyxError(Exception):
    """Base of every error the client raises."""


class TelnyxTransportError(TelnyxError):
    """No usable HTTP answer: connection refused or dropped, timeout, TLS failure."""

    def __init__(self, message: str, *, request_sent: bool) -> None:
        super().__init__(message)
        self.request_sent = request_sent
        """False when the request certainly never reached Telnyx (it is then safe to send again)."""


class TelnyxAPIError(TelnyxError):
    """Telnyx answered with an error status."""

    def __init__(self, message: str, *, status: int, details: tuple[ErrorDetail, ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.details = details


class AuthenticationError(TelnyxAPIError):
    """401/403: the API key is missing, wrong, or lacks permission."""


class NotFoundError(TelnyxAPIError):
    """404: the account, call, session or connector does not exist (or no longer does)."""


class CallGoneError(NotFoundError):
    """A Call Control call that has ended (422, code 90018) or that Telnyx does not know (422, code 90015): for a
    stop or a hang-up, already done; for a read, gone."""


class CallNotAnsweredYetError(TelnyxAPIError):
    """A Call Control command the call cannot take before it is answered (422, code 90034): nothing was done, so
    it may be sent again once the call is answered."""


class EndpointNotFoundError(TelnyxAPIError):
    """404 without Telnyx's error envelope: no such endpoint at all, so the base URL is probably wrong.

    Deliberately not a `NotFoundError`: a stop or delete must never take it for "already gone".
    """


class InvalidRequestError(TelnyxAPIError):
    """400/422: Telnyx refused a parameter; `details` point at it."""


class ConflictError(TelnyxAPIError):
    """409, or 422 with code 10012: the resource already exists."""


class RateLimitError(TelnyxAPIError):
    """429 that outlasted the retry budget."""


class ServerError(TelnyxAPIError):
    """5xx: a failure on Telnyx's side."""


class UnexpectedResponseError(TelnyxError):
    """A success status whose body is not what the API documents (not JSON, or a required field missing)."""


class MayExistError(TelnyxError):
    """A create that is not safe to repeat failed after it may have reached Telnyx: what it creates may exist.

    Never retried automatically; the message says how to find and undo it.
    """


class SessionMayExistError(MayExistError):
    """A SIPREC start may have started a session (a second start could fork the same call twice)."""

    def __init__(self, message: str, *, account_sid: str, call_sid: str) -> None:
        super().__init__(message)
        self.account_sid = account_sid
        self.call_sid = call_sid


class CallMayExistError(MayExistError):
    """A call create may have placed a call (a second create would place a second call)."""


class ConnectorMayExistError(MayExistError):
    """A connector create may have created the connector, and reading it back failed too."""


class CallControlSessionMayExistError(MayExistError):
    """A Call Control `siprec_start` may have started a session on the call (a second start could fork it twice)."""

    def __init__(self, message: str, *, call_control_id: str) -> None:
        super().__init__(message)
        self.call_control_id = call_control_id


class ConfigurationError(TelnyxError):
    """The provider's settings are missing or invalid (API key, base URL, timeouts)."""
