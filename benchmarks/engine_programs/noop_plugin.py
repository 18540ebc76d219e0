"""`pulumi-resource-siprec-noop`: a provider plugin that does nothing, the floor for YAML stacks of SiprecSessions.

YAML cannot declare a resource that needs no plugin and is created and deleted like one (the engine's
`pulumi:index:Stash` is unknown to pulumi-yaml 1.25; a StackReference is a read), so the floor is this plugin:
Python on `pulumi.provider.experimental`, served by the SDK's own gRPC server and started the same way as
`pulumi-resource-telnyx-siprec`, with the same properties. Only the provider's work differs.
"""

from __future__ import annotations

import json
import sys
import uuid

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
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
INPUTS = {name: STRING for name in ("accountSid", "callSid", "connectorName", "track")}
SCHEMA = {
    "name": PACKAGE,
    "version": VERSION,
    "resources": {
        f"{PACKAGE}:index:Session": {
            "inputProperties": INPUTS,
            "requiredInputs": ["callSid", "connectorName"],
            "properties": {**INPUTS, "sid": STRING, "status": STRING},
            "required": ["callSid", "connectorName", "sid", "status"],
        },
    },
}


class NoopProvider(Provider):
    """Check and Diff are the SDK's defaults (inputs accepted as given); create and delete answer at once."""

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:  # noqa: ARG002
        return GetSchemaResponse(json.dumps(SCHEMA))

    async def create(self, request: CreateRequest) -> CreateResponse:
        if request.preview:
            return CreateResponse(None, {**request.properties, "sid": PropertyValue.computed(),
                                         "status": PropertyValue.computed()})
        sid = str(uuid.uuid4())
        return CreateResponse(sid, {**request.properties, "sid": PropertyValue(sid),
                                    "status": PropertyValue("in-progress")})

    async def delete(self, request: DeleteRequest) -> None:  # noqa: ARG002
        return None


if __name__ == "__main__":
    main(sys.argv[1:], VERSION, NoopProvider())
