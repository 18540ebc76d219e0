"""Facts of Telnyx's API that more than one resource, and the emulator, rely on. Constants only: each one's source
is in docs/telnyx-api.md."""

from __future__ import annotations

TRACKS = ("both_tracks", "inbound_track", "outbound_track")
"""Which media a SIPREC session forks to the SRS."""
SIP_TRANSPORTS = ("udp", "tcp", "tls")
"""Transports Telnyx's SIPREC client can use to reach an SRS."""
SECURE_PORT = 5061
"""The SRS port a connector must have for sessions with `secure` (SRTP and TLS)."""
SESSION_TIMEOUT_DISABLED = 0
SESSION_TIMEOUT_RANGE = (90, 14440)
"""`Session-Expires` seconds: 0 disables the session timer, else 90 up to 14440. The minimum and the 0 are in the
spec (SessionTimeoutSecs), the maximum only in the `<Siprec>` verb doc (docs/telnyx-api.md section 5)."""
CALLBACK_METHODS = ("GET", "POST")
"""HTTP methods a TeXML status callback (or instructions URL) may be fetched with."""
LIVE_CALL_STATUSES = frozenset({"ringing", "in-progress"})
ENDED_CALL_STATUSES = frozenset({"completed", "canceled", "failed", "busy", "no-answer"})
"""A TeXML call in one of these has ended, and its SIPREC sessions with it."""

# Call Control (docs/telnyx-api.md section 10). Shared by the client, the resources and the emulator.

CALL_ENDED_CODE = "90018"
"""A Call Control command on a call that has ended: 422 `Call has already ended`."""
INVALID_CALL_CONTROL_ID_CODE = "90015"
"""A Call Control command or status read naming no call Telnyx knows (or one ended long ago): 422, pointer
`/call_control_id`."""
NOT_ANSWERED_CODE = "90034"
"""A Call Control command a call cannot take before it is answered (a SIPREC start on a ringing call): 422."""
DIAL_TIMEOUT_RANGE = (5, 600)
"""`timeout_secs` of a Dial: how long it rings, in seconds (default 30)."""
CALL_TIME_LIMIT_RANGE = (30, 14400)
"""`time_limit_secs` of a Dial: the longest a call lasts once answered, in seconds (default 14400)."""
