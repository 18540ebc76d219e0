"""Every resource of the package, by its spec: what the adapters serve and the generators derive from."""

from __future__ import annotations

from .call_control_call.spec import SPEC as CALL_CONTROL_CALL
from .call_control_siprec_session.spec import SPEC as CALL_CONTROL_SIPREC_SESSION
from .siprec_connector.spec import SPEC as SIPREC_CONNECTOR
from .siprec_session.spec import SPEC as SIPREC_SESSION
from .spec import ResourceSpec
from .texml_call.spec import SPEC as TEXML_CALL

__all__ = [
    "BY_NAME",
    "BY_TOKEN",
    "CALL_CONTROL_CALL",
    "CALL_CONTROL_SIPREC_SESSION",
    "SIPREC_CONNECTOR",
    "SIPREC_SESSION",
    "SPECS",
    "TEXML_CALL",
]

SPECS: tuple[ResourceSpec, ...] = (SIPREC_SESSION, SIPREC_CONNECTOR, TEXML_CALL, CALL_CONTROL_SIPREC_SESSION,
                                   CALL_CONTROL_CALL)
"""In the order the docs list them: the TeXML side, then the Call Control side."""

BY_NAME: dict[str, ResourceSpec] = {spec.name: spec for spec in SPECS}
BY_TOKEN: dict[str, ResourceSpec] = {spec.token: spec for spec in SPECS}
"""By plugin type token (`telnyx-siprec:index:SiprecSession`)."""
