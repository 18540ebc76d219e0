"""N resources of one kind, every one on the same call: SiprecSessions, or no-op dynamic resources of the same shape.

The two kinds share this program, their inputs and their stack config, so that only the provider's work differs.
"""

import pulumi
from benchmark_noop import NoopSession  # type: ignore[import-not-found]  # beside this program, on its path

from pulumi_telnyx_siprec import SiprecSession

ACCOUNT = "61bf923e-5e4d-4595-a110-56190ea18a1b"

config = pulumi.Config()
count = config.require_int("count")
kind = config.require("kind")
resource = {"siprec": SiprecSession, "noop": NoopSession}[kind]
for index in range(count):
    resource(f"session-{index}", account_sid=ACCOUNT, call_sid=config.require("callSid"), connector_name="my-srs",
             track="both_tracks")
