"""The one door from the emulator to the rest of the package: the resource input schemas the API checks bodies with.

The emulator validates what it receives with the very `Schema`s the provider sends with, so that the two cannot
drift. Every emulator module takes them from here and nowhere else, so a rename in the core package is repointed in
this file alone.
"""

from __future__ import annotations

from ...call_schema import CALL_SCHEMA
from ...connector_schema import CONNECTOR_SCHEMA
from ...schema import Failure, Problem, Schema
from ...session_schema import ENDED_CALL_STATUSES, LIVE_CALL_STATUSES, SESSION_SCHEMA

__all__ = [
    "CALL_SCHEMA",
    "CONNECTOR_SCHEMA",
    "ENDED_CALL_STATUSES",
    "LIVE_CALL_STATUSES",
    "SESSION_SCHEMA",
    "Failure",
    "Problem",
    "Schema",
]
