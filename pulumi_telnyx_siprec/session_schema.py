"""The SiprecSession inputs and outputs: names, wire keys, rules, defaults and what each one means."""

from __future__ import annotations

from .schema import Field, Kind, Schema, http_url, non_empty, one_of, path_segment, upper_case, whole_number_in

TRACKS = ("both_tracks", "inbound_track", "outbound_track")
LIVE_CALL_STATUSES = frozenset({"ringing", "in-progress"})
ENDED_CALL_STATUSES = frozenset({"completed", "canceled", "failed", "busy", "no-answer"})
"""A call in one of these has ended, and its SIPREC sessions with it."""
SIP_TRANSPORTS = ("udp", "tcp", "tls")
CALLBACK_METHODS = ("GET", "POST")
# 0, or 90 up to 14440: the minimum and the 0 are in the spec (SessionTimeoutSecs), the maximum only in the
# `<Siprec>` verb doc (docs/telnyx-api.md section 5).
SESSION_TIMEOUT_RULE = whole_number_in(0, (90, 14440))

ACCOUNT_SID_FIELD = Field(
    "account_sid", Kind.STRING, rules=(path_segment,),
    doc="Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters). Optional: when absent "
        "it is looked up once per provider process (`organization_id` of `GET /whoami`) and shown as an output.",
)

SESSION_SCHEMA = Schema(
    resource="SiprecSession",
    fields=(
        ACCOUNT_SID_FIELD,
        Field(
            "call_sid", Kind.STRING, required=True, rules=(path_segment,),
            doc="Id of the live TeXML call to record, e.g. `v3:9X2vx...` or a `TexmlCall`'s `call_sid`; same "
                "rule as `account_sid`.",
        ),
        Field(
            "connector_name", Kind.STRING, wire_key="ConnectorName", required=True, rules=(non_empty,),
            doc="Name of the SIPREC connector (your Session Recording Server) that receives the media.",
        ),
        Field(
            "name", Kind.STRING, wire_key="Name", rules=(non_empty,),
            doc="Session name; a TeXML `<Stop><Siprec name=\"...\"/></Stop>` can stop the session by it.",
        ),
        Field(
            "track", Kind.STRING, wire_key="Track", default="both_tracks", rules=(one_of(*TRACKS),),
            choices=TRACKS, doc="Which media is forked to the SRS.",
        ),
        Field(
            "include_metadata_custom_headers", Kind.BOOLEAN, wire_key="IncludeMetadataCustomHeaders",
            default=False,
            doc="Send custom parameters as `recording.session.ExtensionParameters` metadata instead of SIP headers.",
        ),
        Field(
            "secure", Kind.BOOLEAN, wire_key="Secure", default=False,
            doc="SRTP media and TLS signalling to the SRS; the connector's port must then be 5061.",
        ),
        Field(
            "session_timeout_secs", Kind.INTEGER, wire_key="SessionTimeoutSecs", default=1800,
            rules=(SESSION_TIMEOUT_RULE,),
            doc="`Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half of it; 0 disables.",
        ),
        Field(
            "sip_transport", Kind.STRING, wire_key="SipTransport", default="udp",
            rules=(one_of(*SIP_TRANSPORTS),), choices=SIP_TRANSPORTS, doc="Transport to the SRS.",
        ),
        Field(
            "status_callback", Kind.STRING, wire_key="StatusCallback", rules=(http_url,),
            doc="Absolute http(s) URL that receives `siprec-started`/`-stopped`/`-failed` events.",
        ),
        Field(
            "status_callback_method", Kind.STRING, wire_key="StatusCallbackMethod", default="POST",
            default_when="status_callback", requires="status_callback", normalise=upper_case,
            rules=(one_of(*CALLBACK_METHODS),), choices=CALLBACK_METHODS,
            doc="HTTP method for `status_callback` (any case; stored upper case); only with `status_callback`.",
        ),
    ),
)

SESSION_OUTPUTS: dict[str, str] = {
    "sid": "The session's id (a UUID); also the resource id. Needed to stop the session.",
    "status": "`in-progress` when started; `stopped` once stopped.",
    "start_time": "When the session started, as Telnyx reports it (RFC 2822 date).",
    "date_created": "When Telnyx created the session (RFC 2822 date).",
    "date_updated": "When Telnyx last updated the session (RFC 2822 date).",
    "uri": "The session's API URI.",
    "error_code": "Telnyx's error code for the session, if any (usually absent).",
}
"""Output-only properties, copied from the start answer; inputs are outputs too, as checked."""
