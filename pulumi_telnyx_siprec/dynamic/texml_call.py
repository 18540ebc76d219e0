# Generated from the TexmlCall spec (pulumi_telnyx_siprec/resources/texml_call/spec.py) by
# `python -m tools.codegen --write`: edit the spec, then regenerate. tests/test_generated.py checks it.
"""TexmlCall: An outbound TeXML call: `pulumi up` places it (and waits until it is answered), `pulumi destroy` hangs it
up, `pulumi refresh` drops it once it has ended. Any change of input places a new call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ..resources.texml_call.spec import SPEC
from .program import args_from, dynamic_properties
from .provider import DynamicProvider

__all__ = ["TexmlCall", "TexmlCallArgs", "TexmlCallProvider"]


class TexmlCallProvider(DynamicProvider):
    """The dynamic provider of `TexmlCall`. Its module and class name are stored in the state of every `TexmlCall` (the
    pickled `__provider`): keep them importable.
    """

    spec = SPEC


@dataclass(kw_only=True)
class TexmlCallArgs:
    """Inputs of a `TexmlCall`; every one is also an output, as checked (defaults filled in).

    :param connection_id: (required) Id of the TeXML application (connection) that places the call: `POST
        /texml/calls/{connection_id}`.
    :param account_sid: (optional) Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters).
        Optional: when absent it is looked up once per provider process (`organization_id` of `GET /whoami`) and shown
        as an output.
    :param to: (required) Who is called: an E.164 number (`+15551230001`) or a SIP URI.
    :param from_: (required) The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `From`.
    :param url: (optional) URL of the TeXML instructions the call runs once answered (or give `texml`).
    :param url_method: (optional) HTTP method for `url` (Telnyx's default: POST); only with `url`. One of `GET`, `POST`.
    :param texml: (optional) The TeXML instructions themselves, e.g. `<Response><Pause length="60"/></Response>`.
    :param custom_headers: (optional) SIP headers the call carries, name to value (e.g. `{"X-Test-Run": "42"}`); a
        SIPREC session on the call passes them to the SRS (as metadata with `include_metadata_custom_headers`).
    :param timeout: (optional) Seconds to let the call ring before giving up, 5..120 (Telnyx's default: 30).
    :param time_limit: (optional) Longest the call may last, in seconds, 30..14400 (Telnyx's default: 14400).
    :param caller_id: (optional) Caller name shown to the called party, at most 128 characters.
    :param status_callback: (optional) Absolute http(s) URL that receives the call's status events.
    :param status_callback_method: (optional) HTTP method for `status_callback` (Telnyx's default: POST); only with
        `status_callback`. One of `GET`, `POST`.
    :param status_callback_event: (optional) Which events go to `status_callback`, space separated (Telnyx's default:
        `completed`). Any of `initiated`, `ringing`, `answered`, `completed`, separated by spaces.
    :param wait_until_answered: (optional) `up` waits until the call is answered (and fails if it is busy, unanswered or
        fails), so that resources using `call_sid` find a live call; false returns as soon as the call is queued. A call
        still ringing `timeout` + 15 s later is hung up and fails `up`. Default: `true`.
    """

    connection_id: pulumi.Input[str]
    """Id of the TeXML application (connection) that places the call: `POST /texml/calls/{connection_id}`."""
    account_sid: pulumi.Input[str] | None = None
    """Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters). Optional: when absent it is
    looked up once per provider process (`organization_id` of `GET /whoami`) and shown as an output.
    """
    to: pulumi.Input[str]
    """Who is called: an E.164 number (`+15551230001`) or a SIP URI."""
    from_: pulumi.Input[str]
    """The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `From`."""
    url: pulumi.Input[str] | None = None
    """URL of the TeXML instructions the call runs once answered (or give `texml`)."""
    url_method: pulumi.Input[str] | None = None
    """HTTP method for `url` (Telnyx's default: POST); only with `url`. One of `GET`, `POST`."""
    texml: pulumi.Input[str] | None = None
    """The TeXML instructions themselves, e.g. `<Response><Pause length="60"/></Response>`."""
    custom_headers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """SIP headers the call carries, name to value (e.g. `{"X-Test-Run": "42"}`); a SIPREC session on the call passes
    them to the SRS (as metadata with `include_metadata_custom_headers`).
    """
    timeout: pulumi.Input[int] | None = None
    """Seconds to let the call ring before giving up, 5..120 (Telnyx's default: 30)."""
    time_limit: pulumi.Input[int] | None = None
    """Longest the call may last, in seconds, 30..14400 (Telnyx's default: 14400)."""
    caller_id: pulumi.Input[str] | None = None
    """Caller name shown to the called party, at most 128 characters."""
    status_callback: pulumi.Input[str] | None = None
    """Absolute http(s) URL that receives the call's status events."""
    status_callback_method: pulumi.Input[str] | None = None
    """HTTP method for `status_callback` (Telnyx's default: POST); only with `status_callback`. One of `GET`, `POST`."""
    status_callback_event: pulumi.Input[str] | None = None
    """Which events go to `status_callback`, space separated (Telnyx's default: `completed`). Any of `initiated`,
    `ringing`, `answered`, `completed`, separated by spaces.
    """
    wait_until_answered: pulumi.Input[bool] | None = None
    """`up` waits until the call is answered (and fails if it is busy, unanswered or fails), so that resources using
    `call_sid` find a live call; false returns as soon as the call is queued. A call still ringing `timeout` + 15 s
    later is hung up and fails `up`. Default: `true`.
    """


class TexmlCall(pulumi.dynamic.Resource, module="telnyx", name="TexmlCall"):
    """An outbound TeXML call: `pulumi up` places it (and waits until it is answered), `pulumi destroy` hangs it up,
    `pulumi refresh` drops it once it has ended. Any change of input places a new call.

    Give its `call_sid` to a `SiprecSession` to record it. The create is never repeated: a lost answer fails, saying how
    to find and hang up the call it may have placed. Preview works with its `call_sid` still unknown. Once the call has
    ended, `pulumi refresh` drops it, and the sessions on it leave the state with it.
    """

    connection_id: pulumi.Output[str]
    """Id of the TeXML application (connection) that places the call: `POST /texml/calls/{connection_id}`."""
    account_sid: pulumi.Output[str]
    """Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters). Optional: when absent it is
    looked up once per provider process (`organization_id` of `GET /whoami`) and shown as an output.
    """
    to: pulumi.Output[str]
    """Who is called: an E.164 number (`+15551230001`) or a SIP URI."""
    from_: pulumi.Output[str]
    """The caller: one of your Telnyx numbers in E.164 form, or a SIP URI. Wire key `From`."""
    url: pulumi.Output[str | None]
    """URL of the TeXML instructions the call runs once answered (or give `texml`)."""
    url_method: pulumi.Output[str | None]
    """HTTP method for `url` (Telnyx's default: POST); only with `url`. One of `GET`, `POST`."""
    texml: pulumi.Output[str | None]
    """The TeXML instructions themselves, e.g. `<Response><Pause length="60"/></Response>`."""
    custom_headers: pulumi.Output[dict[str, str] | None]
    """SIP headers the call carries, name to value (e.g. `{"X-Test-Run": "42"}`); a SIPREC session on the call passes
    them to the SRS (as metadata with `include_metadata_custom_headers`).
    """
    timeout: pulumi.Output[int | None]
    """Seconds to let the call ring before giving up, 5..120 (Telnyx's default: 30)."""
    time_limit: pulumi.Output[int | None]
    """Longest the call may last, in seconds, 30..14400 (Telnyx's default: 14400)."""
    caller_id: pulumi.Output[str | None]
    """Caller name shown to the called party, at most 128 characters."""
    status_callback: pulumi.Output[str | None]
    """Absolute http(s) URL that receives the call's status events."""
    status_callback_method: pulumi.Output[str | None]
    """HTTP method for `status_callback` (Telnyx's default: POST); only with `status_callback`. One of `GET`, `POST`."""
    status_callback_event: pulumi.Output[str | None]
    """Which events go to `status_callback`, space separated (Telnyx's default: `completed`). Any of `initiated`,
    `ringing`, `answered`, `completed`, separated by spaces.
    """
    wait_until_answered: pulumi.Output[bool]
    """`up` waits until the call is answered (and fails if it is busy, unanswered or fails), so that resources using
    `call_sid` find a live call; false returns as soon as the call is queued. A call still ringing `timeout` + 15 s
    later is hung up and fails `up`. Default: `true`.
    """
    call_sid: pulumi.Output[str]
    """The call's id (`v3:...`); also the resource id. Pass it to a `SiprecSession`'s `call_sid`."""
    status: pulumi.Output[str | None]
    """The call's status when last read: `queued` when placed, `in-progress` once answered."""
    placed_at: pulumi.Output[str]
    """When the provider placed the call (RFC 2822, this machine's clock); a refresh soon after retries a call not
    visible yet, as Telnyx's call fetch is eventually consistent.
    """
    start_time: pulumi.Output[str | None]
    """When the call started, as Telnyx reports it (RFC 2822), once read back."""

    def __init__(
        self,
        resource_name: str,
        args: TexmlCallArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a `TexmlCall`; pass a `TexmlCallArgs` or the same keyword arguments."""
        resolved = args_from(TexmlCallArgs, SPEC, args, kwargs)
        # Registered as `pulumi.dynamic.Resource` would register it, from one constructor frame less: see
        # `dynamic/program.py`.
        props = dynamic_properties(TexmlCallProvider, SPEC, resolved)
        pulumi.CustomResource.__init__(self, SPEC.dynamic_token, resource_name, props, opts)
