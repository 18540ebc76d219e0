"""A test program whose second session takes the first one's sid, unknown until the first one exists."""

import pulumi

from pulumi_telnyx_siprec import SiprecSession

config = pulumi.Config()
first = SiprecSession("first", account_sid="acct", call_sid=config.require("callSid"), connector_name="srs-a")
second = SiprecSession("second", account_sid="acct", call_sid=config.require("otherCallSid"),
                       connector_name="srs-b", name=first.sid.apply(lambda sid: f"after-{sid}"))
pulumi.export("second_name", second.name)
