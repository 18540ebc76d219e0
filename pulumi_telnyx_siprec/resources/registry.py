"""Every resource of the package, by its spec: what the adapters serve and the generators derive from."""

from __future__ import annotations

from .siprec_connector.spec import SPEC as SIPREC_CONNECTOR
from .siprec_session.spec import SPEC as SIPREC_SESSION
from .spec import ResourceSpec
from .texml_call.spec import SPEC as TEXML_CALL

__all__ = ["BY_NAME", "BY_TOKEN", "SIPREC_CONNECTOR", "SIPREC_SESSION", "SPECS", "TEXML_CALL"]

SPECS: tuple[ResourceSpec, ...] = (SIPREC_SESSION, SIPREC_CONNECTOR, TEXML_CALL)
"""In the order the docs list them."""

BY_NAME: dict[str, ResourceSpec] = {spec.name: spec for spec in SPECS}
BY_TOKEN: dict[str, ResourceSpec] = {spec.token: spec for spec in SPECS}
"""By plugin type token (`telnyx-siprec:index:SiprecSession`)."""
