"""A dynamic resource that does nothing: the engine's own floor for N dynamic resources.

It lives in an importable module (not the program's `__main__`) so that dill pickles its provider by reference,
as it pickles `SiprecSessionProvider`: the `__provider` each resource carries is then as short as a session's, and
the provider server imports this module (the benchmark puts this folder on PYTHONPATH).
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
import pulumi.dynamic


class NoopProvider(pulumi.dynamic.ResourceProvider):
    """Accepts every input and answers at once, with no network."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        return pulumi.dynamic.CheckResult(news, [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        return pulumi.dynamic.DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        sid = str(uuid.uuid4())
        return pulumi.dynamic.CreateResult(sid, {**props, "sid": sid, "status": "in-progress"})

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        return pulumi.dynamic.ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class NoopSession(pulumi.dynamic.Resource, module="bench", name="NoopSession"):
    """Takes a SiprecSession's keyword arguments and has its `sid` and `status` outputs."""

    sid: pulumi.Output[str]
    status: pulumi.Output[str]

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **inputs: Any) -> None:
        super().__init__(NoopProvider(), resource_name, {**inputs, "sid": None, "status": None}, opts)
