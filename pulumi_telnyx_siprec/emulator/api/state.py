"""What the emulated Telnyx account holds (calls, SIPREC sessions, connectors) and how each API operation changes it.

No HTTP here: operations take decoded ids and bodies and return an `Answer`; the HTTP layer turns it into bytes.
Thread-safe: every operation runs under one lock. Everything is bounded (`Limits`). Each behaviour follows
docs/telnyx-api.md; where no source settles it, the choice is a switch in `Behaviour`, and both settings are tested.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

from .kept_values import DroppedParams, kept_params, value_bytes
from .resource_inputs import (
    CALL_INPUTS,
    CONNECTOR_INPUTS,
    ENDED_CALL_STATUSES,
    LIVE_CALL_STATUSES,
    SESSION_INPUTS,
    Failure,
    FieldSet,
    InvalidValueError,
    Problem,
    url_path_id,
)

SESSION_WIRE_KEYS = frozenset(f.wire_key for f in SESSION_INPUTS.fields if f.wire_key)
"""The start body's documented parameters: always kept in full."""
DEFAULT_ORGANIZATION_ID = "61bf923e-5e4d-4595-a110-56190ea18a1b"
"""The account id of the API reference's examples; `GET /whoami` answers it as `organization_id`."""
CALL_OUTCOMES = ("in-progress", "busy", "no-answer", "failed")


@dataclass(frozen=True)
class Limits:
    """Caps that keep a long-running emulator's memory bounded, whatever clients send.

    The bound, with every cap reached at once, is under 512 MiB:

    - the values clients sent that calls, sessions and connectors keep (ids, parameters, custom headers, hosts,
      and the SIP side a session's SRS was sent): at most `client_value_bytes`, 256 MiB;
    - the emulator's own objects around them: under 1 KiB per session, call or connector, so at most ~120 MiB
      for 100,000 sessions, 10,000 calls and 10,000 connectors;
    - the last `kept_requests` request records, each cut to ~20 KiB (`records`): at most ~40 MiB;
    - the last `kept_callbacks` callback records, ~1 KiB each; 1,000 queued faults of at most 64 KiB each
      (`faults`): 64 MiB.

    Measured (`python -m benchmarks.emulator_memory`, tracemalloc, no SIP): 100,000 typical starts hold 88 MiB;
    100,000 starts padded with 60 KB of undocumented fields hold 99 MiB (each keeps 1 KiB of them; without that
    rule, 5.8 GiB); starts with a 60 KB documented `Name` are refused once 256 MiB of values are kept (~4,400
    sessions, 259 MiB held, measured with 5,000 starts; without the budget, 5.7 GiB).

    Outside this bound: the SIPREC client's handle of each session that invited an SRS (`recorder`), which it
    keeps beside the state.
    """

    calls: int = 10_000
    sessions: int = 100_000
    connectors: int = 10_000
    kept_requests: int = 2_000
    kept_callbacks: int = 2_000
    undocumented_param_bytes: int = 1_024
    """Per session: undocumented parameters (Telnyx ignores them) are kept, in the order received, while their
    memory stays within this (about 8 short fields); the rest are dropped, and the session's `dropped_params`
    counts them."""
    client_value_bytes: int = 256 * 1024 * 1024
    """All calls, sessions and connectors together: the memory the values clients sent take in them (ids,
    parameters, custom headers, hosts; `kept_values.value_bytes`). Creating anything past it is a 429 until a
    reset. A typical session's values take about 1 KiB: 100,000 of them fit."""


