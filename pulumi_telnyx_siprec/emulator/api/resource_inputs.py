"""The one door from the emulator to the rest of the package: the resources' input fields the API checks bodies
with, and the Telnyx facts it shares with them.

The emulator validates what it receives with the very fields the provider sends with, so that the two cannot
drift. Every emulator module takes them from here and nowhere else, so a rename in the core package is repointed in
this file alone.
"""

from __future__ import annotations

from ...resources.registry import (
    CALL_CONTROL_CALL,
    CALL_CONTROL_SIPREC_SESSION,
    SIPREC_CONNECTOR,
    SIPREC_SESSION,
    TEXML_CALL,
)
from ...telnyx_api import (
    CALL_ENDED_CODE,
    ENDED_CALL_STATUSES,
    INVALID_CALL_CONTROL_ID_CODE,
    LIVE_CALL_STATUSES,
    NOT_ANSWERED_CODE,
)
from ...validation import Failure, FieldSet, InvalidValueError, Problem
from ...validation.rules import url_path_id

CALL_INPUTS = TEXML_CALL.inputs
CONNECTOR_INPUTS = SIPREC_CONNECTOR.inputs
SESSION_INPUTS = SIPREC_SESSION.inputs
CALL_CONTROL_CALL_INPUTS = CALL_CONTROL_CALL.inputs
CALL_CONTROL_SESSION_INPUTS = CALL_CONTROL_SIPREC_SESSION.inputs
CLIENT_STATE_FIELD = CALL_CONTROL_SESSION_INPUTS.spec("client_state")
"""Every Call Control command's `client_state` has the same rule (base64); the Dial's is checked with it too."""

__all__ = [
    "CALL_CONTROL_CALL_INPUTS",
    "CALL_CONTROL_SESSION_INPUTS",
    "CALL_ENDED_CODE",
    "CALL_INPUTS",
    "CLIENT_STATE_FIELD",
    "CONNECTOR_INPUTS",
    "ENDED_CALL_STATUSES",
    "INVALID_CALL_CONTROL_ID_CODE",
    "LIVE_CALL_STATUSES",
    "NOT_ANSWERED_CODE",
    "SESSION_INPUTS",
    "Failure",
    "FieldSet",
    "InvalidValueError",
    "Problem",
    "url_path_id",
]
