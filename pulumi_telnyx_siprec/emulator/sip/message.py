"""SIP messages as bytes: parsing (compact header names, folded lines, Content-Length), stream framing, rendering.

Standard library only, no I/O.

Whatever a peer sends, parsing either gives a message whose start line, CSeq and Content-Length are well-formed, or
raises `MalformedMessageError` (a ValueError); it never raises anything else, and it reads numbers of any length
without converting more digits than a bound needs. Bounds: a message is at most `MAX_MESSAGE_BYTES` octets and
`MAX_HEADER_LINES` header lines.

Sources: RFC 3261 sections 7.1 and 25.1 (Request-Line, Status-Line: `SIP/2.0 SP 3DIGIT SP Reason-Phrase`; DIGIT is
ASCII 0-9), 7.3.1 (header lists, folding, and quoted strings with backslash escapes), 7.3.3 (compact header names),
8.1.1.5 (the CSeq number is below 2**31), 8.1.1.7 (branch starts with z9hG4bK), 8.2.6.2 (what a response echoes),
18.3 (Content-Length framing on streams; surplus octets of a datagram are discarded), 20.10 (header parameters of a
name-addr follow its `>`; those of an addr-spec follow the URI); RFC 5626 section 3.5.1 (CRLF keep-alives between
messages on a stream).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

MAX_MESSAGE_BYTES = 64 * 1024
"""The largest SIP message accepted, over UDP (a datagram is at most 65,507 octets anyway) or a stream."""
MAX_HEADER_LINES = 256
"""The most header lines a message may have (folded lines count once)."""
MAX_CSEQ = 2**31 - 1
"""RFC 3261 section 8.1.1.5: a CSeq number is below 2**31."""
QUOTE_CHARS = 60
"""How much of a peer's text an error message quotes."""
_TOKEN = r"[A-Za-z0-9.!%*_+`'~-]+"  # noqa: S105 - a grammar rule, not a password
"""RFC 3261 section 25.1 `token`, which a method and a header name are."""
_STATUS_LINE = re.compile(r"SIP/2\.0 ([1-6][0-9]{2})(?: (.*))?", re.ASCII | re.DOTALL)
_REQUEST_LINE = re.compile(rf"({_TOKEN}) (\S+) SIP/2\.0", re.ASCII)
_HEADER_NAME = re.compile(_TOKEN, re.ASCII)
_KEEP_ALIVES = re.compile(rb"(?:\r\n)+")

_COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
            "c": "content-type", "k": "supported", "x": "session-expires", "e": "content-encoding", "s": "subject",
            "o": "event", "r": "refer-to", "u": "allow-events", "a": "accept-contact", "b": "referred-by"}
"""RFC 3261 section 7.3.3 and later extensions' compact forms (x: RFC 4028)."""
_LIST_HEADERS = frozenset({"via", "route", "record-route", "contact", "supported", "require", "allow"})
_MANDATORY = ("via", "from", "to", "call-id", "cseq")
"""RFC 3261 sections 8.1.1 and 8.2.6.2: every request carries these, and every response echoes them."""


class MalformedMessageError(ValueError):
    """What a peer sent is not a SIP message this parser accepts; `call_id` is its Call-ID when one could be read
    (so that the session it belongs to can be told)."""

    def __init__(self, reason: str, call_id: str | None = None) -> None:
        super().__init__(reason)
        self.call_id = call_id


class OversizeMessageError(ValueError):
    """A stream carries a message over `MAX_MESSAGE_BYTES`: its framing cannot be trusted any more."""


def decimal(text: str, ceiling: int) -> int | None:
    """`text` as a decimal number of ASCII digits (RFC 3261 DIGIT: no sign, no other script's digits, any length),
    capped at `ceiling`; None when it is not one. At most as many digits as `ceiling` has are converted, so a number
    of any size is cheap and raises nothing."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(ceiling)):
        return ceiling
    return min(int(significant), ceiling)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text`, cut to `limit` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[:limit] + "\u2026"


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text` quoted for an error message or a note: its first `limit` characters, with an ellipsis when cut."""
    return repr(text[:limit]) + ("\u2026" if len(text) > limit else "")


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
        """The status code of a response (0 for a request, or a start line `parse_message` would refuse)."""
        match = _STATUS_LINE.fullmatch(self.first_line)
        return int(match.group(1)) if match else 0

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
        """The CSeq number and method ((0, "") when malformed; `parse_message` refuses those)."""
        return _read_cseq(self.get("cseq") or "") or (0, "")

    @property
    def branch(self) -> str:
        return header_parameter(self.get("via") or "", "branch") or ""