@dataclass(frozen=True)
class Behaviour:
    """Where sources leave Telnyx's behaviour open, or a test wants another: each a switch."""

    organization_id: str = DEFAULT_ORGANIZATION_ID
    one_session_per_call: bool = False
    """Refuse a second running SIPREC session on a call (422 pointing at `/CallSid`). Whether Telnyx does is not
    documented; off by default, so a replacement can start the new session before stopping the old one."""
    stopped_session_status: int = 404
    """What a stop of a session already stopped answers: 404 (what the package assumes; not documented) or 200
    (the stop echoed again)."""
    call_answer_delay: float = 0.2
    """Seconds a placed call stays `queued` before it is answered (or not, see `call_outcome`)."""
    call_outcome: str = "in-progress"
    """What a placed call becomes after the delay: `in-progress` (answered), `busy`, `no-answer` or `failed`."""
    call_fetch_lag: float = 0.0
    """Seconds after a call is placed during which fetching it answers 404: the call fetch is documented as
    eventually consistent (docs/telnyx-api.md section 2)."""


@dataclass
class Answer:
    """An API answer: status, JSON body (None for an empty body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def not_found() -> Answer:
    """Telnyx's short 404 for TeXML resources (documented for the SIPREC and call endpoints)."""
    return Answer(404, {"errors": [{"detail": "Resource not found"}]})


def api_error(status: int, code: str | int, title: str, detail: str, pointer: str | None = None) -> Answer:
    """An answer in Telnyx's error envelope (string codes on TeXML endpoints, integer codes on connectors)."""
    error: dict[str, Any] = {"code": code, "title": title, "detail": detail}
    if pointer:
        error["source"] = {"pointer": pointer}
    return Answer(status, {"errors": [error]})


# The codes the spec's TeXML 422 examples use (docs/telnyx-api.md section 9), by kind of mistake.
_TEXML_422 = {
    Problem.MISSING: ("10004", "Missing required parameter"),
    Problem.CHOICE: ("10032", "Invalid enumerated value"),
}
_TEXML_422_DEFAULT = ("10026", "Invalid parameter type")


def texml_422(failure: Failure) -> Answer:
    code, title = _TEXML_422.get(failure.problem, _TEXML_422_DEFAULT)
    return api_error(422, code, title, f"{failure.property} {failure.reason}", f"/{failure.property}")


def connector_error(status: int, detail: str, pointer: str | None = None) -> Answer:
    """The connector endpoints' error: integer code equal to the status (spec; docs/telnyx-api.md section 6)."""
    title = {404: "Not Found", 422: "Unprocessable Entity"}.get(status, "Error")
    return api_error(status, status, title, detail, pointer)


def telnyx_date(moment: datetime) -> str:
    """The TeXML date format: `Fri, 11 Aug 2023 19:12:11 +0000`."""
    return format_datetime(moment.astimezone(timezone.utc).replace(microsecond=0))


def iso_date(moment: datetime) -> str:
    """The JSON API date format: `2023-08-11T19:12:11.000000Z`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def callback_timestamp(moment: datetime) -> str:
    """A status callback's `Timestamp`: ISO 8601 with `Z`, as every example shows."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Call:
    sid: str
    status: str = "in-progress"
    date_created: str = ""
    date_updated: str = ""
    end_time: str | None = None
    from_: str | None = None
    to: str | None = None
    direction: str = "inbound"
    connection_id: str | None = None
    custom_headers: dict[str, str] = field(default_factory=dict)
    placed_at: float | None = None
    """Monotonic time it was placed through the API (None for calls added by hand)."""
    size: int = 0
    """What it counts against `Limits.client_value_bytes`."""

    def to_json(self) -> dict[str, Any]:
        return {"sid": self.sid, "status": self.status, "from": self.from_, "to": self.to,
                "direction": self.direction, "date_created": self.date_created, "date_updated": self.date_updated,
                "start_time": self.date_created, "end_time": self.end_time}


@dataclass
class Connector:
    name: str
    host: str
    port: int
    app_subdomain: str | None
    created_at: str
    updated_at: str
    size: int = 0
    """What it counts against `Limits.client_value_bytes`."""

    def to_json(self) -> dict[str, Any]:
        return {"record_type": "siprec_connector", "name": self.name, "host": self.host, "port": self.port,
                "app_subdomain": self.app_subdomain, "created_at": self.created_at, "updated_at": self.updated_at}


