"""The CallControlSiprecSession spec: inputs (the `siprec_start` command's JSON fields), outputs, rules and docs.

Fields, defaults and limits as docs/telnyx-api.md section 10 records them: the spec's `StartSiprecRequest`,
telnyx-python `action_start_siprec_params.py`, and the defaults of telnyx-go's older `model_start_siprec_request.go`
(`udp`, `both_tracks`, 1800; none for `secure` or `include_metadata_custom_headers`, sent as false here as on the
TeXML side).
"""

from __future__ import annotations

from ...telnyx_api import SECURE_PORT, SESSION_TIMEOUT_DISABLED, SESSION_TIMEOUT_RANGE, SIP_TRANSPORTS, TRACKS
from ...validation import Field, FieldSet, Kind
from ...validation.rules import one_of, url_path_id, whole_number_in
from ..call_control import CALL_CONTROL_ID_FIELD, CLIENT_STATE_RULES
from ..spec import OutputField, ResourceSpec

SPEC = ResourceSpec(
    name="CallControlSiprecSession",
    module_name="call_control_siprec_session",
    description=(
        "A Telnyx SIPREC session on a live Call Control call: `pulumi up` sends `siprec_start`, forking the call's "
        "media to your Session Recording Server; `pulumi destroy` sends `siprec_stop`.\n\n"
        "Telnyx addresses a Call Control SIPREC session by its call alone (`siprec_stop` names no session), so the "
        "resource id is the call's `call_control_id`, a call has one session, and a change of input on the same call "
        "stops the old session before starting the new one (a short gap in the recording); moving to another call "
        "starts the new session first. `pulumi refresh` asks about the call: once it has ended, the session leaves "
        "the state. Inputs are checked at preview, with no API key needed."
    ),
    inputs=FieldSet(
        resource="CallControlSiprecSession",
        fields=(
            CALL_CONTROL_ID_FIELD,
            Field(
                "connector_name", Kind.STRING, wire_key="connector_name", rules=(url_path_id,),
                doc="Name of the SIPREC connector (your Session Recording Server) that receives the media. With "
                    "`secure`, the connector is read first and must have port 5061.",
            ),
            Field(
                "track", Kind.STRING, wire_key="siprec_track", default="both_tracks", rules=(one_of(*TRACKS),),
                choices=TRACKS, doc="Which media is forked to the SRS (wire key `siprec_track`).",
            ),
            Field(
                "include_metadata_custom_headers", Kind.BOOLEAN, wire_key="include_metadata_custom_headers",
                default=False,
                doc="Send the call's custom headers as `recording.session.ExtensionParameters` metadata instead of "
                    "SIP headers.",
            ),
            Field(
                "secure", Kind.BOOLEAN, wire_key="secure", default=False,
                doc=f"SRTP media and TLS signalling to the SRS; the connector's port must then be {SECURE_PORT}.",
            ),
            Field(
                "session_timeout_secs", Kind.INTEGER, wire_key="session_timeout_secs", default=1800,
                rules=(whole_number_in(SESSION_TIMEOUT_DISABLED, SESSION_TIMEOUT_RANGE),),
                doc="`Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half of it; 0 disables.",
            ),
            Field(
                "sip_transport", Kind.STRING, wire_key="sip_transport", default="udp",
                rules=(one_of(*SIP_TRANSPORTS),), choices=SIP_TRANSPORTS, doc="Transport to the SRS.",
            ),
            Field(
                "client_state", Kind.STRING, wire_key="client_state", rules=CLIENT_STATE_RULES,
                doc="Base64 text Telnyx puts in the `siprec.started`, `siprec.stopped` and `siprec.failed` webhooks "
                    "of this session, e.g. `cnVuLTQy` (`run-42`).",
            ),
        ),
    ),
    # The start answers only `{"data": {"result": "ok"}}`; the call's ids come from its status (`GET /calls/{id}`).
    outputs=(
        OutputField("result", Kind.STRING, "What Telnyx answered the start: `ok`."),
        OutputField("call_leg_id", Kind.STRING, "The call's leg id, from its status, where Telnyx gave it."),
        OutputField("call_session_id", Kind.STRING, "The call's session id, from its status, where Telnyx gave it."),
    ),
    id_property="call_control_id",
    operations_path=(
        "pulumi_telnyx_siprec.resources.call_control_siprec_session.operations:CallControlSessionOperations"
    ),
)
