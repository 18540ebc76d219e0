"""A transport that answers from a script instead of a network: the client's seam (`client/http.py`) lets tests
hand it answers, or failures to answer, and see exactly the requests it was asked to send."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from requests.structures import CaseInsensitiveDict

from pulumi_telnyx_siprec.client.http import NoAnswerError, Policy, Reply, Request
from pulumi_telnyx_siprec.client.retry import RetryBudget


def reply(status: int, body: Any = None, *, reason: str = "", headers: Mapping[str, str] | None = None,
          raw: bytes | None = None, next_wait: float | None = None) -> Reply:
    """An answer: `body` as JSON (or `raw` bytes as they are)."""
    content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    all_headers = CaseInsensitiveDict({"Content-Type": "application/json", **(headers or {})})
    return Reply(status, reason, all_headers, content, next_wait)


@dataclass
class ScriptedTransport:
    """Answers each request with the next scripted `Reply`, or raises the next scripted `NoAnswerError`."""

    script: list[Reply | NoAnswerError]
    sent: list[tuple[Request, Policy]] = field(default_factory=list)
    closed: bool = False

    def send(self, request: Request, policy: Policy, budget: RetryBudget) -> Reply:  # noqa: ARG002
        self.sent.append((request, policy))
        if not self.script:
            raise AssertionError(f"no scripted answer left for {request.method} {request.url}")
        next_answer = self.script.pop(0)
        if isinstance(next_answer, NoAnswerError):
            raise next_answer
        return next_answer

    def close(self) -> None:
        self.closed = True
