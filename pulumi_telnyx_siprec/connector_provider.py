"""SiprecConnectorProvider: the dynamic provider of `SiprecConnector` (its operations are in connector_ops.py).

The module and class name are stored in every connector's state (`__provider`, pickled by reference): keep them.
"""

from __future__ import annotations

from .connector_ops import ConnectorOperations
from .provider_base import TelnyxProvider


class SiprecConnectorProvider(TelnyxProvider):
    """Creates, reads, updates and deletes a SIPREC connector (where a session's media goes)."""

    operations = ConnectorOperations
