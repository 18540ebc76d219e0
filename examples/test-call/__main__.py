"""Test-call stack: a SIPREC connector for the recording server under test, and a session that forks a test call
to it. `pulumi up` sets both up, `pulumi refresh` notices when the call has ended (the session leaves the state)
or when the connector was changed in the portal, and `pulumi destroy` tears both down.

Config (see Pulumi.yaml): `callSid` (required), `accountSid`, `connectorName`, `srsHost`, `srsPort`, `secure`,
and optionally `statusCallback`, a URL that receives the session's events.
"""

import pulumi

from pulumi_telnyx_siprec import SiprecConnector, SiprecConnectorArgs, SiprecSession, SiprecSessionArgs

config = pulumi.Config()
secure = config.require_bool("secure")
port = config.require_int("srsPort")
if secure and port != 5061:
    raise ValueError(f"secure sessions need the connector's port to be 5061: set srsPort to 5061 (it is {port})")

connector = SiprecConnector(
    "srs",
    SiprecConnectorArgs(name=config.require("connectorName"), host=config.require("srsHost"), port=port),
)

session = SiprecSession(
    "recording",
    SiprecSessionArgs(
        account_sid=config.require("accountSid"),
        call_sid=config.require("callSid"),
        connector_name=connector.name,
        secure=secure,
        sip_transport="tls" if secure else "udp",
        status_callback=config.get("statusCallback"),
    ),
)

pulumi.export("connector_name", connector.name)
pulumi.export("connector_host", connector.host)
pulumi.export("session_sid", session.sid)
pulumi.export("session_status", session.status)
