"""JSON from clients, parsed only when it can be stored and shown again.

`json.loads` nests one Python call per level: a 64 KiB body can ask for 32,000 levels (RecursionError), and a
value of ~980 levels parses but can no longer be serialised once it sits a few levels down in the state, so every
`GET /_emulator/state` fails until a reset. So the nesting is counted before parsing, without recursion, and a value
deeper than `MAX_JSON_DEPTH` is refused; so are NaN and Infinity, which are not JSON (RFC 8259 section 6) and which
Python's encoder would write back as invalid JSON.

`MAX_JSON_DEPTH` is 32: the deepest body of the API the emulator stands for is a call create with `CustomHeaders`
(an object in a list in an object: 3 levels), and a fault's `body` copying Telnyx's error envelope takes 4
(`{"errors": [{"source": {...}}]}`). 32 leaves room for any body a test means to send, while keeping every copy,
comparison and serialisation of a stored value about 40 frames deep (32 plus the state's own nesting), far below
Python's recursion limit (1,000) in whatever thread or call stack touches it.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 32

_SPECIAL = re.compile(r'[\\"\[\]{}]')
"""The characters that open or close a string, an array or an object, and the escape character."""


class JsonBodyError(ValueError):
    """A body that is not JSON the emulator can keep; the message says why, for the client."""


def nesting_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep the arrays and objects of a JSON text nest, counted without recursion and in one pass over its
    special characters (a regular expression for strings backtracks quadratically on `"\\"\\"...`); stops
    counting once past `limit` (then the result is `limit + 1`). Brackets inside strings do not count."""
    depth = deepest = 0
    in_string = False
    escaped = -1  # the position of the character a backslash escapes
    for found in _SPECIAL.finditer(text):
        position, char = found.start(), found.group()
        if position == escaped:
            continue
        if in_string:
            if char == "\\":
                escaped = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise JsonBodyError(f"{name} is not a JSON value; send a number or a string")


def load_json(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The value of a JSON text; JsonBodyError if it is not JSON, nests deeper than `max_depth`, or holds NaN or
    Infinity."""
    if nesting_depth(text, max_depth) > max_depth:
        raise JsonBodyError(f"the JSON body nests arrays and objects deeper than {max_depth} levels; the emulator "
                            f"keeps at most {max_depth}")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except JsonBodyError:
        raise
    except ValueError as err:  # JSONDecodeError, or an integer of more digits than Python converts
        raise JsonBodyError(f"the body is not valid JSON: {err}") from None
