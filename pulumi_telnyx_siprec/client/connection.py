"""Where requests go and as whom: the API root and the key, checked before any request is sent."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"
REDACTED = "[redacted]"
"""What stands in a message where the API key was."""

MIN_API_KEY_LENGTH = 20
"""Telnyx v2 keys are far longer (`KEY` and some 55 more characters); anything under this is a mistake. A shorter
string can be a piece of an ordinary word (`Authenti`), in our messages or in Telnyx's answers, so no message could
be scrubbed of it without damaging what the message says."""


def api_key_problem(key: str) -> str | None:
    """What makes `key` unusable as a bearer key in an HTTP header, in words that quote none of it; None if
    usable. `key` has had surrounding whitespace removed."""
    if not key:
        return "is empty"
    for char in key:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return ("contains a control character (a line break, tab or NUL, often pasted by mistake); "
                    "an HTTP header cannot carry it")
        if char.isspace():
            return "contains whitespace; a Telnyx API key has none"
        if not char.isascii():
            return "contains a non-ASCII character; Telnyx API keys are ASCII letters, digits and `_`"
    if len(key) < MIN_API_KEY_LENGTH:
        return f"is shorter than {MIN_API_KEY_LENGTH} characters, too short to be a Telnyx API key"
    return None


def normalise_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; ValueError unless it is an absolute http(s) URL."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"the Telnyx base URL must be an absolute http(s) URL (the API root), got {base_url!r}")
    return base_url.strip().rstrip("/")
