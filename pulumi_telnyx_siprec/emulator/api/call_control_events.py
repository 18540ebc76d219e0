"""Call Control webhooks as Telnyx sends them (docs/telnyx-api.md section 10): the event envelope
`{"data": {"record_type": "event", "event_type", "id", "occurred_at", "payload"}}` (spec `CallSiprecStartedEvent`
and siblings; telnyx-python `call_siprec_started_webhook_event.py`), JSON, signed like every Telnyx webhook.

Payload fields, per event (spec examples `CallInitiated`, `CallAnswered`, `CallHangup`, `CallSiprecStarted`,
`CallSiprecStopped`, `CallSiprecFailed`): the call's `call_control_id`, `call_leg_id`, `call_session_id`,
`client_state` and `connection_id` in each; `from`, `to`, `direction`, `state` on call events; `start_time` on
`call.answered`; `hangup_cause`, `hangup_source`, `sip_hangup_cause` on `call.hangup`; `hangup_cause` on
`siprec.stopped`; `failure_cause` on `siprec.failed`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from .callbacks import JsonWebhook
from .state import Event

HANGUP_CAUSES = {"busy": ("user_busy", "486"), "no-answer": ("timeout", "487"), "failed": ("unspecified", "503")}
"""What a dialed call that is not answered ends with, by the emulator's `call_outcome`: the spec's `hangup_cause`
values, with the SIP answer a carrier would give."""


def occurred_at(moment: datetime | None = None) -> str:
    """`occurred_at`: ISO 8601 with microseconds and `Z`, as the spec's examples show it."""
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def envelope(event_type: str, payload: Mapping[str, Any], moment: datetime | None = None) -> dict[str, Any]:
    """One webhook's body."""
    return {"data": {"record_type": "event", "event_type": event_type, "id": str(uuid.uuid4()),
                     "occurred_at": occurred_at(moment), "payload": dict(payload)}}


def webhook(url: str | None, event_type: str, payload: Mapping[str, Any]) -> list[Event]:
    """The delivery of one event to `url` (none without a URL: the call has no webhook URL and the emulator no
    default one)."""
    if not url:
        return []
    body = json.dumps(envelope(event_type, payload)).encode()
    return [JsonWebhook(url, body, event_type=event_type, shard=str(payload.get("call_control_id", "")))]


def siprec_failure_cause(final_code: int | None, timed_out: bool) -> str:
    """`failure_cause` of `siprec.failed` (\"Q850 reason why siprec session failed\"; the spec's example is
    `no_answer`) for the SRS's SIP answer, in the spec's `hangup_cause` words."""
    if timed_out or final_code is None:
        return "no_answer"
    return {486: "user_busy", 600: "user_busy", 404: "not_found", 604: "not_found", 403: "call_rejected",
            603: "call_rejected"}.get(final_code, "unspecified")
