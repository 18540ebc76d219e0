"""Several sessions in one stack, one per call (`calls`, comma separated), for the engine tests."""

import pulumi

from pulumi_telnyx_siprec import SiprecSession

config = pulumi.Config()
sessions = [
    SiprecSession(f"recording-{index}", account_sid="acct-1", call_sid=call_sid, connector_name="srs",
                  track=("inbound_track", "outbound_track", "both_tracks")[index % 3])
    for index, call_sid in enumerate(config.require("calls").split(","))
]
pulumi.export("sids", [session.sid for session in sessions])
