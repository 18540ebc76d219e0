"""The CallControlCall spec: a test call placed with the Call Control Dial (`POST /calls`, JSON).

Fields and limits as docs/telnyx-api.md section 10 records them (the spec's `CallRequest`, telnyx-python
`call_dial_params.py`): `connection_id`, `to` and `from` required; `timeout_secs` 5..600 (default 30);
`time_limit_secs` 30..14400 (default 14400); `custom_headers` a list of `{name, value}`; `from_display_name` at
most 128 characters; `webhook_url` where this call's webhooks go instead of the application's.
"""

from __future__ import annotations

from ...telnyx_api import CALL_TIME_LIMIT_RANGE, DIAL_TIMEOUT_RANGE
from ...validation import Field, FieldSet, Kind
from ...validation.rules import (
    header_map,
    http_url,
    max_length,
    non_empty,
    phone_or_sip_uri,
    url_path_id,
    whole_number_in,
)
from ..spec import OutputField, ResourceSpec

SPEC = ResourceSpec(
    name="CallControlCall",
    module_name="call_control_call",
    description=(
        "An outbound Call Control call (Dial): `pulumi up` places it (and waits until it is answered), "
        "`pulumi destroy` hangs it up, `pulumi refresh` drops it once it has ended. Any change of input places a "
        "new call.\n\n"
        "Give its `call_control_id` to a `CallControlSiprecSession` to record it. The dial is never repeated: when "
        "its answer is lost, the call is looked for among the application's active calls by the `client_state` the "
        "provider gave it, and kept if found; otherwise `up` fails, naming that `client_state` so the call can be "
        "found and hung up."
    ),
    inputs=FieldSet(
        resource="CallControlCall",
        fields=(
            Field(
                "connection_id", Kind.STRING, wire_key="connection_id", required=True, rules=(url_path_id,),
                doc="Id of the Call Control application (connection) that places the call.",
            ),
            Field(
                "to", Kind.STRING, wire_key="to", required=True, rules=(phone_or_sip_uri,),
                doc="Who is called: an E.164 number (`+15551230001`) or a SIP URI.",
            ),
            Field(
                "from_", Kind.STRING, wire_key="from", required=True, rules=(phone_or_sip_uri,),
                doc="The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `from`.",
            ),
            Field(
                "from_display_name", Kind.STRING, wire_key="from_display_name", rules=(non_empty, max_length(128)),
                doc="Caller name shown to the called party, at most 128 characters.",
            ),
            Field(
                "custom_headers", Kind.STRING_MAP, wire_key="custom_headers", rules=(header_map,),
                doc="SIP headers the call's INVITE carries, name to value (e.g. `{\"X-Test-Run\": \"42\"}`); a SIPREC "
                    "session on the call passes them to the SRS (as metadata with `include_metadata_custom_headers`).",
            ),
            Field(
                "timeout_secs", Kind.INTEGER, wire_key="timeout_secs", rules=(whole_number_in(DIAL_TIMEOUT_RANGE),),
                doc="Seconds to let the call ring before Telnyx gives up, 5..600 (Telnyx's default: 30).",
            ),
            Field(
                "time_limit_secs", Kind.INTEGER, wire_key="time_limit_secs",
                rules=(whole_number_in(CALL_TIME_LIMIT_RANGE),),
                doc="Longest the call may last once answered, in seconds, 30..14400 (Telnyx's default: 14400).",
            ),
            Field(
                "webhook_url", Kind.STRING, wire_key="webhook_url", rules=(http_url,),
                doc="Absolute http(s) URL that receives this call's webhooks (and its SIPREC sessions') instead of "
                    "the application's.",
            ),
            Field(
                "wait_until_answered", Kind.BOOLEAN, default=True,
                doc="`up` waits until the call is answered (and fails if it ends unanswered), so that resources using "
                    "`call_control_id` find a live call; false returns as soon as Telnyx took the dial.",
            ),
        ),
    ),
    outputs=(
        OutputField("call_control_id", Kind.STRING,
                    "The call's id (`v3:...`); also the resource id. Pass it to a `CallControlSiprecSession`."),
        OutputField("call_leg_id", Kind.STRING, "The call's leg id, as Telnyx answered the dial."),
        OutputField("call_session_id", Kind.STRING, "The call's session id, as Telnyx answered the dial."),
        OutputField("is_alive", Kind.BOOLEAN,
                    "Whether the call was alive when last read: false when just dialed, true once answered."),
        OutputField("start_time", Kind.STRING, "When the call started, as Telnyx reports it (ISO 8601), once read."),
        OutputField("client_state", Kind.STRING,
                    "The base64 marker the provider gave the dial (`pulumi-telnyx-siprec:<uuid>`): it finds the call "
                    "among the application's active calls when the dial's answer is lost.", always_set=True),
        OutputField("placed_at", Kind.STRING,
                    "When the provider placed the call (RFC 2822, this machine's clock).", always_set=True),
    ),
    id_property="call_control_id",
    operations_path="pulumi_telnyx_siprec.resources.call_control_call.operations:CallControlCallOperations",
)
