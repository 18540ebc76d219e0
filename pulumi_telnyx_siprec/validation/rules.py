"""Reusable rules for input values: small, composable, each raising `InvalidValueError` with a reason that says
how to fix the value. Standard library only."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .fields import InvalidValueError, Problem, Rule, describe
from .names import close_matches


def non_empty(value: str) -> None:
    if not value:
        raise InvalidValueError("must not be empty")


def one_of(*choices: str) -> Rule:
    """The value must be exactly one of `choices`; suggests the closest one."""

    def rule(value: str) -> None:
        if value in choices:
            return
        listing = ", ".join(f"`{c}`" for c in choices)
        close = close_matches(value.lower(), choices, cutoff=0.5)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise InvalidValueError(f"must be one of {listing}, got {describe(value)}{hint}", Problem.CHOICE)

    return rule


def whole_number_in(*allowed: int | tuple[int, int]) -> Rule:
    """The integer must equal one of the single values or fall in one of the inclusive ranges."""
    parts = [str(a) if isinstance(a, int) else f"between {a[0]} and {a[1]}" for a in allowed]
    wording = " or ".join(parts)

    def rule(value: int) -> None:
        for a in allowed:
            if (value == a) if isinstance(a, int) else (a[0] <= value <= a[1]):
                return
        raise InvalidValueError(f"must be {wording}, got {value}")

    return rule


def _bad_character(value: str, extra: str = "") -> tuple[int, str] | None:
    for index, char in enumerate(value):
        # Cs: a lone surrogate is not text at all; it cannot be encoded into a request.
        if char in extra or char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return index, char
    return None


def _name_char(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f"`{char}`"
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'control character').lower()})"


def url_path_id(value: str) -> None:
    """An id that goes into a URL path as one segment: it must not be able to change the path."""
    non_empty(value)
    if value in (".", ".."):
        raise InvalidValueError(f"must be an id, not {describe(value)} (it would change the request path)")
    found = _bad_character(value, extra="/?#")
    if found:
        index, char = found
        raise InvalidValueError(
            f"must not contain {_name_char(char)} (found at position {index}); "
            "ids have no `/`, `?`, `#`, whitespace or control characters"
        )


def http_url(value: str) -> None:
    """An absolute http:// or https:// URL with a host. The URL itself is not echoed: it may hold a token."""
    non_empty(value)
    found = _bad_character(value)
    if found:
        index, char = found
        raise InvalidValueError(f"must be a URL without whitespace or control characters, found {_name_char(char)} "
                      f"at position {index}")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as err:
        raise InvalidValueError(f"must be a valid URL ({err})") from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"`{parts.scheme}`" if parts.scheme else "none"
        raise InvalidValueError(f"must be an absolute http:// or https:// URL, got scheme {shown}")
    if not parts.hostname:
        raise InvalidValueError("must be an absolute http:// or https:// URL with a host, e.g. https://hooks.example.com/x")


def upper_case(value: str) -> str:
    return value.upper()


_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_IPV4_LIKE = r"[0-9]+(?:\.[0-9]+){3}"


def host_name(value: str) -> None:
    """A DNS host name or a dotted IPv4 address: no scheme, port, path or IPv6."""
    non_empty(value)
    if "://" in value or value.lower().startswith(("sip:", "sips:")):
        raise InvalidValueError("must be a host name or IPv4 address, not a URI: drop the scheme (`sip:`, `https://`)")
    if value.count(":") > 1:
        raise InvalidValueError("must be a host name or IPv4 address; Telnyx documents no IPv6 here")
    if ":" in value or "/" in value:
        raise InvalidValueError("must be a host name or IPv4 address alone: put the port in `port`, and no path")
    if re.fullmatch(_IPV4_LIKE, value):
        if not all(0 <= int(part) <= 255 for part in value.split(".")):
            raise InvalidValueError(f"must be a valid IPv4 address (each part 0-255), got {describe(value)}")
        return
    labels = value.removesuffix(".").split(".")
    if len(value) > 253 or not all(re.fullmatch(_HOST_LABEL, label) for label in labels):
        raise InvalidValueError(
            f"must be a host name (letters, digits and inner hyphens, dot-separated labels of up to 63 "
            f"characters) or an IPv4 address, got {describe(value)}"
        )


_E164 = r"\+[1-9][0-9]{6,14}"


def phone_or_sip_uri(value: str) -> None:
    """An E.164 number (`+15551230001`) or a SIP URI (`sip:alice@example.com`), as TeXML calls take them."""
    non_empty(value)
    if re.fullmatch(_E164, value):
        return
    if value.lower().startswith(("sip:", "sips:")):
        found = _bad_character(value)
        if found:
            index, char = found
            raise InvalidValueError(f"must be a SIP URI without whitespace or control characters, found "
                                    f"{_name_char(char)} at position {index}")
        return
    raise InvalidValueError(f"must be an E.164 number such as `+15551230001` or a SIP URI such as "
                            f"`sip:srs-test@example.com`, got {describe(value)}")


def max_length(limit: int) -> Rule:
    """The string has at most `limit` characters."""

    def rule(value: str) -> None:
        if len(value) > limit:
            raise InvalidValueError(f"must be at most {limit} characters, got {len(value)}")

    return rule


def space_separated(*choices: str) -> Rule:
    """One or more of `choices`, separated by spaces (e.g. TeXML's `StatusCallbackEvent`)."""
    single = one_of(*choices)

    def rule(value: str) -> None:
        words = value.split(" ")
        if not value or "" in words:
            raise InvalidValueError(f"must be one or more of {', '.join(f'`{c}`' for c in choices)}, separated by "
                                    "single spaces", Problem.CHOICE)
        for word in words:
            single(word)

    return rule


_HEADER_NAME = r"[A-Za-z0-9!%'*+.^_`|~-]+"


def header_map(value: dict[str, str]) -> None:
    """Header names are tokens, values have no line breaks or other control characters (no header injection)."""
    for name, item in value.items():
        if not re.fullmatch(_HEADER_NAME, name):
            raise InvalidValueError(f"header name {describe(name)} must be letters, digits and `-` (a SIP token)")
        found = _bad_character(item.replace(" ", ""))
        if found:
            raise InvalidValueError(f"header {name!r} has a control character in its value ({_name_char(found[1])})")


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def base64_text(value: str) -> None:
    """Standard base64 (RFC 4648 section 4, padded), as Call Control's `client_state` must be. The value is not
    echoed: it is a program's own state."""
    non_empty(value)
    if not _BASE64.fullmatch(value):
        raise InvalidValueError(
            "must be base64 (letters, digits, `+` and `/`, padded with `=` to a multiple of 4 characters), "
            "e.g. `cnVuLTQy` for `run-42` (Python: `base64.b64encode(b\"run-42\").decode()`); got "
            f"{len(value)} characters that are not")