@dataclass
class Session:
    sid: str
    account_sid: str
    call_sid: str
    params: dict[str, Any]
    """The body as received (form strings or JSON values), but undocumented parameters past
    `Limits.undocumented_param_bytes`."""
    body_format: str
    checked: dict[str, Any]
    """The same parameters decoded and validated with the shared schema, by property name."""
    status: str
    date_created: str
    date_updated: str
    start_time: str
    custom_headers: dict[str, str] = field(default_factory=dict)
    """The call's custom headers, which this session passes on to the SRS."""
    sip: dict[str, Any] = field(default_factory=dict)
    """What happened on the SIP side, filled in by the SIPREC client when it ran."""
    dropped_params: DroppedParams | None = None
    """Undocumented parameters received but not kept (see `Limits.undocumented_param_bytes`)."""
    size: int = 0
    """What it counts against `Limits.client_value_bytes`."""

    @property
    def metadata_extensions(self) -> dict[str, str]:
        """Custom headers sent as `recording.session.ExtensionParameters` metadata (with
        IncludeMetadataCustomHeaders); otherwise they travel as SIP headers."""
        return dict(self.custom_headers) if self.checked.get("include_metadata_custom_headers") else {}

    def to_json(self) -> dict[str, Any]:
        as_headers = {} if self.checked.get("include_metadata_custom_headers") else dict(self.custom_headers)
        return {
            "sid": self.sid, "account_sid": self.account_sid, "call_sid": self.call_sid, "status": self.status,
            "params": dict(self.params), "body_format": self.body_format, "date_created": self.date_created,
            "date_updated": self.date_updated, "start_time": self.start_time,
            "metadata_extensions": self.metadata_extensions, "sip_headers": as_headers, "sip": dict(self.sip),
            "dropped_params": self.dropped_params.to_json() if self.dropped_params else None,
        }


@dataclass(frozen=True)
class CallbackEvent:
    """A status callback to deliver (by the HTTP layer's dispatcher, in the background)."""

    url: str
    method: str
    fields: dict[str, str]


@dataclass(frozen=True)
class SessionStarted:
    """A session has started: the SIPREC client may now invite its SRS."""

    session: Session


@dataclass(frozen=True)
class SessionEnded:
    """A session has stopped (or its call ended): the SIPREC client hangs up on its SRS."""

    sid: str


class PartEvent:
    """What an operation of another part of the API (Call Control) leaves to do; `SideEffects` hands it on."""


Event = CallbackEvent | SessionStarted | SessionEnded | PartEvent
"""What an operation leaves to do once the lock is released: deliveries and SIP signalling."""


def validation_failure(fields: FieldSet, body: Mapping[str, Any], required: tuple[str, ...] = (),
                       error: Callable[[Failure], Answer] = texml_422) -> Answer | None:
    """A 422 for the first invalid or missing documented parameter, or None when the body is valid."""
    outcome = fields.from_wire(body, required)
    return None if outcome.ok else error(outcome.failures[0])


def _connector_422(failure: Failure) -> Answer:
    return connector_error(422, f"{failure.property} {failure.reason}", f"/{failure.property}")


