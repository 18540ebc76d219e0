"""SiprecSessionProvider: the dynamic provider of `SiprecSession` (its operations are in session_ops.py).

The module and class name are stored in every session's state (`__provider`, pickled by reference): keep them.
"""

from __future__ import annotations

from .provider_base import TelnyxProvider
from .session_ops import CallEndedError, SessionOperations

__all__ = ["CallEndedError", "SiprecSessionProvider"]


class SiprecSessionProvider(TelnyxProvider):
    """Starts (create), stops (delete), refreshes (read, from its call) and validates (check) a SIPREC session."""

    operations = SessionOperations
