"""What the Call Control resources (the SIPREC session and the call) share: the call id input, and the base64
`client_state` rule (docs/telnyx-api.md section 10)."""

from __future__ import annotations

from ..validation import Field, Kind
from ..validation.rules import base64_text, url_path_id

CALL_CONTROL_ID_FIELD = Field(
    "call_control_id", Kind.STRING, required=True, rules=(url_path_id,),
    doc="Id of the live Call Control call (`v3:...`), e.g. a `CallControlCall`'s `call_control_id`; it goes into "
        "the command's URL path, so no `/`, `?`, `#`, whitespace or control characters.",
)

CLIENT_STATE_RULES = (base64_text,)
"""Telnyx: `client_state` \"must be a valid Base-64 encoded string\" (every command's schema)."""