class EmulatorState:
    """The emulated account. `base_url` is the emulator's API root, used in the `uri` of answers."""

    def __init__(self, base_url: Callable[[], str], limits: Limits = Limits(), behaviour: Behaviour = Behaviour(),
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._base_url = base_url
        self.limits = limits
        self.behaviour = behaviour
        self._clock = clock
        self._monotonic = monotonic
        self.lock = threading.RLock()
        self.calls: dict[str, Call] = {}
        self.sessions: dict[str, Session] = {}
        self.connectors: dict[str, Connector] = {}
        self.requests: deque[dict[str, Any]] = deque(maxlen=limits.kept_requests)
        self.callbacks: deque[dict[str, Any]] = deque(maxlen=limits.kept_callbacks)
        self.counters = {"requests": 0, "callbacks": 0}
        self.client_value_bytes = 0
        """What calls, sessions and connectors hold of clients' values now (see `Limits.client_value_bytes`)."""
        self.in_flight = 0
        """API requests being handled right now (a delayed answer, say); tests wait for it to reach 0."""
        self.sip_view: Callable[[str], dict[str, Any]] = lambda _sid: {}
        """The SIP side of a session now, from the SIPREC client when one runs."""
        self.parts: list[Any] = []
        """Other parts of the API (Call Control) that keep their state under this lock: reset and shown with it."""

    # The account

    def whoami(self) -> Answer:
        """`GET /whoami`: not in the spec; the shape third-party code reads (docs/telnyx-api.md section 4)."""
        return Answer(200, {"data": {"organization_id": self.behaviour.organization_id,
                                     "user_id": self.behaviour.organization_id, "record_type": "whoami"}})

    # Calls

    def add_call(self, call_sid: str, status: str = "in-progress") -> Answer:
        """Adds (or revives) a call; it answers under any account sid."""
        with self.lock:
            if call_sid not in self.calls and len(self.calls) >= self.limits.calls:
                return api_error(429, "10011", "Too many calls",
                                 f"emulator limit: at most {self.limits.calls} calls; POST /_emulator/reset")
            size = value_bytes(call_sid)
            previous = self.calls.get(call_sid)
            refused = self._admit(size - (previous.size if previous else 0))
            if refused:
                return refused
            now = telnyx_date(self._clock())
            self.calls[call_sid] = Call(call_sid, status, now, now, size=size)
            return Answer(201, self.calls[call_sid].to_json())

    def place_call(self, connection_id: str, body: Mapping[str, Any]) -> Answer:
        """`POST /texml/calls/{connection_id}`: the call is `queued`, then answered (or not) after a delay. The
        answer is flat with `call_sid`, as seen live (docs/telnyx-api.md section 1a)."""
        invalid = validation_failure(CALL_INPUTS, body, ("To", "From"))
        if invalid:
            return invalid
        values = CALL_INPUTS.from_wire(body).inputs
        with self.lock:
            if len(self.calls) >= self.limits.calls:
                return api_error(429, "10011", "Too many calls",
                                 f"emulator limit: at most {self.limits.calls} calls; POST /_emulator/reset")
            now = telnyx_date(self._clock())
            call = Call(f"v3:{uuid.uuid4().hex}", "queued", now, now, from_=values["from_"], to=values["to"],
                        direction="outbound-api", connection_id=connection_id,
                        custom_headers=dict(values.get("custom_headers", {})), placed_at=self._monotonic())
            call.size = value_bytes(call.sid, call.from_, call.to, connection_id, call.custom_headers)
            refused = self._admit(call.size)
            if refused:
                return refused
            self.calls[call.sid] = call
            return Answer(200, {"call_sid": call.sid, "from": call.from_, "to": call.to, "status": call.status})

    def _advance(self, call: Call) -> list[Event]:
        """Moves a placed call on to its outcome once its answer delay has passed (computed on access)."""
        if call.status != "queued" or call.placed_at is None:
            return []
        if self._monotonic() - call.placed_at < self.behaviour.call_answer_delay:
            return []
        outcome = self.behaviour.call_outcome
        if outcome in LIVE_CALL_STATUSES:
            call.status = outcome
            call.date_updated = telnyx_date(self._clock())
            return []
        return self.end_call(call.sid, outcome)

    def end_call(self, call_sid: str, status: str = "completed") -> list[Event]:
        """Ends a call as the far end hanging up would: its running sessions stop. KeyError if unknown."""
        with self.lock:
            call = self.calls[call_sid]
            call.status = status
            call.end_time = call.date_updated = telnyx_date(self._clock())
            events = []
            for session in self.sessions.values():
                if session.call_sid == call_sid and session.status == "in-progress":
                    events += self._stop(session)
            return events

    def _visible_call(self, call_sid: str) -> Call | None:
        call = self.calls.get(call_sid)
        if call is None:
            return None
        lag = self.behaviour.call_fetch_lag
        if lag and call.placed_at is not None and self._monotonic() - call.placed_at < lag:
            return None  # eventually consistent: not visible yet
        return call

    def fetch_call(self, account_sid: str, call_sid: str) -> tuple[Answer, list[Event]]:
        """`GET /texml/Accounts/{account_sid}/Calls/{call_sid}`."""
        with self.lock:
            call = self._visible_call(call_sid)
            if call is None:
                return not_found(), []
            events = self._advance(call)
            return Answer(200, self._call_json(account_sid, call)), events

    def update_call(self, account_sid: str, call_sid: str, body: Mapping[str, Any]
                    ) -> tuple[Answer, list[Event]]:
        """`POST /texml/Accounts/{account_sid}/Calls/{call_sid}` with `Status=completed` hangs up."""
        if body.get("Status") != "completed":
            return api_error(422, "10032", "Invalid enumerated value", "Status must be `completed` (hang up)",
                             "/Status"), []
        with self.lock:
            call = self.calls.get(call_sid)
            if call is None:
                return not_found(), []
            events = self._advance(call)
            if call.status in LIVE_CALL_STATUSES or call.status == "queued":
                events += self.end_call(call_sid, "completed" if call.status == "in-progress" else "canceled")
            return Answer(200, self._call_json(account_sid, call)), events

    def _call_json(self, account_sid: str, call: Call) -> dict[str, Any]:
        call_path = f"/texml/Accounts/{quote(account_sid, safe=':')}/Calls/{quote(call.sid, safe=':')}"
        return {**call.to_json(), "account_sid": account_sid, "uri": self._base_url() + call_path}

    def _live_call(self, call_sid: str) -> Call | None:
        call = self.calls.get(call_sid)
        if call is not None:
            self._advance(call)
        return call if call is not None and call.status in LIVE_CALL_STATUSES else None

    # SIPREC sessions

    def start_siprec(self, account_sid: str, call_sid: str, body: Mapping[str, Any], body_format: str = "form"
                     ) -> tuple[Answer, list[Event]]:
        """`POST .../Calls/{call_sid}/Siprec.json`."""
        invalid = validation_failure(SESSION_INPUTS, body)
        if invalid:
            return invalid, []
        checked = SESSION_INPUTS.from_wire(body).inputs
        with self.lock:
            call = self._live_call(call_sid)
            if call is None:
                return not_found(), []
            if self.behaviour.one_session_per_call and any(
                    s.call_sid == call_sid and s.status == "in-progress" for s in self.sessions.values()):
                return api_error(422, "10015", "Invalid request", "A SIPREC session is already running on this "
                                 "call; stop it before starting another", "/CallSid"), []
            if len(self.sessions) >= self.limits.sessions:
                return api_error(429, "10011", "Too many sessions",
                                 f"emulator limit: at most {self.limits.sessions} SIPREC sessions are kept; "
                                 "restart the emulator or POST /_emulator/reset"), []
            session = self._new_session(str(uuid.uuid4()), account_sid, call, body, body_format, checked)
            if isinstance(session, Answer):
                return session, []
            now = session.date_created
            answer = {
                "account_sid": account_sid, "call_sid": call_sid, "sid": session.sid, "date_created": now,
                "date_updated": now, "start_time": now, "status": "in-progress",
                "track": checked.get("track", SESSION_INPUTS.spec("track").default), "uri": self._uri(session),
                "error_code": None,
            }
            return Answer(200, answer), [SessionStarted(session), *self._callback(session, "siprec-started")]

    def add_session(self, sid: str, call_sid: str, account_sid: str, params: Mapping[str, Any]) -> Answer:
        """Holds a session with a given sid on a live call, in progress, as if it had been started elsewhere (by
        another emulator, or before a restart): no callback is sent and no SRS is invited, but stopping it, or
        ending its call, does both as for any session. 201 with the session as the state shows it; 404 for an
        unknown call, 409 for a call that has ended or a sid in use, 422 for an invalid id or parameter (as a
        start answers it), 429 past a limit."""
        for name, value in (("sid", sid), ("call_sid", call_sid), ("account_sid", account_sid)):
            try:
                url_path_id(value)
            except InvalidValueError as err:
                return api_error(422, "10026", "Invalid parameter type", f"{name} {err.reason}", f"/{name}")
        invalid = validation_failure(SESSION_INPUTS, params)
        if invalid:
            return invalid
        checked = SESSION_INPUTS.from_wire(params).inputs
        with self.lock:
            call = self.calls.get(call_sid)
            if call is None:
                return Answer(404, {"errors": [{"detail": f"no call {call_sid!r}: add it first with POST "
                                                          "/_emulator/calls"}]})
            self._advance(call)
            if call.status not in LIVE_CALL_STATUSES:
                return Answer(409, {"errors": [{"detail": f"call {call_sid!r} is {call.status}: a session in "
                                                          "progress needs a live call"}]})
            if sid in self.sessions:
                return Answer(409, {"errors": [{"detail": f"a session with sid {sid!r} exists already"}]})
            if len(self.sessions) >= self.limits.sessions:
                return api_error(429, "10011", "Too many sessions",
                                 f"emulator limit: at most {self.limits.sessions} SIPREC sessions are kept; "
                                 "restart the emulator or POST /_emulator/reset")
            session = self._new_session(sid, account_sid, call, params, "json", checked)
            if isinstance(session, Answer):
                return session
            return Answer(201, self._session_json(session))

    def _new_session(self, sid: str, account_sid: str, call: Call, body: Mapping[str, Any], body_format: str,
                     checked: dict[str, Any]) -> Session | Answer:
        """A session, kept, with what it may keep of `body`; or the 429 that says why it cannot be kept."""
        params, dropped = kept_params(body, SESSION_WIRE_KEYS, self.limits.undocumented_param_bytes)
        size = value_bytes(sid, account_sid, call.sid, params)
        refused = self._admit(size)
        if refused:
            return refused
        now = telnyx_date(self._clock())
        session = Session(
            sid=sid, account_sid=account_sid, call_sid=call.sid, params=params, body_format=body_format,
            checked=checked, status="in-progress", date_created=now, date_updated=now, start_time=now,
            custom_headers=dict(call.custom_headers), dropped_params=dropped, size=size,
        )
        self.sessions[sid] = session
        return session

    def _admit(self, size: int) -> Answer | None:
        """Counts `size` more bytes of clients' values, or the 429 that refuses them
        (`Limits.client_value_bytes`)."""
        if not self._fits(size):
            return api_error(429, "10011", "Too much data", self._over_budget())
        return None

    def _fits(self, size: int) -> bool:
        """Counts `size` more bytes of clients' values if they fit in `Limits.client_value_bytes`."""
        if self.client_value_bytes + size > self.limits.client_value_bytes:
            return False
        self.client_value_bytes += size
        return True

    def _over_budget(self) -> str:
        return (f"emulator limit: calls, sessions and connectors may keep at most {self.limits.client_value_bytes} "
                "bytes of the values clients sent, and this would pass it; POST /_emulator/reset")

    def stop_siprec(self, account_sid: str, call_sid: str, siprec_sid: str, body: Mapping[str, Any]
                    ) -> tuple[Answer, list[Event]]:
        """`POST .../Calls/{call_sid}/Siprec/{siprec_sid}.json` with `Status=stopped`."""
        if body.get("Status") != "stopped":
            return api_error(422, "10032", "Invalid enumerated value", "Status must be `stopped`", "/Status"), []
        with self.lock:
            session = self.sessions.get(siprec_sid)
            if session is None or session.call_sid != call_sid:
                return not_found(), []
            if session.status != "in-progress":
                if self.behaviour.stopped_session_status == 200:
                    return Answer(200, self._stop_answer(account_sid, session)), []
                return not_found(), []
            events = self._stop(session)
            return Answer(200, self._stop_answer(account_sid, session)), events

    def _stop_answer(self, account_sid: str, session: Session) -> dict[str, Any]:
        return {"account_sid": account_sid, "call_sid": session.call_sid, "sid": session.sid,
                "date_updated": session.date_updated, "status": session.status, "uri": self._uri(session),
                "error_code": None}

    def _stop(self, session: Session) -> list[Event]:
        session.status = "stopped"
        session.date_updated = telnyx_date(self._clock())
        return [SessionEnded(session.sid), *self._callback(session, "siprec-stopped")]

    def fail_session(self, siprec_sid: str, error: str) -> list[Event]:
        """Marks a session failed (its SRS refused or never answered) and reports it, as Telnyx's
        `siprec-failed` callback does with `SiprecError`. KeyError if unknown."""
        with self.lock:
            session = self.sessions[siprec_sid]
            if session.status != "in-progress":
                return []
            session.status = "failed"
            session.date_updated = telnyx_date(self._clock())
            return [*self._callback(session, "siprec-failed", error)]

    def note_sip(self, siprec_sid: str, facts: Mapping[str, Any]) -> None:
        """Adds what the SIPREC client did to a session's `sip` (the INVITE as sent...), counted against
        `Limits.client_value_bytes` like the values it was made from; past the budget, the next create is
        refused."""
        with self.lock:
            session = self.sessions.get(siprec_sid)
            if session is None:
                return
            size = value_bytes(dict(facts))
            session.sip.update(facts)
            session.size += size
            self.client_value_bytes += size

    def _uri(self, session: Session) -> str:
        account, call = quote(session.account_sid, safe=":"), quote(session.call_sid, safe=":")
        return f"{self._base_url()}/texml/Accounts/{account}/Calls/{call}/Siprec/{session.sid}"

    def _callback(self, session: Session, event: str, error: str | None = None) -> list[CallbackEvent]:
        url = session.checked.get("status_callback")
        if not url:
            return []
        fields = {
            "AccountSid": session.account_sid,
            "CallSid": session.call_sid,
            "SiprecSid": session.sid,
            "SiprecEvent": event,
            "Timestamp": callback_timestamp(self._clock()),
        }
        if session.checked.get("name"):
            fields["SiprecName"] = session.checked["name"]
        if error is not None:
            fields["SiprecError"] = error
        return [CallbackEvent(url, session.checked.get("status_callback_method", "POST"), fields)]

    # SIPREC connectors (JSON API, `data` envelope, integer error codes)

    def create_connector(self, body: Mapping[str, Any]) -> Answer:
        """`POST /siprec_connectors`."""
        invalid = validation_failure(CONNECTOR_INPUTS, body, ("name", "host", "port"), _connector_422)
        if invalid:
            return invalid
        values = CONNECTOR_INPUTS.from_wire(body).inputs
        with self.lock:
            if values["name"] in self.connectors:
                # No duplicate-name error is documented; a 422 on `name` in the documented shape.
                return connector_error(422, "name has already been taken", "/name")
            if len(self.connectors) >= self.limits.connectors:
                return connector_error(429, f"emulator limit: at most {self.limits.connectors} connectors; "
                                            "POST /_emulator/reset")
            now = iso_date(self._clock())
            connector = Connector(values["name"], values["host"], values["port"], values.get("app_subdomain"),
                                  now, now)
            connector.size = value_bytes(connector.name, connector.host, connector.app_subdomain)
            if not self._fits(connector.size):
                return connector_error(429, self._over_budget())
            self.connectors[connector.name] = connector
            return Answer(201, {"data": connector.to_json()})

    def get_connector(self, name: str) -> Answer:
        """`GET /siprec_connectors/{name}`."""
        with self.lock:
            connector = self.connectors.get(name)
            if connector is None:
                return connector_error(404, "The requested resource does not exist")
            return Answer(200, {"data": connector.to_json()})

    def update_connector(self, name: str, body: Mapping[str, Any]) -> Answer:
        """`PUT /siprec_connectors/{name}`: create's body, `name`, `host` and `port` required. An absent
        `app_subdomain` is left as it is (no source says how to clear it)."""
        invalid = validation_failure(CONNECTOR_INPUTS, body, ("name", "host", "port"), _connector_422)
        if invalid:
            return invalid
        values = CONNECTOR_INPUTS.from_wire(body).inputs
        with self.lock:
            connector = self.connectors.get(name)
            if connector is None:
                return connector_error(404, "The requested resource does not exist")
            if values["name"] != name:
                return connector_error(422, "name cannot be changed; create a connector with the new name",
                                       "/name")
            subdomain = values.get("app_subdomain", connector.app_subdomain)
            size = value_bytes(connector.name, values["host"], subdomain)
            if not self._fits(size - connector.size):
                return connector_error(429, self._over_budget())
            connector.size = size
            connector.host, connector.port, connector.app_subdomain = values["host"], values["port"], subdomain
            connector.updated_at = iso_date(self._clock())
            return Answer(200, {"data": connector.to_json()})

    def delete_connector(self, name: str) -> Answer:
        """`DELETE /siprec_connectors/{name}`."""
        with self.lock:
            connector = self.connectors.pop(name, None)
            if connector is None:
                return connector_error(404, "The requested resource does not exist")
            self.client_value_bytes -= connector.size
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
            for part in self.parts:
                part.reset()
            self.client_value_bytes = 0

    def _session_json(self, session: Session) -> dict[str, Any]:
        shown = session.to_json()
        shown["sip"] = {**shown["sip"], **self.sip_view(session.sid)}
        return shown

    def snapshot(self) -> dict[str, Any]:
        """Everything, as JSON-ready data (what `GET /_emulator/state` answers)."""
        with self.lock:
            for call in self.calls.values():
                self._advance(call)
            return {
                "calls": {sid: {**call.to_json(), "custom_headers": dict(call.custom_headers),
                                "connection_id": call.connection_id} for sid, call in self.calls.items()},
                "sessions": [self._session_json(s) for s in self.sessions.values()],
                "connectors": {name: c.to_json() for name, c in self.connectors.items()},
                "callbacks": list(self.callbacks),
                "requests": list(self.requests),
                "counters": {**self.counters, "in_flight": self.in_flight,
                             "client_value_bytes": self.client_value_bytes},
                "limits": dataclasses.asdict(self.limits),
                "behaviour": dataclasses.asdict(self.behaviour),
                **{key: value for part in self.parts for key, value in part.snapshot().items()},
            }


__all__ = ["CALL_OUTCOMES", "ENDED_CALL_STATUSES", "Answer", "Behaviour", "EmulatorState", "Limits"]


def updated_behaviour(current: Behaviour, changes: Any) -> Behaviour:
    """`current` with the fields of a JSON object changed; ValueError naming a bad field."""
    if not isinstance(changes, dict):
        raise ValueError("send a JSON object of behaviour fields, e.g. {\"call_fetch_lag\": 2}")
    known = {f.name: f for f in dataclasses.fields(Behaviour)}
    for name, value in changes.items():
        if name not in known:
            raise ValueError(f"unknown behaviour field {name!r}; known: {', '.join(known)}")
        expected = type(getattr(current, name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
            changes = {**changes, name: value}
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ValueError(f"behaviour field {name!r} must be a {expected.__name__}, got {value!r}")
    updated = dataclasses.replace(current, **changes)
    if updated.call_outcome not in CALL_OUTCOMES:
        raise ValueError(f"`call_outcome` must be one of {', '.join(CALL_OUTCOMES)}")
    if updated.stopped_session_status not in (200, 404):
        raise ValueError("`stopped_session_status` must be 200 or 404")
    if updated.call_answer_delay < 0 or updated.call_fetch_lag < 0:
        raise ValueError("delays must not be negative")
    return updated
