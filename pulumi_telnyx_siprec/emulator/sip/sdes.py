"""SDP security descriptions (SDES, RFC 4568): the `a=crypto` attribute that carries an SRTP suite and master key per
m-line, and the offer/answer rule that picks one of them. Pure functions and data, standard library only.

    offered = offer_crypto(["AES_CM_128_HMAC_SHA1_80"])     # fresh keys, tags 1, 2, ...
    sdp_line = f"a=crypto:{offered[0].render()}"
    chosen = select_answered(offered, answer_values)          # the offered line the answer took, or ValueError

Sources:
- RFC 4568 section 4 (grammar: `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]`, tag 1 to 9 digits,
  key-params `inline:<key||salt>[|<lifetime>][|<MKI>:<length>]`, base64 per RFC 4648), 5.1 (the answer carries one
  crypto line per accepted m-line, with the tag and suite of the offered line it accepts and the answerer's own key),
  6.2 (AES_CM_128_HMAC_SHA1_80 and _32: 128-bit key, 112-bit salt), 7.1.3 (an answer with no acceptable crypto
  attribute, or whose tag or suite does not match an offered one, is unusable: the offerer must not use the stream).
- RFC 3711 section 8.2 (AES-CM: master key and 112-bit master salt), RFC 7714 section 12 (AEAD_AES_128_GCM and
  AEAD_AES_256_GCM for SDES: 128- or 256-bit key, 96-bit salt).

What a peer sends is read strictly and bounded: a value over `MAX_VALUE_CHARS` is refused without further work, and
errors quote a few dozen characters at most.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from .message import quoted


@dataclass(frozen=True)
class SrtpSuite:
    """An SRTP crypto suite as SDES names it, with the lengths of its master key and salt."""

    name: str
    key_bytes: int
    salt_bytes: int

    @property
    def key_salt_bytes(self) -> int:
        """What `inline:` carries: the master key, then the master salt."""
        return self.key_bytes + self.salt_bytes


SUITES: dict[str, SrtpSuite] = {suite.name: suite for suite in (
    SrtpSuite("AES_CM_128_HMAC_SHA1_80", 16, 14),
    SrtpSuite("AES_CM_128_HMAC_SHA1_32", 16, 14),
    SrtpSuite("AEAD_AES_128_GCM", 16, 12),
    SrtpSuite("AEAD_AES_256_GCM", 32, 12),
)}
"""The suites the emulator can offer and the local SRS can take: those with an SDES name (RFC 4568, RFC 7714) that
libsrtp's profiles implement (pylibsrtp exposes no others)."""
DEFAULT_SUITES = ("AES_CM_128_HMAC_SHA1_80",)
"""What the SIPREC client offers unless told otherwise: RFC 3711's default suite, which every SDES peer implements.
Telnyx documents no suite list for SIPREC (docs/telnyx-api.md section 8)."""
MAX_VALUE_CHARS = 1000
"""The longest `a=crypto` value read; a key of the largest suite takes 60 characters."""
_TAG = re.compile(r"[0-9]{1,9}", re.ASCII)
_SUITE_NAME = re.compile(r"[A-Za-z0-9_]+", re.ASCII)
_LIFETIME = re.compile(r"(?:2\^)?[0-9]{1,20}", re.ASCII)
_MKI = re.compile(r"[0-9]{1,20}:[0-9]{1,3}", re.ASCII)


@dataclass(frozen=True)
class CryptoAttribute:
    """One `a=crypto` line: its tag, its suite's name (as written) and the master key and salt of its first key
    parameter. `session_parameters` are kept as text (none are supported)."""

    tag: int
    suite: str
    key: bytes
    session_parameters: tuple[str, ...] = ()

    def render(self) -> str:
        """The attribute's value (what follows `a=crypto:`)."""
        return " ".join([str(self.tag), self.suite, f"inline:{base64.b64encode(self.key).decode()}",
                         *self.session_parameters])


def check_suites(names: Sequence[str]) -> tuple[str, ...]:
    """`names` as a tuple, when it is a non-empty list of known suites without repeats; ValueError naming the known
    ones otherwise."""
    unknown = [name for name in names if name not in SUITES]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(f"SRTP suites must be one or more of {', '.join(SUITES)}, each once; got {list(names)!r}")
    return tuple(names)


