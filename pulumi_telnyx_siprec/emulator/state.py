"""What the emulated Telnyx account holds (calls, SIPREC sessions) and how each API operation changes it.

No HTTP here: operations take decoded ids and bodies and return an `Answer`; the HTTP layer turns it into bytes.
Thread-safe: every operation runs under one lock. Everything is bounded (`Limits`).
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

from ..connector_schema import CONNECTOR_SCHEMA
from ..schema import Schema
from ..session_schema import LIVE_CALL_STATUSES, SESSION_SCHEMA


@dataclass(frozen=True)
class Limits:
    """Caps that keep a long-running emulator's memory bounded."""

    calls: int = 10_000
    sessions: int = 100_000
    connectors: int = 10_000
    kept_requests: int = 2_000
    kept_callbacks: int = 2_000


@dataclass
class Answer:
    """An API answer: status, JSON body (None for an empty body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def not_found() -> Answer:
    """Telnyx's short 404 for TeXML resources."""
    return Answer(404, {"errors": [{"detail": "Resource not found"}]})


def api_error(status: int, code: str, title: str, detail: str, pointer: str | None = None) -> Answer:
    """An answer in Telnyx's error envelope."""
    error: dict[str, Any] = {"code": code, "title": title, "detail": detail}
    if pointer:
        error["source"] = {"pointer": pointer}
    return Answer(status, {"errors": [error]})


def telnyx_date(moment: datetime) -> str:
    """The TeXML date format: `Fri, 11 Aug 2023 19:12:11 +0000`."""
    return format_datetime(moment.astimezone(timezone.utc).replace(microsecond=0))


def iso_date(moment: datetime) -> str:
    """The JSON API date format: `2023-08-11T19:12:11.000000Z`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def resource_not_found(what: str) -> Answer:
    """The JSON API's 404, in the full error envelope."""
    return api_error(404, "10005", "Resource not found", f"{what} was not found")


@dataclass
class Call:
    sid: str
    status: str = "in-progress"
    date_created: str = ""
    date_updated: str = ""
    end_time: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sid": self.sid, "status": self.status, "date_created": self.date_created,
                "date_updated": self.date_updated, "start_time": self.date_created, "end_time": self.end_time}


@dataclass
class Connector:
    name: str
    host: str
    port: int
    app_subdomain: str | None
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {"record_type": "siprec_connector", "name": self.name, "host": self.host, "port": self.port,
                "app_subdomain": self.app_subdomain, "created_at": self.created_at, "updated_at": self.updated_at}


@dataclass
class Session:
    sid: str
    account_sid: str
    call_sid: str
    params: dict[str, Any]
    """The body exactly as received (form strings or JSON values)."""
    body_format: str
    checked: dict[str, Any]
    """The same parameters decoded and validated with the shared schema, by property name."""
    status: str
    date_created: str
    date_updated: str
    start_time: str

    def to_json(self) -> dict[str, Any]:
        return {
            "sid": self.sid, "account_sid": self.account_sid, "call_sid": self.call_sid, "status": self.status,
            "params": dict(self.params), "body_format": self.body_format, "date_created": self.date_created,
            "date_updated": self.date_updated, "start_time": self.start_time,
        }


@dataclass(frozen=True)
class CallbackEvent:
    """A status callback to deliver (by the HTTP layer's dispatcher, in the background)."""

    url: str
    method: str
    fields: dict[str, str]


def validation_failure(schema: Schema, body: Mapping[str, Any], required: tuple[str, ...] = ()) -> Answer | None:
    """A 422 for the first invalid or missing documented parameter, or None when the body is valid."""
    outcome = schema.from_wire(body, required)
    if outcome.ok:
        return None
    first = outcome.failures[0]
    return api_error(422, "10015", "Invalid parameter", f"{first.property} {first.reason}", f"/{first.property}")