def _read_cseq(value: str) -> tuple[int, str] | None:
    """A CSeq value's number and method, or None when it is not `1*DIGIT LWS Method` below 2**31."""
    number, _, method = value.strip().partition(" ")
    parsed = decimal(number, MAX_CSEQ + 1)
    method = method.strip()
    if parsed is None or parsed > MAX_CSEQ or not _HEADER_NAME.fullmatch(method):
        return None
    return parsed, method


def _quoted_characters(value: str) -> tuple[list[bool], bool]:
    """For each character of a header value, whether it belongs to a quoted string, its quotes included (RFC 3261
    section 25.1: a backslash escapes the next character); also whether the last quoted string is left open."""
    quoted: list[bool] = []
    in_quotes = escaped = False
    for ch in value:
        if in_quotes:
            quoted.append(True)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_quotes = False
        else:
            in_quotes = ch == '"'
            quoted.append(in_quotes)
    return quoted, in_quotes


def _split_outside(value: str, separator: str) -> tuple[list[str], bool]:
    """Splits a header value at `separator` where it stands outside quoted strings and outside <URIs>; also whether a
    quoted string was left open."""
    quoted, unterminated = _quoted_characters(value)
    pieces: list[str] = []
    current: list[str] = []
    in_angle = False
    for ch, in_quotes in zip(value, quoted, strict=True):
        if not in_quotes:
            if ch == "<":
                in_angle = True
            elif ch == ">":
                in_angle = False
            elif ch == separator and not in_angle:
                pieces.append("".join(current))
                current = []
                continue
        current.append(ch)
    pieces.append("".join(current))
    return pieces, unterminated


def _split_list(value: str) -> list[str]:
    """Splits a header list at commas outside quotes and angle brackets (RFC 3261 section 7.3.1)."""
    return [item.strip() for item in _split_outside(value, ",")[0] if item.strip()]


def header_parameter(value: str, name: str) -> str | None:
    """A `;name=value` header parameter (name case-insensitive): one outside the <URI> and outside quoted strings
    (RFC 3261 section 20.10). None when absent, or when a quoted string is left open (the value is malformed)."""
    pieces, unterminated = _split_outside(value, ";")
    if unterminated:
        return None
    for piece in pieces[1:]:
        key, _, found = piece.partition("=")
        if key.strip().lower() == name.lower():
            return found.strip()
    return None


def uri_of(value: str) -> str:
    """The URI in a name-addr (`"x" <sip:...>;p`) or addr-spec (`sip:...;p`) header value; "" when a `<` opens
    no URI (`<` without its `>`). A display name's quoted text is skipped, whatever it holds."""
    quoted, unterminated = _quoted_characters(value)
    for index, (ch, in_quotes) in enumerate(zip(value, quoted, strict=True)):
        if ch == "<" and not in_quotes:
            end = value.find(">", index + 1)
            return value[index + 1:end].strip() if end >= 0 else ""
    if unterminated:
        return ""
    return value.split(";", 1)[0].strip()


