"""Telnyx's SIPREC client (SRC), played by the emulator: a recording-session INVITE to the SRS, RTP while the session
lives, session-timer refreshes, BYE on stop. See `SiprecUserAgent`; standard library only.

It builds its messages with the wire format of `..sip` and imports nothing else from the emulator: the HTTP API
(`..api`) never sees it, and the glue (`..recorder`) drives it."""

from .client import (
    SIP_TRANSPORTS,
    TIMER_B,
    AnsweredMedia,
    HostNotAllowedError,
    Listener,
    RecordingRequest,
    SessionHandle,
    SiprecUserAgent,
    SrcOutcome,
    resolve_host,
)

__all__ = [
    "SIP_TRANSPORTS",
    "TIMER_B",
    "AnsweredMedia",
    "HostNotAllowedError",
    "Listener",
    "RecordingRequest",
    "SessionHandle",
    "SiprecUserAgent",
    "SrcOutcome",
    "resolve_host",
]
