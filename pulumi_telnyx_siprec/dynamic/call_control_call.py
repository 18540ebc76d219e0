# Generated from the CallControlCall spec by `python -m tools.codegen --write`:
# edit pulumi_telnyx_siprec/resources/call_control_call/spec.py, then regenerate.
# tests/test_generated.py checks it.
"""CallControlCall: An outbound Call Control call (Dial): `pulumi up` places it (and waits until it is answered),
`pulumi destroy` hangs it up, `pulumi refresh` drops it once it has ended. Any change of input places a new call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ..resources.call_control_call.spec import SPEC
from .program import args_from, property_bag
from .provider import DynamicProvider

__all__ = ["CallControlCall", "CallControlCallArgs", "CallControlCallProvider"]


class CallControlCallProvider(DynamicProvider):
    """The dynamic provider of `CallControlCall`. Its module and class name are stored in the state of every
    `CallControlCall` (the pickled `__provider`): keep them importable.
    """

    spec = SPEC


@dataclass(kw_only=True)
class CallControlCallArgs:
    """Inputs of a `CallControlCall`; every one is also an output, as checked (defaults filled in).

    :param connection_id: (required) Id of the Call Control application (connection) that places the call.
    :param to: (required) Who is called: an E.164 number (`+15551230001`) or a SIP URI.
    :param from_: (required) The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `from`.
    :param from_display_name: (optional) Caller name shown to the called party, at most 128 characters.
    :param custom_headers: (optional) SIP headers the call's INVITE carries, name to value (e.g. `{"X-Test-Run":
        "42"}`); a SIPREC session on the call passes them to the SRS (as metadata with
        `include_metadata_custom_headers`).
    :param timeout_secs: (optional) Seconds to let the call ring before Telnyx gives up, 5..600 (Telnyx's default: 30).
    :param time_limit_secs: (optional) Longest the call may last once answered, in seconds, 30..14400 (Telnyx's default:
        14400).
    :param webhook_url: (optional) Absolute http(s) URL that receives this call's webhooks (and its SIPREC sessions')
        instead of the application's.
    :param wait_until_answered: (optional) `up` waits until the call is answered (and fails if it ends unanswered), so
        that resources using `call_control_id` find a live call; false returns as soon as Telnyx took the dial. Default:
        `true`.
    """

    connection_id: pulumi.Input[str]
    """Id of the Call Control application (connection) that places the call."""
    to: pulumi.Input[str]
    """Who is called: an E.164 number (`+15551230001`) or a SIP URI."""
    from_: pulumi.Input[str]
    """The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `from`."""
    from_display_name: pulumi.Input[str] | None = None
    """Caller name shown to the called party, at most 128 characters."""
    custom_headers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """SIP headers the call's INVITE carries, name to value (e.g. `{"X-Test-Run": "42"}`); a SIPREC session on the call
    passes them to the SRS (as metadata with `include_metadata_custom_headers`).
    """
    timeout_secs: pulumi.Input[int] | None = None
    """Seconds to let the call ring before Telnyx gives up, 5..600 (Telnyx's default: 30)."""
    time_limit_secs: pulumi.Input[int] | None = None
    """Longest the call may last once answered, in seconds, 30..14400 (Telnyx's default: 14400)."""
    webhook_url: pulumi.Input[str] | None = None
    """Absolute http(s) URL that receives this call's webhooks (and its SIPREC sessions') instead of the application's.
    """
    wait_until_answered: pulumi.Input[bool] | None = None
    """`up` waits until the call is answered (and fails if it ends unanswered), so that resources using
    `call_control_id` find a live call; false returns as soon as Telnyx took the dial. Default: `true`.
    """


class CallControlCall(pulumi.dynamic.Resource, module="telnyx", name="CallControlCall"):
    """An outbound Call Control call (Dial): `pulumi up` places it (and waits until it is answered), `pulumi destroy`
    hangs it up, `pulumi refresh` drops it once it has ended. Any change of input places a new call.

    Give its `call_control_id` to a `CallControlSiprecSession` to record it. The dial is never repeated: when its answer
    is lost, the call is looked for among the application's active calls by the `client_state` the provider gave it, and
    kept if found; otherwise `up` fails, naming that `client_state` so the call can be found and hung up.
    """

    connection_id: pulumi.Output[str]
    """Id of the Call Control application (connection) that places the call."""
    to: pulumi.Output[str]
    """Who is called: an E.164 number (`+15551230001`) or a SIP URI."""
    from_: pulumi.Output[str]
    """The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `from`."""
    from_display_name: pulumi.Output[str | None]
    """Caller name shown to the called party, at most 128 characters."""
    custom_headers: pulumi.Output[dict[str, str] | None]
    """SIP headers the call's INVITE carries, name to value (e.g. `{"X-Test-Run": "42"}`); a SIPREC session on the call
    passes them to the SRS (as metadata with `include_metadata_custom_headers`).
    """
    timeout_secs: pulumi.Output[int | None]
    """Seconds to let the call ring before Telnyx gives up, 5..600 (Telnyx's default: 30)."""
    time_limit_secs: pulumi.Output[int | None]
    """Longest the call may last once answered, in seconds, 30..14400 (Telnyx's default: 14400)."""
    webhook_url: pulumi.Output[str | None]
    """Absolute http(s) URL that receives this call's webhooks (and its SIPREC sessions') instead of the application's.
    """
    wait_until_answered: pulumi.Output[bool]
    """`up` waits until the call is answered (and fails if it ends unanswered), so that resources using
    `call_control_id` find a live call; false returns as soon as Telnyx took the dial. Default: `true`.
    """
    call_control_id: pulumi.Output[str]
    """The call's id (`v3:...`); also the resource id. Pass it to a `CallControlSiprecSession`."""
    call_leg_id: pulumi.Output[str | None]
    """The call's leg id, as Telnyx answered the dial."""
    call_session_id: pulumi.Output[str | None]
    """The call's session id, as Telnyx answered the dial."""
    is_alive: pulumi.Output[bool | None]
    """Whether the call was alive when last read: false when just dialed, true once answered."""
    start_time: pulumi.Output[str | None]
    """When the call started, as Telnyx reports it (ISO 8601), once read."""
    client_state: pulumi.Output[str]
    """The base64 marker the provider gave the dial (`pulumi-telnyx-siprec:<uuid>`): it finds the call among the
    application's active calls when the dial's answer is lost.
    """
    placed_at: pulumi.Output[str]
    """When the provider placed the call (RFC 2822, this machine's clock)."""

    def __init__(
        self,
        resource_name: str,
        args: CallControlCallArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a `CallControlCall`; pass a `CallControlCallArgs` or the same keyword arguments."""
        resolved = args_from(CallControlCallArgs, SPEC, args, kwargs)
        super().__init__(CallControlCallProvider(), resource_name, property_bag(SPEC, resolved), opts)
