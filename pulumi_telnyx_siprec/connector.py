"""SiprecConnector: the resource a Pulumi program declares for the SRS endpoint that sessions send media to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .connector_provider import SiprecConnectorProvider
from .connector_schema import CONNECTOR_OUTPUTS, CONNECTOR_SCHEMA
from .resource_base import args_from, documented_args, property_bag


@documented_args(CONNECTOR_SCHEMA)
@dataclass(kw_only=True)
class SiprecConnectorArgs:
    """Inputs of a `SiprecConnector`; every one is also an output."""

    name: pulumi.Input[str]
    host: pulumi.Input[str]
    port: pulumi.Input[int]
    app_subdomain: pulumi.Input[str] | None = None


class SiprecConnector(pulumi.dynamic.Resource, module="telnyx", name="SiprecConnector"):
    """A Telnyx SIPREC connector: where sessions that name it send their media (your SRS).

    A new `name` replaces it; `host`, `port` and `app_subdomain` change in place. `pulumi refresh` reads it back
    from Telnyx, so changes made in the portal show up, and a connector deleted there leaves the state.
    """

    name: pulumi.Output[str]
    host: pulumi.Output[str]
    port: pulumi.Output[int]
    app_subdomain: pulumi.Output[str | None]
    record_type: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        args: SiprecConnectorArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a SIPREC connector; pass a `SiprecConnectorArgs` or the same keyword arguments."""
        resolved = args_from(SiprecConnectorArgs, CONNECTOR_SCHEMA, args, kwargs)
        super().__init__(
            SiprecConnectorProvider(), resource_name, property_bag(resolved, tuple(CONNECTOR_OUTPUTS)), opts
        )
