"""Quickstart: fork a live call's media to a Session Recording Server while this stack is up.

Config (see Pulumi.yaml): `callSid` (required), `accountSid` (looked up when empty), `connectorName`, `track`, and
optionally `statusCallback`, a URL that receives the session's events. The provider reads `telnyx:baseUrl` and
`telnyx:apiKey`.
"""

import pulumi

from pulumi_telnyx_siprec import SiprecSession, SiprecSessionArgs

config = pulumi.Config()

session = SiprecSession(
    "recording",
    SiprecSessionArgs(
        account_sid=config.get("accountSid") or None,
        call_sid=config.require("callSid"),
        connector_name=config.require("connectorName"),
        track=config.require("track"),
        status_callback=config.get("statusCallback"),
    ),
)

pulumi.export("sid", session.sid)
pulumi.export("status", session.status)
pulumi.export("account_sid", session.account_sid)
