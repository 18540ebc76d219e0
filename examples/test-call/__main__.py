"""Test-call stack: place a test call, fork it over SIPREC to the recording server under test, and hang it up.

`pulumi up` creates a SIPREC connector for the SRS, places a TeXML call (and waits until it is answered), and starts a
SIPREC session on it; `pulumi refresh` notices when the call has ended (the call and its session leave the state)
or when the connector was changed in the portal; `pulumi destroy` stops the session, hangs up and deletes the
connector. Nothing comes from outside the stack: the call's sid flows from the call to the session.

Config (see Pulumi.yaml): `connectionId` (required), `to`, `from`, `connectorName`, `srsHost`, `srsPort`, `track`,
`sipTransport`, `secure`, `metadataHeaders`, `testRun`, and optionally `statusCallback`.
"""

import pulumi

from pulumi_telnyx_siprec import SiprecConnector, SiprecSession, TexmlCall

config = pulumi.Config()
secure = config.require_bool("secure")
port = config.require_int("srsPort")
if secure and port != 5061:
    raise ValueError(f"secure sessions need the connector's port to be 5061: set srsPort to 5061 (it is {port})")

connector = SiprecConnector("srs", name=config.require("connectorName"), host=config.require("srsHost"), port=port)

call = TexmlCall(
    "test-call",
    connection_id=config.require("connectionId"),
    to=config.require("to"),
    from_=config.require("from"),
    # Keeps the call up for the recording; destroy hangs up long before.
    texml='<Response><Say>SIPREC test call.</Say><Pause length="600"/></Response>',
    custom_headers={"X-Test-Run": config.require("testRun")},
    time_limit=900,
)

session = SiprecSession(
    "recording",
    account_sid=call.account_sid,
    call_sid=call.call_sid,
    connector_name=connector.name,
    track=config.require("track"),
    sip_transport=config.require("sipTransport"),
    secure=secure,
    include_metadata_custom_headers=config.require_bool("metadataHeaders"),
    status_callback=config.get("statusCallback"),
)

pulumi.export("connector", pulumi.Output.concat(connector.name, " -> ", connector.host, ":",
                                                connector.port.apply(str)))
pulumi.export("call_sid", call.call_sid)
pulumi.export("call_status", call.status)
pulumi.export("session_sid", session.sid)
pulumi.export("session_status", session.status)
