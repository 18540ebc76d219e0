"""A session whose replacement order the stack config chooses (`deleteBeforeReplace`), for the replacement tests."""

import pulumi

from pulumi_telnyx_siprec import SiprecSession

config = pulumi.Config()
gap_accepted = config.get_bool("deleteBeforeReplace") or False
session = SiprecSession(
    "recording",
    account_sid="acct-1",
    call_sid=config.require("callSid"),
    connector_name="srs",
    status_callback=config.get("statusCallback"),
    opts=pulumi.ResourceOptions(delete_before_replace=True) if gap_accepted else None,
)
pulumi.export("sid", session.sid)