def parse_message(data: bytes) -> SipMessage:
    """A SIP message from one datagram or one framed stream message; MalformedMessageError (a ValueError) when it is
    not one: no end of headers, a CR outside a CRLF in the headers, a start line that is neither a Request-Line nor
    a Status-Line, a header line without a name, one of Via, From, To, Call-ID and CSeq missing or empty, a
    malformed CSeq or Content-Length, a body shorter than its Content-Length, or over the bounds."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise MalformedMessageError(f"over {MAX_MESSAGE_BYTES} bytes")
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = data.partition(b"\n\n")
    if not separator:
        raise MalformedMessageError("no end of headers")
    lines = head.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    first = lines[0].strip()
    headers: list[tuple[str, str]] = []
    problem: str | None = None
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            # Folded continuation line (RFC 3261 section 7.3.1).
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        if "\r" in line.strip():
            # RFC 3261 section 7.3.1: CR only in CRLF. A bare one would be echoed into the ACK or BYE (To, From).
            problem = problem or f"a CR inside a header line: {quoted(line)}"
            continue
        name, colon, value = line.partition(":")
        key = name.strip().lower()
        if not colon or not _HEADER_NAME.fullmatch(key):
            problem = problem or f"malformed header line: {quoted(line)}"
            continue
        headers.append((_COMPACT.get(key, key), value.strip()))
    message = SipMessage(first, tuple(headers), body)
    problem = problem or _start_line_problem(first)
    if problem is None and len(headers) > MAX_HEADER_LINES:
        problem = f"more than {MAX_HEADER_LINES} header lines"
    if problem is None:
        missing = [name for name in _MANDATORY if not message.get(name)]
        if missing:
            problem = f"no {', '.join(missing)}"
    cseq = message.get("cseq")
    if problem is None and cseq is not None and _read_cseq(cseq) is None:
        problem = f"CSeq is not a number below 2**31 and a method: {quoted(cseq)}"
    length_text = message.get("content-length")
    if problem is None and length_text is not None:
        length = decimal(length_text, MAX_MESSAGE_BYTES + 1)
        if length is None:
            problem = f"Content-Length is not a number: {quoted(length_text)}"
        elif length > len(body):
            problem = "body shorter than Content-Length"
        else:
            # RFC 3261 section 18.3: octets past Content-Length in a datagram are discarded.
            message = SipMessage(first, tuple(headers), body[:length])
    if problem is not None:
        raise MalformedMessageError(problem, message.get("call-id") or None)
    return message


def _start_line_problem(first: str) -> str | None:
    if first.startswith("SIP/"):
        return None if _STATUS_LINE.fullmatch(first) else f"not a SIP status line: {quoted(first)}"
    return None if _REQUEST_LINE.fullmatch(first) else f"not a SIP start line: {quoted(first)}"


def take_message(buffer: bytearray) -> bytes | None:
    """Takes one complete message off a stream buffer (RFC 3261 section 18.3: Content-Length is mandatory there);
    None until one is complete. OversizeMessageError when the message under way is over `MAX_MESSAGE_BYTES`."""
    # Keep-alive CRLFs between messages (RFC 5626 section 3.5.1) are not messages (taken off at once: any number).
    keep_alives = _KEEP_ALIVES.match(buffer)
    if keep_alives is not None and keep_alives.end():
        del buffer[:keep_alives.end()]
    end = buffer.find(b"\r\n\r\n", 0, MAX_MESSAGE_BYTES + 4)
    if end < 0:
        if len(buffer) > MAX_MESSAGE_BYTES:
            raise OversizeMessageError(f"SIP headers over {MAX_MESSAGE_BYTES} bytes")
        return None
    match = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*([0-9]+)[ \t]*\r?$", bytes(buffer[:end + 2]))
    length = (decimal(match.group(1).decode(), MAX_MESSAGE_BYTES + 1) or 0) if match else 0
    total = end + 4 + length
    if total > MAX_MESSAGE_BYTES:
        raise OversizeMessageError(f"SIP message over {MAX_MESSAGE_BYTES} bytes")
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
                body: bytes = b"", to_tag: str | None = None) -> bytes:
    """A response echoing the request's Via list, From, To, Call-ID and CSeq (RFC 3261 section 8.2.6.2), then
    `extra` headers. `to_tag` is added to a To that has no tag (a UAS's answer to a dialog-creating request, RFC 3261
    section 8.2.6.2)."""
    headers = [("Via", via) for name, via in request.headers if name == "via"]
    headers += [(label, request.get(name) or "") for label, name in
                (("From", "from"), ("To", "to"), ("Call-ID", "call-id"), ("CSeq", "cseq"))]
    if to_tag is not None and header_parameter(headers[-3][1], "tag") is None:
        headers[-3] = ("To", f"{headers[-3][1]};tag={to_tag}")
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
