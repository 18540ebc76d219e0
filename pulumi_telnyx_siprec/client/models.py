"""Typed answers of the Telnyx endpoints this package uses, read leniently (a missing field is None)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) else None


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


@dataclass(frozen=True)
class SiprecSessionInfo:
    """A SIPREC session as Telnyx returns it (the inputs other than `track` are not echoed)."""

    sid: str
    status: str | None
    account_sid: str | None = None
    call_sid: str | None = None
    start_time: str | None = None
    date_created: str | None = None
    date_updated: str | None = None
    uri: str | None = None
    error_code: str | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> SiprecSessionInfo:
        error_code = body.get("error_code")
        return cls(
            sid=str(body["sid"]),
            status=_text(body, "status"),
            account_sid=_text(body, "account_sid"),
            call_sid=_text(body, "call_sid"),
            start_time=_text(body, "start_time"),
            date_created=_text(body, "date_created"),
            date_updated=_text(body, "date_updated"),
            uri=_text(body, "uri"),
            # Typed a string in the spec; some answers may carry a number: kept as its text either way.
            error_code=str(error_code) if isinstance(error_code, (str, int)) and not isinstance(error_code, bool)
            else None,
        )


@dataclass(frozen=True)
class CallInfo:
    """A TeXML call as the call fetch and update answer it (a flat object; docs/telnyx-api.md section 2)."""

    sid: str | None
    status: str | None
    end_time: str | None = None
    from_: str | None = None
    to: str | None = None
    direction: str | None = None
    start_time: str | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> CallInfo:
        return cls(sid=_text(body, "sid"), status=_text(body, "status"), end_time=_text(body, "end_time"),
                   from_=_text(body, "from"), to=_text(body, "to"), direction=_text(body, "direction"),
                   start_time=_text(body, "start_time"))


@dataclass(frozen=True)
class PlacedCall:
    """The answer to a connection-scoped call create: the spec has it as `{"data": {from, to, status}}`, a user
    saw it flat with `call_sid` (docs/telnyx-api.md section 1a); either is read, and a call sid is required."""

    call_sid: str
    status: str | None
    from_: str | None = None
    to: str | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> PlacedCall | None:
        """The placed call, or None when the answer carries no call sid."""
        data = body.get("data")
        fields = data if isinstance(data, Mapping) else body
        call_sid = fields.get("call_sid")
        if not isinstance(call_sid, str) or not call_sid:
            return None
        return cls(call_sid=call_sid, status=_text(fields, "status"), from_=_text(fields, "from"),
                   to=_text(fields, "to"))


@dataclass(frozen=True)
class CallControlCallInfo:
    """A Call Control call as the Dial, the status read and the active-call list answer it (the `data` object, or
    one item of the list; docs/telnyx-api.md section 10)."""

    call_control_id: str
    call_leg_id: str | None = None
    call_session_id: str | None = None
    is_alive: bool | None = None
    call_duration: int | None = None
    start_time: str | None = None
    end_time: str | None = None
    client_state: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CallControlCallInfo | None:
        """The call, or None when the object names no `call_control_id`."""
        call_control_id = data.get("call_control_id")
        if not isinstance(call_control_id, str) or not call_control_id:
            return None
        alive = data.get("is_alive")
        return cls(call_control_id=call_control_id, call_leg_id=_text(data, "call_leg_id"),
                   call_session_id=_text(data, "call_session_id"),
                   is_alive=alive if isinstance(alive, bool) else None,
                   call_duration=_whole_number(data.get("call_duration")), start_time=_text(data, "start_time"),
                   end_time=_text(data, "end_time"), client_state=_text(data, "client_state"))

    @property
    def answered(self) -> bool:
        """Alive: the Dial answers `is_alive: false` (\"dialing is asynchronous\"), so alive means answered."""
        return self.is_alive is True

    @property
    def ended(self) -> bool:
        """Not alive, with an `end_time` (\"only present when the call is not alive\")."""
        return self.is_alive is not True and self.end_time is not None


@dataclass(frozen=True)
class ConnectorInfo:
    """A SIPREC connector, from the `data` of Telnyx's answer."""

    name: str
    host: str | None
    port: int | None
    app_subdomain: str | None = None
    record_type: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConnectorInfo:
        return cls(
            name=str(data["name"]),
            host=_text(data, "host"),
            port=_whole_number(data.get("port")),
            app_subdomain=_text(data, "app_subdomain"),
            record_type=_text(data, "record_type"),
            created_at=_text(data, "created_at"),
            updated_at=_text(data, "updated_at"),
        )

    def matches(self, body: Mapping[str, Any]) -> bool:
        """True when this connector has the settings `body` asks for (host names compare case-insensitively)."""
        return (
            (self.host or "").lower() == str(body.get("host", "")).lower()
            and self.port == body.get("port")
            and self.app_subdomain == body.get("app_subdomain")
        )
