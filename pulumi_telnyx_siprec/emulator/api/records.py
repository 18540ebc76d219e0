"""What the state keeps of each API request: small, and without any credential.

A record shows a request well enough to assert on (method, path, route, status, headers, the start of the body),
and no more: every part is cut to a fixed size, so that a record takes at most ~20 KiB (100 headers of 60 KB, a
60 KB path and a 64 KiB body made one of 20 KiB), and 2,000 kept records at most ~40 MiB, whatever clients send
(http.server alone lets a request carry 100 headers of 64 KiB each).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

KEPT_BODY_BYTES = 2_000
KEPT_PATH_CHARS = 2_000
KEPT_HEADERS = 32
KEPT_HEADER_NAME_CHARS = 64
KEPT_HEADER_VALUE_CHARS = 256

_SCHEMES = frozenset({"bearer", "basic", "digest", "token", "negotiate", "hoba", "mutual", "aws4-hmac-sha256"})
"""Authorization schemes shown by name (IANA's HTTP Authentication Scheme Registry, and `token`). A first word
that is not one of them may be the credential itself (a key sent without a scheme), so it is not shown."""

_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})


def redacted_authorization(value: str) -> str:
    """An Authorization header as the state shows it: a known scheme and a fingerprint of the credential (the
    first 8 hex digits of its SHA-256), never the credential itself, however the header is formed: with no
    scheme, or with tabs or several spaces between the scheme and the key, it is all fingerprinted."""
    words = value.strip().split(None, 1)
    if len(words) == 2 and words[0].lower() in _SCHEMES:
        return f"{words[0]} [redacted sha256:{_fingerprint(words[1].strip())}]"
    if len(words) == 1 and words[0].lower() in _SCHEMES:
        return f"{words[0]} [redacted sha256:{_fingerprint('')}]"
    return f"[redacted sha256:{_fingerprint(value.strip())}]"


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def is_credential_header(name: str) -> bool:
    """Whether a header carries a credential (its name in any case)."""
    return name.lower() in _CREDENTIAL_HEADERS


def kept_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The headers a record shows: credentials redacted, at most `KEPT_HEADERS`, each name and value cut."""
    kept: dict[str, str] = {}
    dropped = 0
    for name, value in headers:
        if len(kept) >= KEPT_HEADERS:
            dropped += 1
            continue
        shown = redacted_authorization(value) if is_credential_header(name) else _cut(value, KEPT_HEADER_VALUE_CHARS)
        kept[_cut(name, KEPT_HEADER_NAME_CHARS)] = shown
    if dropped:
        kept["[not kept]"] = f"{dropped} more headers"
    return kept


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"...[{len(text) - limit} more characters]"


def request_record(method: str, path: str, route: str | None, status: int | None,
                   headers: Iterable[tuple[str, str]], raw_body: bytes, fault: str | None,
                   now: datetime | None = None) -> dict[str, Any]:
    """One entry of the state's `requests`."""
    return {
        "at": (now or datetime.now(timezone.utc)).isoformat(),
        "method": method,
        "path": _cut(path, KEPT_PATH_CHARS),
        "route": route,
        "status": status,
        "headers": kept_headers(headers),
        "body": raw_body[:KEPT_BODY_BYTES].decode("utf-8", errors="replace"),
        "fault": fault,
    }
