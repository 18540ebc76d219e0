"""Where the first release (0.1) defined `SiprecConnectorProvider`. The state of every `SiprecConnector` it created
holds this module and class name (the pickled `__provider`), so they stay importable. The class is in
`dynamic/siprec_connector.py`."""

from .dynamic.siprec_connector import SiprecConnectorProvider

__all__ = ["SiprecConnectorProvider"]
