# Generated from the SiprecConnector spec (pulumi_telnyx_siprec/resources/siprec_connector/spec.py) by
# `python -m tools.codegen --write`: edit the source, then regenerate. tests/test_generated.py checks it.
"""SiprecConnector: A Telnyx SIPREC connector: where the sessions that name it send their media (your Session Recording
Server).

Native class: registers `telnyx-siprec:index:SiprecConnector`, which the engine serves with the provider plugin
`pulumi-resource-telnyx-siprec` (see `pulumi_telnyx_siprec.native`).
"""

from __future__ import annotations

from typing import Any

import pulumi

from ..resources.arguments import args_from
from ..resources.siprec_connector.spec import SPEC
from .program import registered

__all__ = ["SiprecConnector", "SiprecConnectorArgs"]


@pulumi.input_type
class SiprecConnectorArgs:
    """Inputs of a `SiprecConnector`; every one is also an output, as checked (defaults filled in).

    :param name: (required) The connector's name, unique in the account; also the resource id. Changing it replaces the
        connector. No `/`, `?`, `#`, whitespace or control characters.
    :param host: (required) Host name or IPv4 address of your Session Recording Server (no scheme, no port).
    :param port: (required) SIP port of the SRS, 1..65535; 5061 for sessions with `secure=True`.
    :param app_subdomain: (optional) Optional application subdomain. It cannot be cleared through the API: removing it
        from the program leaves the connector's value as it is (and is not shown as a change); clear it in the portal,
        or give the connector a new `name`.
    """

    name: pulumi.Input[str] = pulumi.property("name")
    """The connector's name, unique in the account; also the resource id. Changing it replaces the connector. No `/`,
    `?`, `#`, whitespace or control characters.
    """
    host: pulumi.Input[str] = pulumi.property("host")
    """Host name or IPv4 address of your Session Recording Server (no scheme, no port)."""
    port: pulumi.Input[int] = pulumi.property("port")
    """SIP port of the SRS, 1..65535; 5061 for sessions with `secure=True`."""
    app_subdomain: pulumi.Input[str] | None = pulumi.property("appSubdomain")
    """Optional application subdomain. It cannot be cleared through the API: removing it from the program leaves the
    connector's value as it is (and is not shown as a change); clear it in the portal, or give the connector a new
    `name`.
    """

    def __init__(
        self,
        *,
        name: pulumi.Input[str],
        host: pulumi.Input[str],
        port: pulumi.Input[int],
        app_subdomain: pulumi.Input[str] | None = None,
    ) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.app_subdomain = app_subdomain


class SiprecConnector(pulumi.CustomResource):
    """A Telnyx SIPREC connector: where the sessions that name it send their media (your Session Recording Server).

    A new `name` replaces it, the new connector created before the old one is deleted, so sessions can move; `host`,
    `port` and `app_subdomain` change in place. `pulumi refresh` reads it back from Telnyx, so changes made in the
    portal show up, and a connector deleted there leaves the state.
    """

    name: pulumi.Output[str] = pulumi.property("name")
    """The connector's name, unique in the account; also the resource id. Changing it replaces the connector. No `/`,
    `?`, `#`, whitespace or control characters.
    """
    host: pulumi.Output[str] = pulumi.property("host")
    """Host name or IPv4 address of your Session Recording Server (no scheme, no port)."""
    port: pulumi.Output[int] = pulumi.property("port")
    """SIP port of the SRS, 1..65535; 5061 for sessions with `secure=True`."""
    app_subdomain: pulumi.Output[str | None] = pulumi.property("appSubdomain")
    """Optional application subdomain. It cannot be cleared through the API: removing it from the program leaves the
    connector's value as it is (and is not shown as a change); clear it in the portal, or give the connector a new
    `name`.
    """
    record_type: pulumi.Output[str | None] = pulumi.property("recordType")
    """Always `siprec_connector`."""
    created_at: pulumi.Output[str | None] = pulumi.property("createdAt")
    """When Telnyx created the connector (ISO 8601)."""
    updated_at: pulumi.Output[str | None] = pulumi.property("updatedAt")
    """When Telnyx last changed the connector (ISO 8601)."""

    def __init__(
        self,
        resource_name: str,
        args: SiprecConnectorArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a `SiprecConnector`; pass a `SiprecConnectorArgs` or the same keyword arguments."""
        resolved = args_from(SiprecConnectorArgs, SPEC, args, kwargs)
        super().__init__(SPEC.token, resource_name, registered(SPEC, resolved), opts)
