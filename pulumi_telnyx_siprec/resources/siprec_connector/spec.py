"""The SiprecConnector spec: inputs (the JSON API's fields), outputs, rules and docs."""

from __future__ import annotations

from ...telnyx_api import SECURE_PORT
from ...validation import Field, FieldSet, Kind
from ...validation.rules import host_name, non_empty, url_path_id, whole_number_in
from ..spec import OutputField, ResourceSpec

SPEC = ResourceSpec(
    name="SiprecConnector",
    module_name="siprec_connector",
    description=(
        "A Telnyx SIPREC connector: where the sessions that name it send their media (your Session Recording "
        "Server).\n\n"
        "A new `name` replaces it, the new connector created before the old one is deleted, so sessions can move; "
        "`host`, `port` and `app_subdomain` change in place. A create that finds a connector of the same name with "
        "exactly these settings adopts it (an interrupted `up` may have created it); `destroy` then deletes it. "
        "`pulumi refresh` reads it back "
        "from Telnyx, so changes made in the portal show up, and a connector deleted there leaves the state."
    ),
    inputs=FieldSet(
        resource="SiprecConnector",
        fields=(
            Field(
                "name", Kind.STRING, wire_key="name", required=True, rules=(url_path_id,),
                doc="The connector's name, unique in the account; also the resource id. Changing it replaces the "
                    "connector. No `/`, `?`, `#`, whitespace or control characters.",
            ),
            Field(
                "host", Kind.STRING, wire_key="host", required=True, rules=(host_name,),
                doc="Host name or IPv4 address of your Session Recording Server (no scheme, no port).",
            ),
            Field(
                "port", Kind.INTEGER, wire_key="port", required=True, rules=(whole_number_in((1, 65535)),),
                doc=f"SIP port of the SRS, 1..65535; {SECURE_PORT} for sessions with `secure=True`.",
            ),
            Field(
                "app_subdomain", Kind.STRING, wire_key="app_subdomain", rules=(non_empty,),
                doc="Optional application subdomain. It cannot be cleared through the API: removing it from the "
                    "program leaves the connector's value as it is (and is not shown as a change); clear it in the "
                    "portal, or give the connector a new `name`.",
            ),
        ),
    ),
    # From the `data` of Telnyx's answers (docs/telnyx-api.md section 6), read leniently.
    outputs=(
        OutputField("record_type", Kind.STRING, "Always `siprec_connector`."),
        OutputField("created_at", Kind.STRING, "When Telnyx created the connector (ISO 8601)."),
        OutputField("updated_at", Kind.STRING, "When Telnyx last changed the connector (ISO 8601)."),
    ),
    id_property="name",
    operations_path="pulumi_telnyx_siprec.resources.siprec_connector.operations:ConnectorOperations",
    replaced_on=frozenset({"name"}),
    # The API documents no way to clear `app_subdomain` (an optional, non-nullable string in the spec and SDKs;
    # docs/telnyx-api.md section 6): a program that drops it leaves the connector's value as it is.
    kept_when_absent=frozenset({"app_subdomain"}),
)
