# Generated from the SiprecSession spec (pulumi_telnyx_siprec/resources/siprec_session/spec.py) by
# `python -m tools.codegen --write`: edit the spec, then regenerate. tests/test_generated.py checks it.
"""SiprecSession: A Telnyx SIPREC session on a live TeXML call: `pulumi up` starts it, forking the call's media to your
Session Recording Server; `pulumi destroy` stops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ..resources.siprec_session.spec import SPEC
from .program import args_from, dynamic_properties
from .provider import DynamicProvider

__all__ = ["SiprecSession", "SiprecSessionArgs", "SiprecSessionProvider"]


class SiprecSessionProvider(DynamicProvider):
    """The dynamic provider of `SiprecSession`. Its module and class name are stored in the state of every
    `SiprecSession` (the pickled `__provider`): keep them importable.
    """

    spec = SPEC


@dataclass(kw_only=True)
class SiprecSessionArgs:
    """Inputs of a `SiprecSession`; every one is also an output, as checked (defaults filled in).

    :param account_sid: (optional) Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters).
        Optional: when absent it is looked up once per provider process (`organization_id` of `GET /whoami`) and shown
        as an output.
    :param call_sid: (required) Id of the live TeXML call to record, e.g. `v3:9X2vx...` or a `TexmlCall`'s `call_sid`;
        same rule as `account_sid`. Once that call has ended, `up` fails with "call ... has ended": point `call_sid` at
        a live call.
    :param connector_name: (required) Name of the SIPREC connector (your Session Recording Server) that receives the
        media.
    :param name: (optional) Session name; a TeXML `<Stop><Siprec name="..."/></Stop>` can stop the session by it.
    :param track: (optional) Which media is forked to the SRS. One of `both_tracks`, `inbound_track`, `outbound_track`.
        Default: `both_tracks`.
    :param include_metadata_custom_headers: (optional) Send custom parameters as `recording.session.ExtensionParameters`
        metadata instead of SIP headers. Default: `false`.
    :param secure: (optional) SRTP media and TLS signalling to the SRS; the connector's port must then be 5061. Default:
        `false`.
    :param session_timeout_secs: (optional) `Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half
        of it; 0 disables. Default: `1800`.
    :param sip_transport: (optional) Transport to the SRS. One of `udp`, `tcp`, `tls`. Default: `udp`.
    :param status_callback: (optional) Absolute http(s) URL that receives `siprec-started`/`-stopped`/`-failed` events.
    :param status_callback_method: (optional) HTTP method for `status_callback` (any case; stored upper case); only with
        `status_callback`. One of `GET`, `POST`. Default when `status_callback` is set: `POST`.
    """

    account_sid: pulumi.Input[str] | None = None
    """Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters). Optional: when absent it is
    looked up once per provider process (`organization_id` of `GET /whoami`) and shown as an output.
    """
    call_sid: pulumi.Input[str]
    """Id of the live TeXML call to record, e.g. `v3:9X2vx...` or a `TexmlCall`'s `call_sid`; same rule as
    `account_sid`. Once that call has ended, `up` fails with "call ... has ended": point `call_sid` at a live call.
    """
    connector_name: pulumi.Input[str]
    """Name of the SIPREC connector (your Session Recording Server) that receives the media."""
    name: pulumi.Input[str] | None = None
    """Session name; a TeXML `<Stop><Siprec name="..."/></Stop>` can stop the session by it."""
    track: pulumi.Input[str] | None = None
    """Which media is forked to the SRS. One of `both_tracks`, `inbound_track`, `outbound_track`. Default:
    `both_tracks`.
    """
    include_metadata_custom_headers: pulumi.Input[bool] | None = None
    """Send custom parameters as `recording.session.ExtensionParameters` metadata instead of SIP headers. Default:
    `false`.
    """
    secure: pulumi.Input[bool] | None = None
    """SRTP media and TLS signalling to the SRS; the connector's port must then be 5061. Default: `false`."""
    session_timeout_secs: pulumi.Input[int] | None = None
    """`Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half of it; 0 disables. Default: `1800`."""
    sip_transport: pulumi.Input[str] | None = None
    """Transport to the SRS. One of `udp`, `tcp`, `tls`. Default: `udp`."""
    status_callback: pulumi.Input[str] | None = None
    """Absolute http(s) URL that receives `siprec-started`/`-stopped`/`-failed` events."""
    status_callback_method: pulumi.Input[str] | None = None
    """HTTP method for `status_callback` (any case; stored upper case); only with `status_callback`. One of `GET`,
    `POST`. Default when `status_callback` is set: `POST`.
    """


class SiprecSession(pulumi.dynamic.Resource, module="telnyx", name="SiprecSession"):
    """A Telnyx SIPREC session on a live TeXML call: `pulumi up` starts it, forking the call's media to your Session
    Recording Server; `pulumi destroy` stops it.

    Any change of input replaces the session, the new one first: for compliance recording a gap is the failure that
    matters, and two forks of a call for a moment are harmless. No API reads a session back, so `pulumi refresh` asks
    about its call instead: once the call has ended, the session leaves the state. Inputs are checked at preview, with
    no API key needed.

    If the new session cannot start, the old one keeps recording and stays in the state. To stop the old session before
    starting the new one (accepting a gap, e.g. when Telnyx refuses a second session on the call), set the resource
    option `deleteBeforeReplace`. A start the SRS refuses fails `up`, naming the connector and the SIP answer.
    """

    account_sid: pulumi.Output[str]
    """Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters). Optional: when absent it is
    looked up once per provider process (`organization_id` of `GET /whoami`) and shown as an output.
    """
    call_sid: pulumi.Output[str]
    """Id of the live TeXML call to record, e.g. `v3:9X2vx...` or a `TexmlCall`'s `call_sid`; same rule as
    `account_sid`. Once that call has ended, `up` fails with "call ... has ended": point `call_sid` at a live call.
    """
    connector_name: pulumi.Output[str]
    """Name of the SIPREC connector (your Session Recording Server) that receives the media."""
    name: pulumi.Output[str | None]
    """Session name; a TeXML `<Stop><Siprec name="..."/></Stop>` can stop the session by it."""
    track: pulumi.Output[str]
    """Which media is forked to the SRS. One of `both_tracks`, `inbound_track`, `outbound_track`. Default:
    `both_tracks`.
    """
    include_metadata_custom_headers: pulumi.Output[bool]
    """Send custom parameters as `recording.session.ExtensionParameters` metadata instead of SIP headers. Default:
    `false`.
    """
    secure: pulumi.Output[bool]
    """SRTP media and TLS signalling to the SRS; the connector's port must then be 5061. Default: `false`."""
    session_timeout_secs: pulumi.Output[int]
    """`Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half of it; 0 disables. Default: `1800`."""
    sip_transport: pulumi.Output[str]
    """Transport to the SRS. One of `udp`, `tcp`, `tls`. Default: `udp`."""
    status_callback: pulumi.Output[str | None]
    """Absolute http(s) URL that receives `siprec-started`/`-stopped`/`-failed` events."""
    status_callback_method: pulumi.Output[str | None]
    """HTTP method for `status_callback` (any case; stored upper case); only with `status_callback`. One of `GET`,
    `POST`. Default when `status_callback` is set: `POST`.
    """
    sid: pulumi.Output[str]
    """The session's id (a UUID); also the resource id. Needed to stop the session."""
    status: pulumi.Output[str | None]
    """`in-progress` when started; `stopped` once stopped."""
    start_time: pulumi.Output[str | None]
    """When the session started, as Telnyx reports it (RFC 2822 date)."""
    date_created: pulumi.Output[str | None]
    """When Telnyx created the session (RFC 2822 date)."""
    date_updated: pulumi.Output[str | None]
    """When Telnyx last updated the session (RFC 2822 date)."""
    uri: pulumi.Output[str | None]
    """The session's API URI."""
    error_code: pulumi.Output[str | None]
    """Telnyx's error code for the session, if any (usually absent)."""

    def __init__(
        self,
        resource_name: str,
        args: SiprecSessionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a `SiprecSession`; pass a `SiprecSessionArgs` or the same keyword arguments."""
        resolved = args_from(SiprecSessionArgs, SPEC, args, kwargs)
        # Registered as `pulumi.dynamic.Resource` would register it, from one constructor frame less: see
        # `dynamic/program.py`.
        props = dynamic_properties(SiprecSessionProvider, SPEC, resolved)
        pulumi.CustomResource.__init__(self, SPEC.dynamic_token, resource_name, props, opts)
