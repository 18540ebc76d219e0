"""The SiprecSession spec: inputs (the start request's form fields), outputs, rules and docs."""

from __future__ import annotations

from ...telnyx_api import (
    CALLBACK_METHODS,
    SESSION_TIMEOUT_DISABLED,
    SESSION_TIMEOUT_RANGE,
    SIP_TRANSPORTS,
    TRACKS,
)
from ...validation import Field, FieldSet, Kind
from ...validation.rules import http_url, non_empty, one_of, upper_case, url_path_id, whole_number_in
from ..spec import OutputField, ResourceSpec
from ..texml import ACCOUNT_SID_FIELD

SESSION_TIMEOUT_RULE = whole_number_in(SESSION_TIMEOUT_DISABLED, SESSION_TIMEOUT_RANGE)

SPEC = ResourceSpec(
    name="SiprecSession",
    module_name="siprec_session",
    description=(
        "A Telnyx SIPREC session on a live TeXML call: `pulumi up` starts it, forking the call's media to your "
        "Session Recording Server; `pulumi destroy` stops it.\n\n"
        "Any change of input replaces the session, the new one first: for compliance recording a gap is the "
        "failure that matters, and two forks of a call for a moment are harmless. No API reads a session back, so "
        "`pulumi refresh` asks about its call instead: once the call has ended, the session leaves the state. "
        "Inputs are checked at preview, with no API key needed.\n\n"
        "If the new session cannot start, the old one keeps recording and stays in the state. To stop the old "
        "session before starting the new one (accepting a gap, e.g. when Telnyx refuses a second session on the "
        "call), set the resource option `deleteBeforeReplace`. A start the SRS refuses fails `up`, naming the "
        "connector and the SIP answer."
    ),
    inputs=FieldSet(
        resource="SiprecSession",
        fields=(
            ACCOUNT_SID_FIELD,
            Field(
                "call_sid", Kind.STRING, required=True, rules=(url_path_id,),
                doc="Id of the live TeXML call to record, e.g. `v3:9X2vx...` or a `TexmlCall`'s `call_sid`; same "
                    "rule as `account_sid`. Once that call has ended, `up` fails with \"call ... has ended\": point "
                    "`call_sid` at a live call.",
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
                doc="Send custom parameters as `recording.session.ExtensionParameters` metadata instead of SIP "
                    "headers.",
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
    ),
    # Copied from the start answer (docs/telnyx-api.md section 5). Types from the spec and telnyx-python's
    # `siprec_siprec_sid_json_response.py`, where every one is an optional string; `error_code` included.
    outputs=(
        OutputField("sid", Kind.STRING, "The session's id (a UUID); also the resource id. Needed to stop the session."),
        OutputField("status", Kind.STRING, "`in-progress` when started; `stopped` once stopped."),
        OutputField("start_time", Kind.STRING, "When the session started, as Telnyx reports it (RFC 2822 date)."),
        OutputField("date_created", Kind.STRING, "When Telnyx created the session (RFC 2822 date)."),
        OutputField("date_updated", Kind.STRING, "When Telnyx last updated the session (RFC 2822 date)."),
        OutputField("uri", Kind.STRING, "The session's API URI."),
        OutputField("error_code", Kind.STRING, "Telnyx's error code for the session, if any (usually absent)."),
    ),
    id_property="sid",
    operations_path="pulumi_telnyx_siprec.resources.siprec_session.operations:SessionOperations",
    filled_in=frozenset({"account_sid"}),
)
