"""The quickstart on the native classes (served by the provider plugin), for the engine tests.

Config: `callSid`, `track`, optionally `accountSid`; `placeCall` adds a TexmlCall whose `call_sid` (unknown until
it is placed) a second session records; `secondBaseUrl`, `secondApiKey` (secret) and `secondCallSid` add a session
served by an explicit `Provider` talking to a second API.
"""

import pulumi

from pulumi_telnyx_siprec.native import Provider, SiprecSession, SiprecSessionArgs, TexmlCall

config = pulumi.Config()
session = SiprecSession("recording", SiprecSessionArgs(
    account_sid=config.get("accountSid") or None,
    call_sid=config.require("callSid"),
    connector_name="my-srs",
    track=config.get("track") or "both_tracks",
))
pulumi.export("sid", session.sid)
pulumi.export("call_sid", session.call_sid)
pulumi.export("account_sid", session.account_sid)
pulumi.export("start_time", session.start_time)

if config.get_bool("placeCall"):
    call = TexmlCall("call", connection_id="1773070540731319841", to="+15550100002", from_="+15550100001",
                     texml="<Response><Pause length=\"60\"/></Response>")
    on_call = SiprecSession("on-call", call_sid=call.call_sid, connector_name="my-srs")
    pulumi.export("placed_call_sid", call.call_sid)

second_url = config.get("secondBaseUrl")
if second_url:
    second = Provider("second", base_url=second_url, api_key=config.require_secret("secondApiKey"), max_concurrency=8)
    other = SiprecSession("second-recording", call_sid=config.require("secondCallSid"), connector_name="srs-2",
                          opts=pulumi.ResourceOptions(provider=second))
    pulumi.export("second_sid", other.sid)
