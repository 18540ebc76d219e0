"""`pulumi-resource-siprec-noop`: a provider plugin that does nothing, the floor for YAML stacks of SiprecSessions.

YAML cannot declare a resource that needs no plugin and is created and deleted like one (the engine's
`pulumi:index:Stash` is unknown to pulumi-yaml 1.25; a StackReference is a read), so the floor is this plugin:
Python on `pulumi.provider.experimental`, served by the SDK's own gRPC server and started the same way as
`pulumi-resource-telnyx-siprec`, with the same properties. Only the provider's work differs.

"The same properties" includes what the engine stores: a real session's state holds the four defaults its check
fills in and the six outputs Telnyx answers with, and the engine writes the whole state at every step, so a floor
with fewer properties would leave part of the engine's own cost on the real provider's side of the ratio. The
values are fixed samples of the same types and lengths; `tests/test_benchmark_floors.py` checks the names and types
against a real session's.
"""

from __future__ import annotations

import email.utils
import json
import sys
import uuid

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    GetSchemaRequest,
    GetSchemaResponse,
    Provider,
)
from pulumi.provider.experimental.server import main

PACKAGE = "siprec-noop"
VERSION = "0.0.1"
STRING = {"type": "string"}
DEFAULTS: dict[str, bool | float | str] = {"includeMetadataCustomHeaders": False, "secure": False,
                                           "sessionTimeoutSecs": 1800.0, "sipTransport": "udp"}
"""What a real session's check adds to the inputs the benchmark gives (numbers are floats on the wire)."""
INPUTS = {name: STRING for name in ("accountSid", "callSid", "connectorName", "track", "sipTransport")}
INPUTS.update({"includeMetadataCustomHeaders": {"type": "boolean"}, "secure": {"type": "boolean"},
               "sessionTimeoutSecs": {"type": "integer"}})
OUTPUTS = ("sid", "status", "dateCreated", "dateUpdated", "startTime", "uri")
"""What a real session's create adds to its inputs: Telnyx's answer."""
URI_ROOT = "http://127.0.0.1:40000/v2/texml/Accounts"
"""As long as the emulator's base URL, which a real session's `uri` starts with."""
SCHEMA = {
    "name": PACKAGE,
    "version": VERSION,
    "resources": {
        f"{PACKAGE}:index:Session": {
            "inputProperties": INPUTS,
            "requiredInputs": ["callSid", "connectorName"],
            "properties": {**INPUTS, **dict.fromkeys(OUTPUTS, STRING)},
            "required": ["callSid", "connectorName", *OUTPUTS],
        },
    },
}


class NoopProvider(Provider):
    """Check fills in the defaults a session's check does; Diff is the SDK's; create and delete answer at once."""

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:  # noqa: ARG002
        return GetSchemaResponse(json.dumps(SCHEMA))

    async def check(self, request: CheckRequest) -> CheckResponse:
        defaults = {name: PropertyValue(value) for name, value in DEFAULTS.items()}
        return CheckResponse(inputs={**defaults, **request.new_inputs}, failures=[])

    async def create(self, request: CreateRequest) -> CreateResponse:
        props = request.properties
        if request.preview:
            return CreateResponse(None, {**props, **{name: PropertyValue.computed() for name in OUTPUTS}})
        sid = str(uuid.uuid4())
        now = PropertyValue(email.utils.formatdate(usegmt=True).replace("GMT", "+0000"))
        uri = f"{URI_ROOT}/{props['accountSid'].value}/Calls/{props['callSid'].value}/Siprec/{sid}"
        return CreateResponse(sid, {**props, "sid": PropertyValue(sid), "status": PropertyValue("in-progress"),
                                    "dateCreated": now, "dateUpdated": now, "startTime": now,
                                    "uri": PropertyValue(uri)})

    async def delete(self, request: DeleteRequest) -> None:  # noqa: ARG002
        return None


if __name__ == "__main__":
    main(sys.argv[1:], VERSION, NoopProvider())
