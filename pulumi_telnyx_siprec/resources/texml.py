"""What the TeXML resources (the SIPREC session and the call) share: the account id input, and how recently a call
or session began (the call fetch is eventually consistent)."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from ..validation import Field, Kind
from ..validation.rules import url_path_id

ACCOUNT_SID_FIELD = Field(
    "account_sid", Kind.STRING, rules=(url_path_id,),
    doc="Telnyx account id (a UUID; no `/`, `?`, `#`, whitespace or control characters). Optional: when absent "
        "it is looked up once per provider process (`organization_id` of `GET /whoami`) and shown as an output.",
)

JUST_STARTED_SECONDS = 60.0
"""How long after a call was placed or a session started a 404 for the call is not yet believed: the call fetch is
documented as eventually consistent (docs/telnyx-api.md section 2), so it is retried within the retry budget first."""


def seconds_since(telnyx_date: Any, now: datetime | None = None) -> float | None:
    """Seconds since a TeXML date (`Fri, 11 Aug 2023 19:12:11 +0000`), or None if it cannot be read."""
    if not isinstance(telnyx_date, str):
        return None
    try:
        moment = parsedate_to_datetime(telnyx_date)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return ((now or datetime.now(timezone.utc)) - moment).total_seconds()
