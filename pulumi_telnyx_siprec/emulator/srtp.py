"""SRTP (RFC 3711) for the emulator, by libsrtp through pylibsrtp: an optional dependency (the `srtp` extra), imported
only when a secure session or the local SRS needs it, so that the emulator imports and runs without it.

    if (problem := srtp_problem()) is None:
        protect = SrtpProtector("AES_CM_128_HMAC_SHA1_80", key).protect        # RTP in, SRTP out (the SIPREC client)
        rtp = SrtpVerifier("AES_CM_128_HMAC_SHA1_80", key).verify(packet)       # SRTP in, RTP out (the local SRS)

Suites are named as SDES names them (`sip.sdes.SUITES`); each maps to a libsrtp profile. A context serves one
direction of one stream (one SSRC) and one thread: libsrtp's per-stream state (rollover counter, replay window) is
not shared.

Why pylibsrtp: docs/emulator.md ("Encrypted media") weighs it against the alternatives.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

INSTALL_HINT = "install it with: pip install 'pulumi-telnyx-siprec[srtp]' (pylibsrtp, wheels for Linux, macOS, Windows)"
PROFILES = {
    "AES_CM_128_HMAC_SHA1_80": "SRTP_PROFILE_AES128_CM_SHA1_80",
    "AES_CM_128_HMAC_SHA1_32": "SRTP_PROFILE_AES128_CM_SHA1_32",
    "AEAD_AES_128_GCM": "SRTP_PROFILE_AEAD_AES_128_GCM",
    "AEAD_AES_256_GCM": "SRTP_PROFILE_AEAD_AES_256_GCM",
}
"""SDES suite name -> pylibsrtp `Policy` profile (RFC 4568 section 6.2, RFC 7714 section 12)."""


class SrtpUnavailableError(RuntimeError):
    """pylibsrtp cannot be imported: SRTP cannot be sent or checked. The message says how to install it."""


class SrtpAuthenticationError(ValueError):
    """A packet failed SRTP's checks (authentication tag, replay window, or not an SRTP packet at all)."""


def _library() -> ModuleType:
    try:
        return importlib.import_module("pylibsrtp")
    except ImportError as err:
        raise SrtpUnavailableError(f"SRTP needs the pylibsrtp package, which is not installed ({err}): "
                                   f"{INSTALL_HINT}") from None


def srtp_problem() -> str | None:
    """Why SRTP cannot be used here (pylibsrtp missing, with how to install it), or None when it can."""
    try:
        _library()
    except SrtpUnavailableError as err:
        return str(err)
    return None


def srtp_version() -> str | None:
    """pylibsrtp's version, or None when it is not installed."""
    try:
        return str(getattr(_library(), "__version__", "unknown"))
    except SrtpUnavailableError:
        return None


def _session(suite: str, key: bytes, direction: str) -> Any:
    """A pylibsrtp Session for one direction of one stream."""
    library = _library()
    try:
        profile = getattr(library.Policy, PROFILES[suite])
    except KeyError:
        raise ValueError(f"unknown SRTP suite {suite!r} (known: {', '.join(PROFILES)})") from None
    ssrc_type = library.Policy.SSRC_ANY_OUTBOUND if direction == "out" else library.Policy.SSRC_ANY_INBOUND
    policy = library.Policy(key=key, ssrc_type=ssrc_type, srtp_profile=profile)
    return library.Session(policy=policy)


class SrtpProtector:
    """Protects the RTP packets of one outgoing stream (RFC 3711 section 3.3). SrtpUnavailableError without
    pylibsrtp; ValueError for an unknown suite or a key of the wrong length."""

    def __init__(self, suite: str, key: bytes) -> None:
        self._session = _session(suite, key, "out")

    def protect(self, packet: bytes) -> bytes:
        """The SRTP packet for an RTP packet (payload encrypted, authentication tag appended)."""
        protected: bytes = self._session.protect(packet)
        return protected


class SrtpVerifier:
    """Authenticates and decrypts the SRTP packets of one incoming stream (RFC 3711 section 3.3)."""

    def __init__(self, suite: str, key: bytes) -> None:
        self._library = _library()
        self._session = _session(suite, key, "in")

    def verify(self, packet: bytes) -> bytes:
        """The RTP packet inside an SRTP packet; SrtpAuthenticationError when it fails authentication, is a replay,
        or is not SRTP."""
        try:
            rtp: bytes = self._session.unprotect(packet)
        except (self._library.Error, ValueError, TypeError) as err:
            raise SrtpAuthenticationError(str(err) or type(err).__name__) from None
        return rtp
