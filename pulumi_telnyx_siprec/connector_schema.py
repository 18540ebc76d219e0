"""The SiprecConnector inputs and outputs: names, wire keys (the JSON API's), rules and what each one means."""

from __future__ import annotations

from .schema import Field, Kind, Schema, host_name, non_empty, path_segment, whole_number_in

SECURE_PORT = 5061
"""The SRS port a connector must have for sessions with `secure=True` (SRTP and TLS)."""

CONNECTOR_SCHEMA = Schema(
    resource="SiprecConnector",
    fields=(
        Field(
            "name", Kind.STRING, wire_key="name", required=True, rules=(path_segment,),
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
            doc="Optional application subdomain.",
        ),
    ),
)

CONNECTOR_OUTPUTS: dict[str, str] = {
    "record_type": "Always `siprec_connector`.",
    "created_at": "When Telnyx created the connector (ISO 8601).",
    "updated_at": "When Telnyx last changed the connector (ISO 8601).",
}
"""Output-only properties, from Telnyx's answers; inputs are outputs too, as checked."""

REPLACED_ON = frozenset({"name"})
"""Inputs whose change replaces the connector; the others are updated in place."""
