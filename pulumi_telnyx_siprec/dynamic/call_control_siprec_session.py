# Generated from the CallControlSiprecSession spec by `python -m tools.codegen --write`:
# edit pulumi_telnyx_siprec/resources/call_control_siprec_session/spec.py, then regenerate.
# tests/test_generated.py checks it.
"""CallControlSiprecSession: A Telnyx SIPREC session on a live Call Control call: `pulumi up` sends `siprec_start`,
forking the call's media to your Session Recording Server; `pulumi destroy` sends `siprec_stop`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ..resources.call_control_siprec_session.spec import SPEC
from .program import args_from, property_bag
from .provider import DynamicProvider

__all__ = ["CallControlSiprecSession", "CallControlSiprecSessionArgs", "CallControlSiprecSessionProvider"]


class CallControlSiprecSessionProvider(DynamicProvider):
    """The dynamic provider of `CallControlSiprecSession`. Its module and class name are stored in the state of every
    `CallControlSiprecSession` (the pickled `__provider`): keep them importable.
    """

    spec = SPEC


@dataclass(kw_only=True)
class CallControlSiprecSessionArgs:
    """Inputs of a `CallControlSiprecSession`; every one is also an output, as checked (defaults filled in).

    :param call_control_id: (required) Id of the live Call Control call (`v3:...`), e.g. a `CallControlCall`'s
        `call_control_id`; it goes into the command's URL path, so no `/`, `?`, `#`, whitespace or control characters.
    :param connector_name: (optional) Name of the SIPREC connector (your Session Recording Server) that receives the
        media. With `secure`, the connector is read first and must have port 5061.
    :param track: (optional) Which media is forked to the SRS (wire key `siprec_track`). One of `both_tracks`,
        `inbound_track`, `outbound_track`. Default: `both_tracks`.
    :param include_metadata_custom_headers: (optional) Send the call's custom headers as
        `recording.session.ExtensionParameters` metadata instead of SIP headers. Default: `false`.
    :param secure: (optional) SRTP media and TLS signalling to the SRS; the connector's port must then be 5061. Default:
        `false`.
    :param session_timeout_secs: (optional) `Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half
        of it; 0 disables. Default: `1800`.
    :param sip_transport: (optional) Transport to the SRS. One of `udp`, `tcp`, `tls`. Default: `udp`.
    :param client_state: (optional) Base64 text Telnyx puts in the `siprec.started`, `siprec.stopped` and
        `siprec.failed` webhooks of this session, e.g. `cnVuLTQy` (`run-42`).
    """

    call_control_id: pulumi.Input[str]
    """Id of the live Call Control call (`v3:...`), e.g. a `CallControlCall`'s `call_control_id`; it goes into the
    command's URL path, so no `/`, `?`, `#`, whitespace or control characters.
    """
    connector_name: pulumi.Input[str] | None = None
    """Name of the SIPREC connector (your Session Recording Server) that receives the media. With `secure`, the
    connector is read first and must have port 5061.
    """
    track: pulumi.Input[str] | None = None
    """Which media is forked to the SRS (wire key `siprec_track`). One of `both_tracks`, `inbound_track`,
    `outbound_track`. Default: `both_tracks`.
    """
    include_metadata_custom_headers: pulumi.Input[bool] | None = None
    """Send the call's custom headers as `recording.session.ExtensionParameters` metadata instead of SIP headers.
    Default: `false`.
    """
    secure: pulumi.Input[bool] | None = None
    """SRTP media and TLS signalling to the SRS; the connector's port must then be 5061. Default: `false`."""
    session_timeout_secs: pulumi.Input[int] | None = None
    """`Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half of it; 0 disables. Default: `1800`."""
    sip_transport: pulumi.Input[str] | None = None
    """Transport to the SRS. One of `udp`, `tcp`, `tls`. Default: `udp`."""
    client_state: pulumi.Input[str] | None = None
    """Base64 text Telnyx puts in the `siprec.started`, `siprec.stopped` and `siprec.failed` webhooks of this session,
    e.g. `cnVuLTQy` (`run-42`).
    """


class CallControlSiprecSession(pulumi.dynamic.Resource, module="telnyx", name="CallControlSiprecSession"):
    """A Telnyx SIPREC session on a live Call Control call: `pulumi up` sends `siprec_start`, forking the call's media
    to your Session Recording Server; `pulumi destroy` sends `siprec_stop`.

    Telnyx addresses a Call Control SIPREC session by its call alone (`siprec_stop` names no session), so the resource
    id is the call's `call_control_id`, a call has one session, and a change of input on the same call stops the old
    session before starting the new one (a short gap in the recording); moving to another call starts the new session
    first. `pulumi refresh` asks about the call: once it has ended, the session leaves the state. Inputs are checked at
    preview, with no API key needed.
    """

    call_control_id: pulumi.Output[str]
    """Id of the live Call Control call (`v3:...`), e.g. a `CallControlCall`'s `call_control_id`; it goes into the
    command's URL path, so no `/`, `?`, `#`, whitespace or control characters.
    """
    connector_name: pulumi.Output[str | None]
    """Name of the SIPREC connector (your Session Recording Server) that receives the media. With `secure`, the
    connector is read first and must have port 5061.
    """
    track: pulumi.Output[str]
    """Which media is forked to the SRS (wire key `siprec_track`). One of `both_tracks`, `inbound_track`,
    `outbound_track`. Default: `both_tracks`.
    """
    include_metadata_custom_headers: pulumi.Output[bool]
    """Send the call's custom headers as `recording.session.ExtensionParameters` metadata instead of SIP headers.
    Default: `false`.
    """
    secure: pulumi.Output[bool]
    """SRTP media and TLS signalling to the SRS; the connector's port must then be 5061. Default: `false`."""
    session_timeout_secs: pulumi.Output[int]
    """`Session-Expires` in seconds, 0 or 90..14440; Telnyx re-INVITEs every half of it; 0 disables. Default: `1800`."""
    sip_transport: pulumi.Output[str]
    """Transport to the SRS. One of `udp`, `tcp`, `tls`. Default: `udp`."""
    client_state: pulumi.Output[str | None]
    """Base64 text Telnyx puts in the `siprec.started`, `siprec.stopped` and `siprec.failed` webhooks of this session,
    e.g. `cnVuLTQy` (`run-42`).
    """
    result: pulumi.Output[str | None]
    """What Telnyx answered the start: `ok`."""
    call_leg_id: pulumi.Output[str | None]
    """The call's leg id, from its status, where Telnyx gave it."""
    call_session_id: pulumi.Output[str | None]
    """The call's session id, from its status, where Telnyx gave it."""

    def __init__(
        self,
        resource_name: str,
        args: CallControlSiprecSessionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a `CallControlSiprecSession`; pass a `CallControlSiprecSessionArgs` or the same keyword arguments.
        """
        resolved = args_from(CallControlSiprecSessionArgs, SPEC, args, kwargs)
        super().__init__(CallControlSiprecSessionProvider(), resource_name, property_bag(SPEC, resolved), opts)
