"""Pulumi resources for Telnyx SIPREC: declare call-recording forks to a Session Recording Server."""

from ._version import __version__
from .session import SiprecSession, SiprecSessionArgs
from .session_provider import SiprecSessionProvider

__all__ = ["SiprecSession", "SiprecSessionArgs", "SiprecSessionProvider", "__version__"]
