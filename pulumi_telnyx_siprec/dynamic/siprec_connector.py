# Generated from the SiprecConnector spec (pulumi_telnyx_siprec/resources/siprec_connector/spec.py) by
# `python -m tools.codegen --write`: edit the spec, then regenerate. tests/test_generated.py checks it.
"""SiprecConnector: A Telnyx SIPREC connector: where the sessions that name it send their media (your Session Recording
Server).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ..resources.siprec_connector.spec import SPEC
from .program import args_from, dynamic_properties
from .provider import DynamicProvider

__all__ = ["SiprecConnector", "SiprecConnectorArgs", "SiprecConnectorProvider"]


class SiprecConnectorProvider(DynamicProvider):
    """The dynamic provider of `SiprecConnector`. Its module and class name are stored in the state of every
    `SiprecConnector` (the pickled `__provider`): keep them importable.
    """

    spec = SPEC


@dataclass(kw_only=True)
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

    name: pulumi.Input[str]
    """The connector's name, unique in the account; also the resource id. Changing it replaces the connector. No `/`,
    `?`, `#`, whitespace or control characters.
    """
    host: pulumi.Input[str]
    """Host name or IPv4 address of your Session Recording Server (no scheme, no port)."""
    port: pulumi.Input[int]
    """SIP port of the SRS, 1..65535; 5061 for sessions with `secure=True`."""
    app_subdomain: pulumi.Input[str] | None = None
    """Optional application subdomain. It cannot be cleared through the API: removing it from the program leaves the
    connector's value as it is (and is not shown as a change); clear it in the portal, or give the connector a new
    `name`.
    """


class SiprecConnector(pulumi.dynamic.Resource, module="telnyx", name="SiprecConnector"):
    """A Telnyx SIPREC connector: where the sessions that name it send their media (your Session Recording Server).

    A new `name` replaces it, the new connector created before the old one is deleted, so sessions can move; `host`,
    `port` and `app_subdomain` change in place. `pulumi refresh` reads it back from Telnyx, so changes made in the
    portal show up, and a connector deleted there leaves the state.
    """

    name: pulumi.Output[str]
    """The connector's name, unique in the account; also the resource id. Changing it replaces the connector. No `/`,
    `?`, `#`, whitespace or control characters.
    """
    host: pulumi.Output[str]
    """Host name or IPv4 address of your Session Recording Server (no scheme, no port)."""
    port: pulumi.Output[int]
    """SIP port of the SRS, 1..65535; 5061 for sessions with `secure=True`."""
    app_subdomain: pulumi.Output[str | None]
    """Optional application subdomain. It cannot be cleared through the API: removing it from the program leaves the
    connector's value as it is (and is not shown as a change); clear it in the portal, or give the connector a new
    `name`.
    """
    record_type: pulumi.Output[str | None]
    """Always `siprec_connector`."""
    created_at: pulumi.Output[str | None]
    """When Telnyx created the connector (ISO 8601)."""
    updated_at: pulumi.Output[str | None]
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
        # Registered as `pulumi.dynamic.Resource` would register it, from one constructor frame less: see
        # `dynamic/program.py`.
        props = dynamic_properties(SiprecConnectorProvider, SPEC, resolved)
        pulumi.CustomResource.__init__(self, SPEC.dynamic_token, resource_name, props, opts)
