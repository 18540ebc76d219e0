"""Call Control test-call stack: dial a test call through a Call Control application, fork it over SIPREC to the
recording server under test, and hang it up.

`pulumi up` creates a SIPREC connector for the SRS, dials the call (and waits until it is answered), and starts a
SIPREC session on it (`siprec_start`); `pulumi refresh` notices when the call has ended (the call and its session
leave the state); `pulumi destroy` stops the session (`siprec_stop`), hangs up and deletes the connector. The call's
`call_control_id` flows from the call to the session.

Config (see Pulumi.yaml): `connectionId` (required), `to`, `from`, `connectorName`, `srsHost`, `srsPort`, `track`,
`sipTransport`, `secure`, `metadataHeaders`, `testRun`, and optionally `webhookUrl`.
"""

import base64

import pulumi

from pulumi_telnyx_siprec import CallControlCall, CallControlSiprecSession, SiprecConnector

config = pulumi.Config()
secure = config.require_bool("secure")
port = config.require_int("srsPort")
if secure and port != 5061:
    raise ValueError(f"secure sessions need the connector's port to be 5061: set srsPort to 5061 (it is {port})")
test_run = config.require("testRun")

connector = SiprecConnector("srs", name=config.require("connectorName"), host=config.require("srsHost"), port=port)

call = CallControlCall(
    "test-call",
    connection_id=config.require("connectionId"),
    to=config.require("to"),
    from_=config.require("from"),
    custom_headers={"X-Test-Run": test_run},
    time_limit_secs=900,  # destroy hangs up long before
    webhook_url=config.get("webhookUrl") or None,
)

session = CallControlSiprecSession(
    "recording",
    call_control_id=call.call_control_id,
    connector_name=connector.name,
    track=config.require("track"),
    sip_transport=config.require("sipTransport"),
    secure=secure,
    include_metadata_custom_headers=config.require_bool("metadataHeaders"),
    client_state=base64.b64encode(test_run.encode()).decode(),  # comes back in the siprec.* webhooks
)

pulumi.export("connector", pulumi.Output.concat(connector.name, " -> ", connector.host, ":",
                                                connector.port.apply(str)))
pulumi.export("call_control_id", call.call_control_id)
pulumi.export("call_is_alive", call.is_alive)
pulumi.export("session_result", session.result)
