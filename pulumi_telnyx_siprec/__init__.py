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
    from .call import TexmlCall, TexmlCallArgs
    from .call_provider import TexmlCallProvider
    from .connector import SiprecConnector, SiprecConnectorArgs
    from .connector_provider import SiprecConnectorProvider
    from .session import SiprecSession, SiprecSessionArgs
    from .session_provider import SiprecSessionProvider

_EXPORTS = {
    "SiprecConnector": ".connector",
    "SiprecConnectorArgs": ".connector",
    "SiprecConnectorProvider": ".connector_provider",
    "SiprecSession": ".session",
    "SiprecSessionArgs": ".session",
    "SiprecSessionProvider": ".session_provider",
    "TexmlCall": ".call",
    "TexmlCallArgs": ".call",
    "TexmlCallProvider": ".call_provider",
}

__all__ = [
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
