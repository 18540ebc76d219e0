"""TexmlCall: the resource a Pulumi program declares to place a test call, record it, and hang it up on destroy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .call_provider import TexmlCallProvider
from .call_schema import CALL_OUTPUTS, CALL_SCHEMA
from .resource_base import args_from, documented_args, property_bag


@documented_args(CALL_SCHEMA)
@dataclass(kw_only=True)
class TexmlCallArgs:
    """Inputs of a `TexmlCall`; every one is also an output, as checked."""

    connection_id: pulumi.Input[str]
    account_sid: pulumi.Input[str] | None = None
    to: pulumi.Input[str]
    from_: pulumi.Input[str]
    url: pulumi.Input[str] | None = None
    url_method: pulumi.Input[str] | None = None
    texml: pulumi.Input[str] | None = None
    custom_headers: pulumi.Input[dict[str, pulumi.Input[str]]] | None = None
    timeout: pulumi.Input[int] | None = None
    time_limit: pulumi.Input[int] | None = None
    caller_id: pulumi.Input[str] | None = None
    status_callback: pulumi.Input[str] | None = None
    status_callback_method: pulumi.Input[str] | None = None
    status_callback_event: pulumi.Input[str] | None = None
    wait_until_answered: pulumi.Input[bool] | None = None


class TexmlCall(pulumi.dynamic.Resource, module="telnyx", name="TexmlCall"):
    """An outbound TeXML call: `pulumi up` places it (and waits until it is answered), `pulumi destroy` hangs it up,
    `pulumi refresh` drops it once it has ended. Any change of input places a new call.

    Give its `call_sid` to a `SiprecSession` to record it.
    """

    connection_id: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    to: pulumi.Output[str]
    from_: pulumi.Output[str]
    url: pulumi.Output[str | None]
    url_method: pulumi.Output[str | None]
    texml: pulumi.Output[str | None]
    custom_headers: pulumi.Output[dict[str, str] | None]
    timeout: pulumi.Output[int | None]
    time_limit: pulumi.Output[int | None]
    caller_id: pulumi.Output[str | None]
    status_callback: pulumi.Output[str | None]
    status_callback_method: pulumi.Output[str | None]
    status_callback_event: pulumi.Output[str | None]
    wait_until_answered: pulumi.Output[bool]
    call_sid: pulumi.Output[str]
    """The call's id; also the resource id."""
    status: pulumi.Output[str]
    placed_at: pulumi.Output[str]
    start_time: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: TexmlCallArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a test call; pass a `TexmlCallArgs` or the same keyword arguments (`from_` for `From`)."""
        resolved = args_from(TexmlCallArgs, CALL_SCHEMA, args, kwargs)
        super().__init__(TexmlCallProvider(), resource_name, property_bag(resolved, tuple(CALL_OUTPUTS)), opts)
