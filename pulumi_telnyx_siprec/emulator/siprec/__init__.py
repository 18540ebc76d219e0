"""Telnyx's SIPREC client (SRC), played by the emulator: a recording-session INVITE to the SRS, RTP on 2xx, session
refreshes while it lives, BYE on stop.

    with SiprecUserAgent() as agent:
        handle = agent.start(RecordingRequest(session_sid=..., call_sid=..., caller="+15551230001",
                                              callee="+15551230002", srs_host="127.0.0.1", srs_port=5060))
        handle.wait_established(5)   # the SRS's final answer (or `timeout`)
        ...
        handle.stop()                # RTP stops, BYE goes out, its 200 is awaited briefly

Hostile SRSs: whatever an SRS sends, every thread of the user agent lives on, every session ends in a defined state
that says why, and what a session keeps of the SRS's messages is bounded (see `outcome`, `..sip.message`).

Standard library only, and pylibsrtp for a secure session's SRTP. Network rule (`addresses`): unless built with
`allow_any_host=True` (a user's own lab, explicitly), every SIP and RTP packet goes to loopback addresses only.

The modules, each with one job, in import order (each imports only those before it, and `..sip`):
- `addresses`: the loopback-only rule. `request`: what a session is asked to record, and its INVITE's body.
  `outcome`: what a session reports, and the bounds of what it keeps. `unexpected`: how a thread reports a bug and
  lives on. `transport`: where SIP messages travel (UDP endpoint, TCP/TLS links). `rtp`: tone frames and an RTP
  sender thread (with a send hook, where a secure session's SRTP protector plugs in).
- `transactions`: RFC 3261 client transactions and their timers. `progress`: a session's state machine and record.
- `dialog`: the SIP dialog and the requests it sends. `media`: the session's RTP sockets and senders.
- `refresh`: the RFC 4028 session timer's re-INVITEs.
- `session`: `SessionHandle`, which drives one session with the three above.
- `user_agent`: `SiprecUserAgent`, which starts sessions and routes incoming messages to them.

It imports nothing of the emulator but the wire format (`..sip`) and SRTP (`..srtp`, which loads pylibsrtp only when
a secure session needs it): the HTTP API (`..api`) never sees it, and the glue (`..recorder`) drives it.

Sources:
- RFC 7866 section 6.1.1: the SRC puts `siprec` in `Require` and the `+sip.src` feature tag on its Contact; section
  7.1.1 (SDP) and 9.1 (metadata) via `..sip.recording_body`; section 8: RTP per stream (`rtp`, `media`), SRTP
  (RFC 3711) keyed by SDES (RFC 4568, `..sip.sdes`) for a secure session.
- RFC 3261 (`transactions`, `dialog`), RFC 3581 (`rport`), RFC 4028 (`refresh`).
- Telnyx: https://developers.telnyx.com/docs/voice/programmable-voice/siprec-client and
  https://developers.telnyx.com/api-reference/call-commands/siprec-start (`sip_transport` udp/tcp/tls, `secure` means
  SRTP and TLS, `session_timeout_secs` sets Session-Expires and re-INVITEs every half of it, 0 disables;
  `include_metadata_custom_headers` false puts custom parameters in SIP headers).
"""

from .addresses import HostNotAllowedError, resolve_host
from .outcome import AnsweredMedia, Listener, SrcOutcome
from .request import SIP_TRANSPORTS, RecordingRequest
from .session import SessionHandle
from .transactions import TIMER_B
from .user_agent import SiprecUserAgent

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
