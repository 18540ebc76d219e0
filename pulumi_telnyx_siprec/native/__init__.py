# Generated from the resource specs (pulumi_telnyx_siprec/resources/registry.py) by
# `python -m tools.codegen --write`: edit the source, then regenerate. tests/test_generated.py checks it.
"""Native classes: the package's resources for Python programs, served by the provider plugin
`pulumi-resource-telnyx-siprec` rather than by the dynamic provider.

The same class names, Args, docstrings and typed outputs as `pulumi_telnyx_siprec` (the dynamic classes), registering
`telnyx-siprec:index:<Name>` with camelCase properties as the plugin's schema does. The default provider reads the stack
config `telnyx-siprec:*`; `Provider` is an explicit one. The plugin has no cap of 4 calls in flight (`maxConcurrency`,
default 64), so `up`, `refresh` and `destroy` of many resources run at the engine's own pace.

Opt in by importing from here. The two families have different type tokens, so moving a stack from one to the other
means new URNs: the engine creates the new resources and deletes the old ones (docs/python-families.md). The engine must
find `pulumi-resource-telnyx-siprec` on PATH (the virtualenv's `bin`, where pip puts it).
"""

from __future__ import annotations

from .provider import Provider, ProviderArgs
from .siprec_connector import SiprecConnector, SiprecConnectorArgs
from .siprec_session import SiprecSession, SiprecSessionArgs
from .texml_call import TexmlCall, TexmlCallArgs

__all__ = [
    "Provider",
    "ProviderArgs",
    "SiprecConnector",
    "SiprecConnectorArgs",
    "SiprecSession",
    "SiprecSessionArgs",
    "TexmlCall",
    "TexmlCallArgs",
]
