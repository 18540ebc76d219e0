"""What one SIPREC session is asked to record (`RecordingRequest`), and the recording-session body that says so."""

from __future__ import annotations

from dataclasses import dataclass

from ..sip.message import host_in_uri
from ..sip.recording_body import check_custom_headers, forwarded_streams, multipart_body, rs_metadata

SIP_TRANSPORTS = ("udp", "tcp", "tls")


@dataclass(frozen=True, kw_only=True)
class RecordingRequest:
    """One SIPREC session to set up with an SRS: what Telnyx knows when a session starts."""

    session_sid: str
    call_sid: str
    caller: str
    """The recorded call's `From`: an E.164 number, a SIP user part, or a `sip:`/`sips:`/`tel:` URI."""
    callee: str
    """The recorded call's `To`, in the same forms."""
    srs_host: str
    srs_port: int
    track: str = "both_tracks"
    session_timeout_secs: int = 1800
    """`Session-Expires` of the INVITE (Telnyx's default); 0 sends none."""
    custom_headers: tuple[tuple[str, str], ...] = ()
    include_metadata_custom_headers: bool = False
    secure: bool = False
    """SRTP offer (`RTP/SAVP` + `a=crypto`), SRTP media, and TLS signalling whatever `transport` says, as Telnyx
    does ("encrypt media sent to your SRS using SRTP and TLS"). Needs pylibsrtp (the `srtp` extra): without it the
    session fails at once, saying how to install it."""
    transport: str = "udp"

    def __post_init__(self) -> None:
        forwarded_streams(self.track)
        if self.transport not in SIP_TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(SIP_TRANSPORTS)}, not {self.transport!r}")
        if not 0 < self.srs_port < 65536:
            raise ValueError(f"srs_port must be 1..65535, not {self.srs_port}")
        if self.session_timeout_secs < 0:
            raise ValueError("session_timeout_secs must be 0 (no Session-Expires) or more")
        check_custom_headers(self.custom_headers)
        for value in (self.session_sid, self.call_sid):
            if not value or any(ord(ch) < 0x20 for ch in value):
                raise ValueError("session_sid and call_sid must be non-empty text without control characters")

    @property
    def signalling(self) -> str:
        """The transport actually used: TLS when `secure`."""
        return "tls" if self.secure else self.transport

    def invite_body(self, sdp: str, local_address: str) -> tuple[str, bytes]:
        """The INVITE's Content-Type and body: the SDP offer and the recording metadata (RFC 7866 section 9.1)."""
        metadata = rs_metadata(session_sid=self.session_sid, call_sid=self.call_sid, caller=self.caller,
                               callee=self.callee, track=self.track, custom_headers=self.custom_headers,
                               include_custom_headers=self.include_metadata_custom_headers,
                               domain=local_address if ":" not in local_address else host_in_uri(local_address))
        return multipart_body(sdp, metadata)
