# Generated from the resource specs (pulumi_telnyx_siprec/resources/registry.py) by
# `python -m tools.codegen --write`: edit the specs, then regenerate. tests/test_generated.py checks it.
"""Pulumi resources for Telnyx SIPREC: declare call-recording forks to a Session Recording Server, the connectors
they send media to, and test calls to record.

The public names load on first use, so that the standard-library emulator (`pulumi_telnyx_siprec.emulator`) runs
without importing Pulumi or requests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .dynamic.call_control_call import CallControlCall, CallControlCallArgs, CallControlCallProvider
    from .dynamic.call_control_siprec_session import (
        CallControlSiprecSession,
        CallControlSiprecSessionArgs,
        CallControlSiprecSessionProvider,
    )
    from .dynamic.siprec_connector import SiprecConnector, SiprecConnectorArgs, SiprecConnectorProvider
    from .dynamic.siprec_session import SiprecSession, SiprecSessionArgs, SiprecSessionProvider
    from .dynamic.texml_call import TexmlCall, TexmlCallArgs, TexmlCallProvider

_EXPORTS = {
    "CallControlCall": ".dynamic.call_control_call",
    "CallControlCallArgs": ".dynamic.call_control_call",
    "CallControlCallProvider": ".dynamic.call_control_call",
    "CallControlSiprecSession": ".dynamic.call_control_siprec_session",
    "CallControlSiprecSessionArgs": ".dynamic.call_control_siprec_session",
    "CallControlSiprecSessionProvider": ".dynamic.call_control_siprec_session",
    "SiprecConnector": ".dynamic.siprec_connector",
    "SiprecConnectorArgs": ".dynamic.siprec_connector",
    "SiprecConnectorProvider": ".dynamic.siprec_connector",
    "SiprecSession": ".dynamic.siprec_session",
    "SiprecSessionArgs": ".dynamic.siprec_session",
    "SiprecSessionProvider": ".dynamic.siprec_session",
    "TexmlCall": ".dynamic.texml_call",
    "TexmlCallArgs": ".dynamic.texml_call",
    "TexmlCallProvider": ".dynamic.texml_call",
}

__all__ = [
    "CallControlCall",
    "CallControlCallArgs",
    "CallControlCallProvider",
    "CallControlSiprecSession",
    "CallControlSiprecSessionArgs",
    "CallControlSiprecSessionProvider",
    "SiprecConnector",
    "SiprecConnectorArgs",
    "SiprecConnectorProvider",
    "SiprecSession",
    "SiprecSessionArgs",
    "SiprecSessionProvider",
    "TexmlCall",
    "TexmlCallArgs",
    "TexmlCallProvider",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
