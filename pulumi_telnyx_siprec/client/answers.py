"""Reading Telnyx's answers: its error envelope into the typed errors of `errors.py`, and the JSON bodies of
successes, in messages that quote the answer (scrubbed of the key) but never the key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .connection import DEFAULT_BASE_URL
from .errors import (
    AuthenticationError,
    ConflictError,
    EndpointNotFoundError,
    ErrorDetail,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TelnyxAPIError,
    UnexpectedResponseError,
)
from .http import Reply

DUPLICATE_CODE = "10012"
"""Telnyx's error code for a resource that already exists (docs/telnyx-api.md section 6)."""


class AnswerReader:
    """Turns answers into results or typed errors; `scrub` removes the key from text that came from outside."""

    def __init__(self, scrub: Callable[[str], str], base_url: str) -> None:
        self.scrub = scrub
        self.base_url = base_url

    def api_error(self, operation: str, where: str, reply: Reply, *, attempts: int, waited: float) -> TelnyxAPIError:
        """The typed error for an answer with an error status; `attempts` and `waited` are the operation's, for a
        429 that outlasted the retry budget."""
        status = reply.status
        details = error_details(reply, self.scrub)
        summary = (
            "; ".join(str(d) for d in details)
            if details
            else f"{self.scrub(reply.reason or 'no reason given')}, with {self.body_summary(reply)}"
        )
        message = f"{operation} failed: {where} answered {status}: {summary}"
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
        elif status == 409 or (status == 422 and any(d.code == DUPLICATE_CODE for d in details)):
            error_class = ConflictError
        elif status in (400, 422):
            error_class = InvalidRequestError
        elif status == 429:
            error_class = RateLimitError
            message += rate_limit_note(reply, attempts, waited)
        elif status >= 500:
            error_class = ServerError
        elif 300 <= status < 400:
            message += (f"; unexpected redirect to {self.scrub(reply.headers.get('Location', '?'))!r} "
                        "(check the base URL)")
        return error_class(message, status=status, details=details)

    def body_summary(self, reply: Reply) -> str:
        """What kind of body an answer had, for answers that are not what the API documents."""
        if not reply.content:
            return "an empty body"
        content_type = self.scrub(reply.headers.get("Content-Type", "no content type").split(";")[0])
        try:
            body = reply.json()
        except ValueError:
            return f"a non-JSON body ({content_type})"
        if not isinstance(body, dict):
            return "a JSON body that is not an object"
        return "a JSON object without Telnyx's `errors` list"

    def json_object(self, operation: str, where: str, reply: Reply) -> dict[str, Any]:
        """The answer's JSON object; UnexpectedResponseError when it has none."""
        body = json_object(reply)
        if body is None:
            raise UnexpectedResponseError(
                f"{operation} failed: {where} answered {reply.status} with {self.body_summary(reply)} instead of "
                "the documented JSON object"
            )
        return body


def json_object(reply: Reply) -> dict[str, Any] | None:
    """The answer's JSON object, or None when its body is not one."""
    try:
        body = reply.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def error_details(reply: Reply, scrub: Callable[[str], str]) -> tuple[ErrorDetail, ...]:
    """The entries of Telnyx's `errors` envelope, at most ten, scrubbed by `scrub`."""
    body = json_object(reply)
    errors = body.get("errors") if body is not None else None
    if not isinstance(errors, list):
        return ()
    return tuple(ErrorDetail.from_json(item, scrub) for item in errors[:10])


def rate_limit_note(reply: Reply, attempts: int, waited: float) -> str:
    """What a 429 that outlasted the retry budget adds to its message: how hard it was tried, and what to do."""
    note = f"; still rate limited after {attempts} attempt(s) and {waited:g} s of waiting"
    if reply.next_wait:
        note += f" (Telnyx asks to wait {reply.next_wait:g} s more)"
    return note + "; wait and try again, or lower the parallelism (`pulumi up --parallel 1`)"
