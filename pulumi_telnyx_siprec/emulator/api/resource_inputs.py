"""The one door from the emulator to the rest of the package: the resources' input fields the API checks bodies
with, and the Telnyx facts it shares with them.

The emulator validates what it receives with the very fields the provider sends with, so that the two cannot
drift. Every emulator module takes them from here and nowhere else, so a rename in the core package is repointed in
this file alone.
"""

from __future__ import annotations

from ...resources.registry import SIPREC_CONNECTOR, SIPREC_SESSION, TEXML_CALL
from ...telnyx_api import ENDED_CALL_STATUSES, LIVE_CALL_STATUSES
from ...validation import Failure, FieldSet, InvalidValueError, Problem
from ...validation.rules import url_path_id

CALL_INPUTS = TEXML_CALL.inputs
CONNECTOR_INPUTS = SIPREC_CONNECTOR.inputs
SESSION_INPUTS = SIPREC_SESSION.inputs

__all__ = [
    "CALL_INPUTS",
    "CONNECTOR_INPUTS",
    "ENDED_CALL_STATUSES",
    "LIVE_CALL_STATUSES",
    "SESSION_INPUTS",
    "Failure",
    "FieldSet",
    "InvalidValueError",
    "Problem",
    "url_path_id",
]