class EmulatorState:
    """The emulated account. `base_url` is the emulator's API root, used in the `uri` of answers."""

    def __init__(self, base_url: Callable[[], str], limits: Limits = Limits(),
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self._base_url = base_url
        self.limits = limits
        self._clock = clock
        self.lock = threading.RLock()
        self.calls: dict[str, Call] = {}
        self.sessions: dict[str, Session] = {}
        self.connectors: dict[str, Connector] = {}
        self.requests: deque[dict[str, Any]] = deque(maxlen=limits.kept_requests)
        self.callbacks: deque[dict[str, Any]] = deque(maxlen=limits.kept_callbacks)
        self.counters = {"requests": 0, "callbacks": 0}
        self.in_flight = 0
        """API requests being handled right now (a delayed answer, say); tests wait for it to reach 0."""

    # Calls

    def add_call(self, call_sid: str, status: str = "in-progress") -> Answer:
        """Adds (or revives) a call; it answers under any account sid."""
        with self.lock:
            if call_sid not in self.calls and len(self.calls) >= self.limits.calls:
                return api_error(429, "10011", "Too many calls",
                                 f"emulator limit: at most {self.limits.calls} calls; POST /_emulator/reset")
            now = telnyx_date(self._clock())
            self.calls[call_sid] = Call(call_sid, status, now, now)
            return Answer(201, self.calls[call_sid].to_json())

    def end_call(self, call_sid: str, status: str = "completed") -> list[CallbackEvent]:
        """Ends a call as the far end hanging up would: its running sessions stop."""
        with self.lock:
            call = self.calls.get(call_sid)
            if call is None:
                return []
            call.status = status
            call.end_time = call.date_updated = telnyx_date(self._clock())
            events = []
            for session in self.sessions.values():
                if session.call_sid == call_sid and session.status == "in-progress":
                    events += self._stop(session)
            return events

    def fetch_call(self, account_sid: str, call_sid: str) -> Answer:
        """`GET /texml/Accounts/{account_sid}/Calls/{call_sid}`."""
        with self.lock:
            call = self.calls.get(call_sid)
            if call is None:
                return not_found()
            return Answer(200, self._call_json(account_sid, call))

    def update_call(self, account_sid: str, call_sid: str, body: Mapping[str, Any]
                    ) -> tuple[Answer, list[CallbackEvent]]:
        """`POST /texml/Accounts/{account_sid}/Calls/{call_sid}` with `Status=completed` hangs up."""
        if body.get("Status") != "completed":
            return api_error(422, "10015", "Invalid parameter", "Status must be `completed` (hang up)", "/Status"), []
        with self.lock:
            call = self.calls.get(call_sid)
            if call is None:
                return not_found(), []
            events = self.end_call(call_sid) if call.status in LIVE_CALL_STATUSES else []
            return Answer(200, self._call_json(account_sid, call)), events

    def _call_json(self, account_sid: str, call: Call) -> dict[str, Any]:
        call_path = f"/texml/Accounts/{quote(account_sid, safe=':')}/Calls/{quote(call.sid, safe=':')}"
        return {**call.to_json(), "account_sid": account_sid, "uri": self._base_url() + call_path}

    def _live_call(self, call_sid: str) -> Call | None:
        call = self.calls.get(call_sid)
        return call if call is not None and call.status in LIVE_CALL_STATUSES else None

    # SIPREC sessions

    def start_siprec(self, account_sid: str, call_sid: str, body: Mapping[str, Any], body_format: str = "form"
                     ) -> tuple[Answer, list[CallbackEvent]]:
        """`POST .../Calls/{call_sid}/Siprec.json`."""
        invalid = validation_failure(SESSION_SCHEMA, body)
        if invalid:
            return invalid, []
        checked = SESSION_SCHEMA.from_wire(body).inputs
        with self.lock:
            if self._live_call(call_sid) is None:
                return not_found(), []
            if len(self.sessions) >= self.limits.sessions:
                return api_error(429, "10011", "Too many sessions",
                                 f"emulator limit: at most {self.limits.sessions} SIPREC sessions are kept; "
                                 "restart the emulator or POST /_emulator/reset"), []
            now = telnyx_date(self._clock())
            session = Session(
                sid=str(uuid.uuid4()), account_sid=account_sid, call_sid=call_sid, params=dict(body),
                body_format=body_format, checked=checked, status="in-progress", date_created=now,
                date_updated=now, start_time=now,
            )
            self.sessions[session.sid] = session
            answer = {
                "account_sid": account_sid, "call_sid": call_sid, "sid": session.sid, "date_created": now,
                "date_updated": now, "start_time": now, "status": "in-progress",
                "track": checked.get("track", SESSION_SCHEMA.spec("track").default), "uri": self._uri(session),
                "error_code": None,
            }
            return Answer(200, answer), self._callback(session, "siprec-started")

    def stop_siprec(self, account_sid: str, call_sid: str, siprec_sid: str, body: Mapping[str, Any]
                    ) -> tuple[Answer, list[CallbackEvent]]:
        """`POST .../Calls/{call_sid}/Siprec/{siprec_sid}.json` with `Status=stopped`."""
        if body.get("Status") != "stopped":
            return api_error(422, "10015", "Invalid parameter", "Status must be `stopped`", "/Status"), []
        with self.lock:
            session = self.sessions.get(siprec_sid)
            if session is None or session.call_sid != call_sid or session.status != "in-progress":
                return not_found(), []
            events = self._stop(session)
            answer = {
                "account_sid": account_sid, "call_sid": call_sid, "sid": session.sid,
                "date_updated": session.date_updated, "status": "stopped", "uri": self._uri(session),
                "error_code": None,
            }
            return Answer(200, answer), events

    def _stop(self, session: Session) -> list[CallbackEvent]:
        session.status = "stopped"
        session.date_updated = telnyx_date(self._clock())
        return self._callback(session, "siprec-stopped")

    def _uri(self, session: Session) -> str:
        account, call = quote(session.account_sid, safe=":"), quote(session.call_sid, safe=":")
        return f"{self._base_url()}/texml/Accounts/{account}/Calls/{call}/Siprec/{session.sid}"

    def _callback(self, session: Session, event: str) -> list[CallbackEvent]:
        url = session.checked.get("status_callback")
        if not url:
            return []
        fields = {
            "AccountSid": session.account_sid,
            "CallSid": session.call_sid,
            "SiprecSid": session.sid,
            "SiprecEvent": event,
            "Timestamp": self._clock().isoformat(),
        }
        if session.checked.get("name"):
            fields["SiprecName"] = session.checked["name"]
        return [CallbackEvent(url, session.checked.get("status_callback_method", "POST"), fields)]

    # SIPREC connectors (JSON API, `data` envelope)

    def create_connector(self, body: Mapping[str, Any]) -> Answer:
        """`POST /siprec_connectors`."""
        invalid = validation_failure(CONNECTOR_SCHEMA, body, ("name", "host", "port"))
        if invalid:
            return invalid
        values = CONNECTOR_SCHEMA.from_wire(body).inputs
        with self.lock:
            if values["name"] in self.connectors:
                return api_error(422, "10012", "Already exists",
                                 f"a SIPREC connector named {values['name']!r} already exists", "/name")
            if len(self.connectors) >= self.limits.connectors:
                return api_error(429, "10011", "Too many connectors",
                                 f"emulator limit: at most {self.limits.connectors} connectors; POST /_emulator/reset")
            now = iso_date(self._clock())
            connector = Connector(values["name"], values["host"], values["port"], values.get("app_subdomain"),
                                  now, now)
            self.connectors[connector.name] = connector
            return Answer(201, {"data": connector.to_json()})

    def get_connector(self, name: str) -> Answer:
        """`GET /siprec_connectors/{name}`."""
        with self.lock:
            connector = self.connectors.get(name)
            return Answer(200, {"data": connector.to_json()}) if connector else resource_not_found(
                f"SIPREC connector {name!r}")

    def update_connector(self, name: str, body: Mapping[str, Any]) -> Answer:
        """`PUT /siprec_connectors/{name}`: replaces `host`, `port` and `app_subdomain` (absent clears it)."""
        invalid = validation_failure(CONNECTOR_SCHEMA, body, ("host", "port"))
        if invalid:
            return invalid
        values = CONNECTOR_SCHEMA.from_wire(body).inputs
        with self.lock:
            connector = self.connectors.get(name)
            if connector is None:
                return resource_not_found(f"SIPREC connector {name!r}")
            connector.host, connector.port = values["host"], values["port"]
            connector.app_subdomain = values.get("app_subdomain")
            connector.updated_at = iso_date(self._clock())
            return Answer(200, {"data": connector.to_json()})

    def delete_connector(self, name: str) -> Answer:
        """`DELETE /siprec_connectors/{name}`."""
        with self.lock:
            if self.connectors.pop(name, None) is None:
                return resource_not_found(f"SIPREC connector {name!r}")
            return Answer(204)

    # Records

    def begin_request(self) -> None:
        with self.lock:
            self.in_flight += 1

    def end_request(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def record_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.counters["requests"] += 1
            self.requests.append(entry)

    def record_callback(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.counters["callbacks"] += 1
            self.callbacks.append(entry)

    def reset(self) -> None:
        """Forgets calls, sessions and records."""
        with self.lock:
            self.calls.clear()
            self.sessions.clear()
            self.connectors.clear()
            self.requests.clear()
            self.callbacks.clear()
            self.counters = {"requests": 0, "callbacks": 0}

    def snapshot(self) -> dict[str, Any]:
        """Everything, as JSON-ready data (what `GET /_emulator/state` answers)."""
        with self.lock:
            return {
                "calls": {sid: call.to_json() for sid, call in self.calls.items()},
                "sessions": [s.to_json() for s in self.sessions.values()],
                "connectors": {name: c.to_json() for name, c in self.connectors.items()},
                "callbacks": list(self.callbacks),
                "requests": list(self.requests),
                "counters": {**self.counters, "in_flight": self.in_flight},
                "limits": dataclasses.asdict(self.limits),
            }
