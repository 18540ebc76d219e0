"""SIP messages as bytes: parsing (compact header names, folded lines, Content-Length), stream framing, rendering.

Standard library only, no I/O.

Sources: RFC 3261 sections 7.3.1 (header lists and folding), 7.3.3 (compact header names), 8.1.1.7 (branch starts
with z9hG4bK), 8.2.6.2 (what a response echoes), 18.3 (Content-Length framing on streams; surplus octets of a
datagram are discarded); RFC 5626 section 3.5.1 (CRLF keep-alives between messages on a stream).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

MAX_MESSAGE_BYTES = 64 * 1024
"""The largest header block or body accepted from a stream."""

_COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
            "c": "content-type", "k": "supported", "x": "session-expires", "e": "content-encoding", "s": "subject",
            "o": "event", "r": "refer-to", "u": "allow-events", "a": "accept-contact", "b": "referred-by"}
"""RFC 3261 section 7.3.3 and later extensions' compact forms (x: RFC 4028)."""
_LIST_HEADERS = frozenset({"via", "route", "record-route", "contact", "supported", "require", "allow"})


@dataclass(frozen=True)
class SipMessage:
    """A parsed SIP request or response; header names are lower-case full names, in order."""

    first_line: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def is_response(self) -> bool:
        return self.first_line.startswith("SIP/2.0 ")

    @property
    def status(self) -> int:
        return int(self.first_line.split(" ", 2)[1])

    @property
    def reason(self) -> str:
        parts = self.first_line.split(" ", 2)
        return parts[2] if len(parts) > 2 else ""

    @property
    def method(self) -> str:
        return self.first_line.split(" ", 1)[0]

    def get(self, name: str) -> str | None:
        """The first value of a header (the first element of a comma-separated list)."""
        found = self.values(name)
        return found[0] if found else None

    def values(self, name: str) -> list[str]:
        """Every value of a header, comma-separated lists split for the headers that are lists."""
        key = name.lower()
        found = [value for header, value in self.headers if header == key]
        if key in _LIST_HEADERS:
            return [item for value in found for item in _split_list(value)]
        return found

    @property
    def call_id(self) -> str:
        return self.get("call-id") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        number, _, method = (self.get("cseq") or "0 ?").partition(" ")
        return int(number) if number.isdigit() else 0, method.strip()

    @property
    def branch(self) -> str:
        return header_parameter(self.get("via") or "", "branch") or ""


def _split_list(value: str) -> list[str]:
    """Splits a header list at commas outside quotes and angle brackets (RFC 3261 section 7.3.1)."""
    items: list[str] = []
    current: list[str] = []
    quoted = angle = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch == "," and not quoted and not angle:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    items.append("".join(current).strip())
    return [item for item in items if item]


def header_parameter(value: str, name: str) -> str | None:
    """A `;name=value` parameter of a header value, outside its <URI>."""
    outside = value.rsplit(">", 1)[-1] if ">" in value else value
    for piece in outside.split(";")[1:]:
        key, _, found = piece.partition("=")
        if key.strip().lower() == name:
            return found.strip()
    return None


def uri_of(value: str) -> str:
    """The URI in a name-addr (`"x" <sip:...>;p`) or addr-spec (`sip:...;p`) header value."""
    if "<" in value and ">" in value:
        return value[value.index("<") + 1:value.index(">")]
    return value.split(";", 1)[0].strip()


def parse_message(data: bytes) -> SipMessage:
    """A SIP message from one datagram or one framed stream message; ValueError when it is not one."""
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = data.partition(b"\n\n")
    if not separator:
        raise ValueError("no end of headers")
    lines = head.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    first = lines[0].strip()
    if not (first.startswith("SIP/2.0 ") and first[8:11].isdigit()) and not first.endswith(" SIP/2.0"):
        raise ValueError(f"not a SIP start line: {first[:80]!r}")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            # Folded continuation line (RFC 3261 section 7.3.1).
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"malformed header line: {line[:80]!r}")
        key = name.strip().lower()
        headers.append((_COMPACT.get(key, key), value.strip()))
    message = SipMessage(first, tuple(headers), body)
    length = message.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > len(body):
            raise ValueError("body shorter than Content-Length")
        # RFC 3261 section 18.3: octets past Content-Length in a datagram are discarded.
        message = SipMessage(first, tuple(headers), body[:int(length)])
    return message


def take_message(buffer: bytearray) -> bytes | None:
    """Takes one complete message off a stream buffer (RFC 3261 section 18.3: Content-Length is mandatory there)."""
    # Keep-alive CRLFs between messages (RFC 5626 section 3.5.1) are not messages.
    while buffer[:2] == b"\r\n":
        del buffer[:2]
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        if len(buffer) > MAX_MESSAGE_BYTES:
            raise ValueError("SIP headers longer than the limit")
        return None
    match = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*\r?$", bytes(buffer[:end + 2]))
    length = int(match.group(1)) if match else 0
    if length > MAX_MESSAGE_BYTES:
        raise ValueError("SIP body longer than the limit")
    total = end + 4 + length
    if len(buffer) < total:
        return None
    message = bytes(buffer[:total])
    del buffer[:total]
    return message


def render(first_line: str, headers: Sequence[tuple[str, str]], body: bytes = b"") -> bytes:
    """A message on the wire: CRLF lines, Content-Length always, last (streams need it, RFC 3261 18.3)."""
    lines = [first_line, *(f"{name}: {value}" for name, value in headers), f"Content-Length: {len(body)}", "", ""]
    return "\r\n".join(lines).encode() + body


def response_to(request: SipMessage, code: int, reason: str, extra: Sequence[tuple[str, str]] = (),
                body: bytes = b"") -> bytes:
    """A response echoing the request's Via list, From, To, Call-ID and CSeq (RFC 3261 section 8.2.6.2), then
    `extra` headers."""
    headers = [("Via", via) for name, via in request.headers if name == "via"]
    headers += [(label, request.get(name) or "") for label, name in
                (("From", "from"), ("To", "to"), ("Call-ID", "call-id"), ("CSeq", "cseq"))]
    return render(f"SIP/2.0 {code} {reason}", [*headers, *extra], body)


def new_tag() -> str:
    """A From/To tag (RFC 3261 section 19.3: random, at least 32 bits)."""
    return secrets.token_hex(8)


def new_branch() -> str:
    """A Via branch for a new transaction."""
    # RFC 3261 section 8.1.1.7: the magic cookie marks a branch unique across space and time.
    return "z9hG4bK" + secrets.token_hex(10)


def host_in_uri(address: str) -> str:
    """An IP address as the host part of a SIP URI or Via (IPv6 in brackets, RFC 3261 section 25.1)."""
    return f"[{address}]" if ":" in address else address
