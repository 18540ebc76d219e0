"""How much of what clients send the state keeps, counted in bytes of memory (see `Limits` in `state`).

Two rules keep a long-running emulator's memory proportional to its counts rather than to what clients choose to
send: a session keeps its undocumented parameters (which Telnyx ignores) only up to 1 KiB, so a body padded to
64 KiB costs what a plain one does; and every value the state keeps from clients (ids, documented parameters,
custom headers, hosts) counts against one budget, past which creating anything more is refused until a reset.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def value_bytes(*values: Any) -> int:
    """The memory values take, as `sys.getsizeof` counts each object in them (dict keys and values, list items):
    what a kept value costs, its containers included (a JSON text of 1 KiB can hold 300 empty lists: 17 KiB).
    Shared objects are counted each time, so this is an upper bound. Iterative: any nesting is counted."""
    total = 0
    pending: list[Any] = list(values)
    while pending:
        value = pending.pop()
        total += sys.getsizeof(value)
        if isinstance(value, Mapping):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, (list, tuple)):
            pending.extend(value)
    return total


@dataclass(frozen=True)
class DroppedParams:
    """Undocumented parameters a session did not keep: how many, and their size."""

    count: int
    bytes: int

    def to_json(self) -> dict[str, int]:
        return {"count": self.count, "bytes": self.bytes}


def kept_params(body: Mapping[str, Any], documented: Iterable[str], undocumented_bytes: int
                ) -> tuple[dict[str, Any], DroppedParams | None]:
    """The parameters a session keeps: every documented one, and undocumented ones in the order received while
    their memory (keys and values, `value_bytes`) stays within `undocumented_bytes`; and what was dropped."""
    known = set(documented)
    kept: dict[str, Any] = {}
    used = dropped_count = dropped_bytes = 0
    for key, value in body.items():
        if key in known:
            kept[key] = value
            continue
        size = value_bytes(key, value)
        if used + size <= undocumented_bytes:
            kept[key] = value
            used += size
        else:
            dropped_count += 1
            dropped_bytes += size
    return kept, (DroppedParams(dropped_count, dropped_bytes) if dropped_count else None)
