"""Fault injection: queued misbehaviours that replace the emulator's next answers on a route.

A fault is given as JSON (`POST /_emulator/faults`) or in-process (`Emulator.inject`):

    {"route": "siprec.start", "kind": "status", "status": 429, "headers": {"Retry-After": "1"}, "count": 2}

kinds: `status` (answer this status, with `headers` and `body`, default a Telnyx error envelope), `drop` (close the
connection without answering), `malformed` (a truncated JSON body), `html` (an HTML error page), `missing_sid`
(a 200 JSON answer without `sid`, `call_sid` or the `data` envelope), `delay` (answer normally, `seconds` late:
after carrying the request out, or before it with `process: false`).
`process` says whether the request is carried out before the fault replaces its answer (default: true for `delay`,
`malformed` and `missing_sid`, false otherwise): a 500 after processing is a start that did happen.
`seconds` delays any kind. `count` (default 1) answers are affected; `probability` (default 1) is the chance that a
matching request takes the fault, drawn from the emulator's seeded generator, so a run is reproducible.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .kept_values import value_bytes

KINDS = ("status", "drop", "malformed", "html", "missing_sid", "delay")
_PROCESSED_BY_DEFAULT = frozenset({"delay", "malformed", "missing_sid"})
MAX_QUEUED = 1_000
MAX_COUNT = 100_000
MAX_SECONDS = 600.0
MAX_ANSWER_BYTES = 64 * 1024
"""The memory a fault's `headers` and `body` may take together (`kept_values.value_bytes`): 1,000 queued faults
then hold at most 64 MiB."""


class FaultSpecError(ValueError):
    """A fault description that cannot be used; the message says which field and why."""


@dataclass
class Fault:
    route: str
    kind: str
    count: int = 1
    probability: float = 1.0
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seconds: float = 0.0
    process: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "route": self.route, "kind": self.kind, "count": self.count, "probability": self.probability,
            "status": self.status, "headers": dict(self.headers), "body": self.body, "seconds": self.seconds,
            "process": self.process,
        }


def parse_fault(spec: Any, routes: Iterable[str]) -> Fault:
    """A `Fault` from its JSON description; FaultSpecError naming the bad field."""
    if not isinstance(spec, Mapping):
        raise FaultSpecError("a fault must be a JSON object")
    known = set(routes)
    unknown = set(spec) - {"route", "kind", "count", "probability", "status", "headers", "body", "seconds",
                           "process"}
    if unknown:
        raise FaultSpecError(f"unknown fault field(s): {', '.join(sorted(map(str, unknown)))}")
    route = spec.get("route")
    if route not in known:
        raise FaultSpecError(f"`route` must be one of {', '.join(sorted(known))}; got {route!r}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultSpecError(f"`kind` must be one of {', '.join(KINDS)}; got {kind!r}")
    count = spec.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise FaultSpecError(f"`count` must be a whole number from 1 to {MAX_COUNT}; got {count!r}")
    probability = spec.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 < probability <= 1:
        raise FaultSpecError(f"`probability` must be a number above 0 and at most 1; got {probability!r}")
    status = spec.get("status")
    if kind == "status" and status is None:
        raise FaultSpecError("a `status` fault needs `status`, e.g. 429 or 503")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise FaultSpecError(f"`status` must be an HTTP status from 100 to 599; got {status!r}")
    headers = spec.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and "\n" not in k + v and "\r" not in k + v
        for k, v in headers.items()
    ):
        raise FaultSpecError("`headers` must map header names to single-line string values")
    seconds = spec.get("seconds", 0.0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= MAX_SECONDS:
        raise FaultSpecError(f"`seconds` must be a number from 0 to {MAX_SECONDS:g}; got {seconds!r}")
    size = value_bytes(headers, spec.get("body"))
    if size > MAX_ANSWER_BYTES:
        raise FaultSpecError(f"`headers` and `body` take {size} bytes in memory, more than the {MAX_ANSWER_BYTES} a "
                             "fault may hold; an error envelope takes well under 1 KiB")
    process = spec.get("process", kind in _PROCESSED_BY_DEFAULT)
    if not isinstance(process, bool):
        raise FaultSpecError(f"`process` must be true or false; got {process!r}")
    return Fault(route=route, kind=kind, count=count, probability=float(probability), status=status,
                 headers=dict(headers), body=spec.get("body"), seconds=float(seconds), process=process)


class FaultQueue:
    """Pending faults per route, taken in order by matching requests. Thread-safe and bounded."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._pending: deque[Fault] = deque()
        self._random = random.Random(seed)  # noqa: S311 - reproducible sampling, not security

    def add(self, fault: Fault) -> None:
        with self._lock:
            if len(self._pending) >= MAX_QUEUED:
                raise FaultSpecError(f"at most {MAX_QUEUED} faults may be queued; DELETE /_emulator/faults first")
            self._pending.append(fault)

    def take(self, route: str) -> Fault | None:
        """The fault this request on `route` gets, if any (consuming one of its `count`)."""
        with self._lock:
            for fault in self._pending:
                if fault.route != route:
                    continue
                if fault.probability < 1 and self._random.random() >= fault.probability:
                    return None
                fault.count -= 1
                if fault.count == 0:
                    self._pending.remove(fault)
                return fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_json() for f in self._pending]
