"""SiprecSession: the resource a Pulumi program declares to fork a live call's media to a recording server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .resource_base import args_from, documented_args, property_bag
from .session_provider import SiprecSessionProvider
from .session_schema import SESSION_OUTPUTS, SESSION_SCHEMA


@documented_args(SESSION_SCHEMA)
@dataclass(kw_only=True)
class SiprecSessionArgs:
    """Inputs of a `SiprecSession`; every one is also an output, as checked (defaults filled in)."""

    account_sid: pulumi.Input[str] | None = None
    call_sid: pulumi.Input[str]
    connector_name: pulumi.Input[str]
    name: pulumi.Input[str] | None = None
    track: pulumi.Input[str] | None = None
    include_metadata_custom_headers: pulumi.Input[bool] | None = None
    secure: pulumi.Input[bool] | None = None
    session_timeout_secs: pulumi.Input[int] | None = None
    sip_transport: pulumi.Input[str] | None = None
    status_callback: pulumi.Input[str] | None = None
    status_callback_method: pulumi.Input[str] | None = None


class SiprecSession(pulumi.dynamic.Resource, module="telnyx", name="SiprecSession"):
    """A Telnyx SIPREC session on a live TeXML call: `pulumi up` starts it, `pulumi destroy` stops it.

    Any change of input replaces the session, the new one first. Inputs are checked at preview, with no API key
    needed.
    """

    account_sid: pulumi.Output[str]
    call_sid: pulumi.Output[str]
    connector_name: pulumi.Output[str]
    name: pulumi.Output[str | None]
    track: pulumi.Output[str]
    include_metadata_custom_headers: pulumi.Output[bool]
    secure: pulumi.Output[bool]
    session_timeout_secs: pulumi.Output[int]
    sip_transport: pulumi.Output[str]
    status_callback: pulumi.Output[str | None]
    status_callback_method: pulumi.Output[str | None]
    sid: pulumi.Output[str]
    """The session's id; also the resource id."""
    status: pulumi.Output[str]
    """`in-progress` once started."""
    start_time: pulumi.Output[str | None]
    date_created: pulumi.Output[str | None]
    date_updated: pulumi.Output[str | None]
    uri: pulumi.Output[str | None]
    error_code: pulumi.Output[Any]

    def __init__(
        self,
        resource_name: str,
        args: SiprecSessionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a SIPREC session; pass a `SiprecSessionArgs` or the same keyword arguments."""
        resolved = args_from(SiprecSessionArgs, SESSION_SCHEMA, args, kwargs)
        super().__init__(
            SiprecSessionProvider(), resource_name, property_bag(resolved, tuple(SESSION_OUTPUTS)), opts
        )
