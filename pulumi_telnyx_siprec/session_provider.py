"""Where the first release (0.1) defined `SiprecSessionProvider`. The state of every `SiprecSession` it created holds
this module and class name (the pickled `__provider`), so they stay importable. The class is in
`dynamic/siprec_session.py`."""

from .dynamic.siprec_session import SiprecSessionProvider

__all__ = ["SiprecSessionProvider"]
