"""The TexmlCall spec: a test call placed with the connection-scoped TeXML create.

Fields and limits as docs/telnyx-api.md section 1 records them: `To`, `From`, `Url`, `UrlMethod`, `StatusCallback*`
and `CallerId` from the connection-scoped create's own schema; `Texml` as seen working there (telnyx-node #459);
`Timeout`, `TimeLimit` and `CustomHeaders` as the account-scoped create documents them.
"""

from __future__ import annotations

from ...telnyx_api import CALLBACK_METHODS
from ...validation import Field, FieldSet, Kind
from ...validation.rules import (
    header_map,
    http_url,
    max_length,
    non_empty,
    one_of,
    phone_or_sip_uri,
    space_separated,
    upper_case,
    url_path_id,
    whole_number_in,
)
from ..spec import OutputField, ResourceSpec
from ..texml import ACCOUNT_SID_FIELD

CALL_EVENTS = ("initiated", "ringing", "answered", "completed")
DEFAULT_RING_SECONDS = 30
"""Telnyx's default `Timeout` (docs/telnyx-api.md section 1b)."""
RING_MARGIN_SECONDS = 15
"""How much longer than the call's ring `timeout` an `up` waits for an answer before giving up."""

SPEC = ResourceSpec(
    name="TexmlCall",
    module_name="texml_call",
    description=(
        "An outbound TeXML call: `pulumi up` places it (and waits until it is answered), `pulumi destroy` hangs it "
        "up, `pulumi refresh` drops it once it has ended. Any change of input places a new call.\n\n"
        "Give its `call_sid` to a `SiprecSession` to record it. The create is never repeated: a lost answer fails, "
        "saying how to find and hang up the call it may have placed. Preview works with its `call_sid` still "
        "unknown. Once the call has ended, `pulumi refresh` drops it, and the sessions on it leave the state with it."
    ),
    inputs=FieldSet(
        resource="TexmlCall",
        fields=(
            Field(
                "connection_id", Kind.STRING, required=True, rules=(url_path_id,),
                doc="Id of the TeXML application (connection) that places the call: "
                    "`POST /texml/calls/{connection_id}`.",
            ),
            ACCOUNT_SID_FIELD,
            Field(
                "to", Kind.STRING, wire_key="To", required=True, rules=(phone_or_sip_uri,),
                doc="Who is called: an E.164 number (`+15551230001`) or a SIP URI.",
            ),
            Field(
                "from_", Kind.STRING, wire_key="From", required=True, rules=(phone_or_sip_uri,),
                doc="The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `From`.",
            ),
            Field(
                "url", Kind.STRING, wire_key="Url", rules=(http_url,), excludes="texml",
                doc="URL of the TeXML instructions the call runs once answered (or give `texml`).",
            ),
            Field(
                "url_method", Kind.STRING, wire_key="UrlMethod", requires="url", normalise=upper_case,
                rules=(one_of(*CALLBACK_METHODS),), choices=CALLBACK_METHODS,
                doc="HTTP method for `url` (Telnyx's default: POST); only with `url`.",
            ),
            Field(
                "texml", Kind.STRING, wire_key="Texml", rules=(non_empty,),
                doc="The TeXML instructions themselves, e.g. `<Response><Pause length=\"60\"/></Response>`.",
            ),
            Field(
                "custom_headers", Kind.STRING_MAP, wire_key="CustomHeaders", rules=(header_map,),
                doc="SIP headers the call carries, name to value (e.g. `{\"X-Test-Run\": \"42\"}`); a SIPREC session "
                    "on the call passes them to the SRS (as metadata with `include_metadata_custom_headers`).",
            ),
            Field(
                "timeout", Kind.INTEGER, wire_key="Timeout", rules=(whole_number_in((5, 120)),),
                doc=f"Seconds to let the call ring before giving up, 5..120 (Telnyx's default: "
                    f"{DEFAULT_RING_SECONDS}).",
            ),
            Field(
                "time_limit", Kind.INTEGER, wire_key="TimeLimit", rules=(whole_number_in((30, 14400)),),
                doc="Longest the call may last, in seconds, 30..14400 (Telnyx's default: 14400).",
            ),
            Field(
                "caller_id", Kind.STRING, wire_key="CallerId", rules=(non_empty, max_length(128)),
                doc="Caller name shown to the called party, at most 128 characters.",
            ),
            Field(
                "status_callback", Kind.STRING, wire_key="StatusCallback", rules=(http_url,),
                doc="Absolute http(s) URL that receives the call's status events.",
            ),
            Field(
                "status_callback_method", Kind.STRING, wire_key="StatusCallbackMethod", requires="status_callback",
                normalise=upper_case, rules=(one_of(*CALLBACK_METHODS),), choices=CALLBACK_METHODS,
                doc="HTTP method for `status_callback` (Telnyx's default: POST); only with `status_callback`.",
            ),
            Field(
                "status_callback_event", Kind.STRING, wire_key="StatusCallbackEvent", requires="status_callback",
                rules=(space_separated(*CALL_EVENTS),), choices=CALL_EVENTS,
                doc="Which events go to `status_callback`, space separated (Telnyx's default: `completed`).",
            ),
            Field(
                "wait_until_answered", Kind.BOOLEAN, default=True,
                doc="`up` waits until the call is answered (and fails if it is busy, unanswered or fails), so that "
                    "resources using `call_sid` find a live call; false returns as soon as the call is queued. A call "
                    f"still ringing `timeout` + {RING_MARGIN_SECONDS} s later is hung up and fails `up`.",
            ),
        ),
    ),
    outputs=(
        OutputField("call_sid", Kind.STRING,
                    "The call's id (`v3:...`); also the resource id. Pass it to a `SiprecSession`'s `call_sid`."),
        OutputField("status", Kind.STRING,
                    "The call's status when last read: `queued` when placed, `in-progress` once answered."),
        OutputField("placed_at", Kind.STRING,
                    "When the provider placed the call (RFC 2822, this machine's clock); a refresh soon after retries "
                    "a call not visible yet, as Telnyx's call fetch is eventually consistent.", always_set=True),
        OutputField("start_time", Kind.STRING,
                    "When the call started, as Telnyx reports it (RFC 2822), once read back."),
    ),
    id_property="call_sid",
    operations_path="pulumi_telnyx_siprec.resources.texml_call.operations:CallOperations",
    filled_in=frozenset({"account_sid"}),
)
