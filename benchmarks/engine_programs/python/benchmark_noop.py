"""Resources that do nothing, the engine's own floors for N SiprecSessions from Python: a no-op dynamic resource (the
dynamic family's floor), and a no-op plugin's resource declared as the native classes declare theirs (the native
family's floor).

It lives in an importable module (not the program's `__main__`) so that dill pickles its provider by reference,
as it pickles `SiprecSessionProvider`: the `__provider` each resource carries is then as short as a session's, and
the provider server imports this module (the benchmark puts this folder on PYTHONPATH).

Their state has a real session's properties: the defaults a session's check fills in and the outputs Telnyx answers
with, as fixed samples of the same types and lengths (the engine writes the whole state at every step, so fewer
properties would make the floor cheaper than the engine's cost for a session). `tests/test_benchmark_floors.py`
checks the names and types against a real session's.
"""

from __future__ import annotations

import email.utils
import uuid
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic.dynamic import serialize_provider

DEFAULTS = {"include_metadata_custom_headers": False, "secure": False, "session_timeout_secs": 1800,
            "sip_transport": "udp"}
"""What a session's check adds to the inputs the benchmark gives."""
OUTPUTS = ("sid", "status", "date_created", "date_updated", "start_time", "uri")
"""What a session's create adds to its inputs: Telnyx's answer."""
URI_ROOT = "http://127.0.0.1:40000/v2/texml/Accounts"
"""As long as the emulator's base URL, which a session's `uri` starts with."""


class NoopProvider(pulumi.dynamic.ResourceProvider):
    """Accepts every input, filling in a session's defaults, and answers at once, with no network."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult({**DEFAULTS, **news}, [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        return pulumi.dynamic.DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        sid = str(uuid.uuid4())
        now = email.utils.formatdate(usegmt=True).replace("GMT", "+0000")
        uri = f"{URI_ROOT}/{props['account_sid']}/Calls/{props['call_sid']}/Siprec/{sid}"
        return pulumi.dynamic.CreateResult(sid, {**props, "sid": sid, "status": "in-progress", "date_created": now,
                                                 "date_updated": now, "start_time": now, "uri": uri})

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        return pulumi.dynamic.ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class NoopSession(pulumi.dynamic.Resource, module="bench", name="NoopSession"):
    """Takes a SiprecSession's keyword arguments and has its outputs."""

    sid: pulumi.Output[str]
    status: pulumi.Output[str]

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> None:
        # Registered as the generated SiprecSession registers (see pulumi_telnyx_siprec/dynamic/program.py), so
        # that the state records the same frames for both.
        props = {**inputs, **dict.fromkeys(OUTPUTS), "__provider": PROVIDER}
        pulumi.CustomResource.__init__(self, "pulumi-python:dynamic/bench:NoopSession", resource_name, props, opts)


PROVIDER = serialize_provider(NoopProvider())


class NativeNoopSession(pulumi.CustomResource):
    """`siprec-noop:index:Session` of the no-op plugin (`engine_programs/noop_plugin.py`), declared as the native
    SiprecSession is: the same keyword arguments, sent under their camelCase names, and the same typed outputs."""

    sid: pulumi.Output[str] = pulumi.property("sid")
    status: pulumi.Output[str] = pulumi.property("status")

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> None:
        props = {camel(name): value for name, value in inputs.items()}
        super().__init__("siprec-noop:index:Session", resource_name, {**props, **dict.fromkeys(NATIVE_OUTPUTS)}, opts)


NATIVE_OUTPUTS = ("sid", "status", "dateCreated", "dateUpdated", "startTime", "uri")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