def offer_crypto(suites: Sequence[str] = DEFAULT_SUITES) -> tuple[CryptoAttribute, ...]:
    """The crypto lines of one offered m-line: one per suite, in order of preference, tags from 1, each with a fresh
    random key (RFC 4568 section 5.1: every m-line gets its own keys)."""
    return tuple(CryptoAttribute(tag, name, secrets.token_bytes(SUITES[name].key_salt_bytes))
                 for tag, name in enumerate(check_suites(suites), 1))


def parse_crypto(value: str) -> CryptoAttribute:
    """An `a=crypto` value read strictly (RFC 4568 section 9.1); ValueError saying what is wrong, when anything is.

    The suite must be one of `SUITES` (case-insensitive, as some peers write them); its first key parameter must be
    `inline:` with base64 of exactly the suite's key and salt, optionally followed by a lifetime and an MKI. Further
    key parameters (several keys, told apart by MKI) are not supported."""
    if len(value) > MAX_VALUE_CHARS:
        raise ValueError(f"an a=crypto value of {len(value)} characters, over {MAX_VALUE_CHARS}")
    fields = value.split()
    if len(fields) < 3:
        raise ValueError(f"not tag, suite and key: {quoted(value)}")
    tag_text, suite_text, key_params, *session = fields
    if not _TAG.fullmatch(tag_text):
        raise ValueError(f"the tag is not 1 to 9 digits: {quoted(tag_text)}")
    suite = SUITES.get(suite_text.upper()) if _SUITE_NAME.fullmatch(suite_text) else None
    if suite is None:
        raise ValueError(f"unknown SRTP suite {quoted(suite_text)} (known: {', '.join(SUITES)})")
    if ";" in key_params:
        raise ValueError("several keys (key parameters joined by ';') are not supported")
    method, colon, info = key_params.partition(":")
    if not colon or method.lower() != "inline":
        raise ValueError(f"the key is not given inline: {quoted(key_params)}")
    key_text, *extras = info.split("|")
    if len(extras) > 2 or any(not (_LIFETIME.fullmatch(e) or _MKI.fullmatch(e)) for e in extras):
        raise ValueError(f"malformed key lifetime or MKI: {quoted(info)}")
    try:
        key = base64.b64decode(key_text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"the key is not base64: {quoted(key_text)}") from None
    if len(key) != suite.key_salt_bytes:
        raise ValueError(f"{suite.name} needs {suite.key_salt_bytes} bytes of key and salt, the key has {len(key)}")
    return CryptoAttribute(int(tag_text), suite.name, key, tuple(session))


def select_answered(offered: Sequence[CryptoAttribute], answered: Sequence[str]) -> CryptoAttribute:
    """The offered crypto line an m-line's answer accepted (RFC 4568 section 5.1): the answer's one crypto line has the
    tag and suite of an offered one (its key is the answerer's, for what it sends). ValueError saying why the answer
    is unusable: no crypto line, more than one, an unreadable one, a tag or suite that was not offered together, or
    session parameters (none are supported)."""
    if not answered:
        raise ValueError("no a=crypto line")
    if len(answered) > 1:
        raise ValueError(f"{len(answered)} a=crypto lines (an answer carries one)")
    try:
        chosen = parse_crypto(answered[0])
    except ValueError as err:
        raise ValueError(f"unusable a=crypto line: {err}") from None
    match = next((line for line in offered if line.tag == chosen.tag), None)
    if match is None:
        raise ValueError(f"a=crypto tag {chosen.tag} was not offered "
                         f"(offered: {', '.join(f'{o.tag} {o.suite}' for o in offered)})")
    if match.suite != chosen.suite:
        raise ValueError(f"a=crypto tag {chosen.tag} answered with {chosen.suite}; it was offered with {match.suite}")
    if chosen.session_parameters:
        raise ValueError(f"a=crypto session parameters are not supported: "
                         f"{quoted(' '.join(chosen.session_parameters))}")
    return match
