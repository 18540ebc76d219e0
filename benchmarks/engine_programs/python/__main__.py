"""N resources of one kind, every one on the same call: SiprecSessions of either Python family, or no-op resources of
the same shape served the same way (a no-op dynamic resource, or a no-op plugin's resource).

The kinds share this program, their inputs and their stack config, so that only the provider's work differs.
"""

import pulumi
from benchmark_noop import NativeNoopSession, NoopSession  # type: ignore[import-not-found]  # beside this program

from pulumi_telnyx_siprec import SiprecSession
from pulumi_telnyx_siprec.native import SiprecSession as NativeSiprecSession

ACCOUNT = "61bf923e-5e4d-4595-a110-56190ea18a1b"

config = pulumi.Config()
count = config.require_int("count")
kind = config.require("kind")
resource = {"siprec": SiprecSession, "noop": NoopSession, "native": NativeSiprecSession,
            "native-noop": NativeNoopSession}[kind]
for index in range(count):
    resource(f"session-{index}", account_sid=ACCOUNT, call_sid=config.require("callSid"), connector_name="my-srs",
             track="both_tracks")
