"""Telnyx's Call Control API, emulated: Dial, a call's status, hang-up, the connection's active calls, and the
SIPREC start and stop commands, with the call's webhooks (docs/telnyx-api.md section 10).

Its state lives beside the TeXML side's, under the same lock (`EmulatorState.parts`); its routes are in `ROUTES`,
which the HTTP server serves with the others. A call lives by the clock: dialed, answered (or not) after the
emulator's `call_answer_delay` as its `call_outcome` says, ended by a hang-up, by its `time_limit_secs`, or by the
emulator's `call_duration` (a far end that hangs up by itself). A background thread moves calls on when their time
comes, so that webhooks and the SIP side follow without anyone asking. Its SIPREC sessions go to the SIP side as
`SiprecStarted`/`SiprecEnded` events, which the glue (`emulator/call_control_recorder.py`) carries out.

Where Telnyx documents nothing, the choice is written beside the code: one SIPREC session per call (a second start
is refused, since `siprec_stop` names no session), a stop with no session running is refused, a hang-up or stop
with a `command_id` already seen for the call is answered `ok` and ignored, and an ended call's status is kept
10 minutes, then the call is unknown (422 code 90015).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .call_control_events import HANGUP_CAUSES, occurred_at, webhook
from .resource_inputs import (
    CALL_CONTROL_CALL_INPUTS,
    CALL_CONTROL_SESSION_INPUTS,
    CALL_ENDED_CODE,
    CLIENT_STATE_FIELD,
    INVALID_CALL_CONTROL_ID_CODE,
    NOT_ANSWERED_CODE,
    Failure,
    InvalidValueError,
    Problem,
)
from .state import Answer, EmulatorState, Event, PartEvent, api_error, validation_failure

KEPT_AFTER_END_SECONDS = 600.0
"""\"data is available 10 minutes after call ended\" (`GET /calls/{id}`)."""
KEPT_COMMAND_IDS = 100
"""`command_id`s remembered per call (a call takes few commands; the bound keeps memory bounded)."""
TICK_SECONDS = 0.02

# Call Control's 422 codes for an invalid parameter (the spec's `UnprocessableEntityResponse` examples): 10004
# missing, 10032 not one of an enumeration, 10016 a number not in E.164, 10033 a number out of its range, 10015 any
# other invalid value (its `invalid_connection_id` example).
_CODES = {Problem.MISSING: ("10004", "Missing required parameter"),
          Problem.CHOICE: ("10032", "Invalid enumerated value")}
_VALUE_CODES = {"to": ("10016", "Phone number must be in +E164 format"),
                "from": ("10016", "Phone number must be in +E164 format"),
                "timeout_secs": ("10033", "Value outside of range"),
                "time_limit_secs": ("10033", "Value outside of range"),
                "session_timeout_secs": ("10033", "Value outside of range")}
_DEFAULT_CODE = ("10015", "Invalid value")


def call_control_422(failure: Failure) -> Answer:
    code, title = _CODES.get(failure.problem) or (
        _VALUE_CODES.get(failure.property, _DEFAULT_CODE) if failure.problem is Problem.VALUE else _DEFAULT_CODE)
    return api_error(422, code, title, f"{failure.property} {failure.reason}", f"/{failure.property}")


def unknown_call() -> Answer:
    """The spec's `invalid_call_control_id` example."""
    return api_error(422, INVALID_CALL_CONTROL_ID_CODE, "Invalid Call Control ID",
                     "The call_control_id provided was not valid.", "/call_control_id")


def ended_call() -> Answer:
    """The spec's `call_already_ended` example."""
    return api_error(422, CALL_ENDED_CODE, "Call has already ended",
                     "This call is no longer active and can't receive commands.")


def not_answered() -> Answer:
    """The spec's `call_not_answered` example."""
    return api_error(422, NOT_ANSWERED_CODE, "Call not answered yet",
                     "This call can't receive this command because it has not been answered yet.")


def ok() -> Answer:
    """Every command's answer: `CallControlCommandResult`."""
    return Answer(200, {"data": {"result": "ok"}})


@dataclass
class Session:
    """A call's SIPREC session."""

    sid: str
    """The emulator's own id (Telnyx shows none): the SIP side's handle."""
    call_control_id: str
    params: dict[str, Any]
    """The body exactly as received."""
    checked: dict[str, Any]
    """The body decoded and validated with the resource's own input fields, by property name."""
    client_state: str | None
    status: str = "starting"
    """`starting` (INVITE out), `in-progress`, `stopped` or `failed`."""
    started_at: str = ""
    sip: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "params": dict(self.params), "checked": dict(self.checked), "sip": dict(self.sip)}


@dataclass
class Call:
    call_control_id: str
    call_leg_id: str
    call_session_id: str
    connection_id: str
    from_: str
    to: str
    client_state: str | None
    webhook_url: str | None
    custom_headers: dict[str, str]
    timeout_secs: int | None
    time_limit_secs: int | None
    dialed_at: float
    """Monotonic."""
    start_time: str
    state: str = "dialing"
    """`dialing`, `answered` or `ended`."""
    answered_at: float | None = None
    ended_at: float | None = None
    end_time: str | None = None
    hangup_cause: str | None = None
    sessions: list[Session] = field(default_factory=list)
    command_ids: list[str] = field(default_factory=list)

    @property
    def session(self) -> Session | None:
        """The running session (starting or in progress), if any."""
        live = [s for s in self.sessions if s.status in ("starting", "in-progress")]
        return live[-1] if live else None

    def seen(self, command_id: Any) -> bool:
        """Whether a command with this `command_id` came already (and remember it)."""
        if not isinstance(command_id, str) or not command_id:
            return False
        if command_id in self.command_ids:
            return True
        self.command_ids = [*self.command_ids[-(KEPT_COMMAND_IDS - 1):], command_id]
        return False

    def ids(self) -> dict[str, Any]:
        """What every webhook and answer about the call carries."""
        return {"call_control_id": self.call_control_id, "call_leg_id": self.call_leg_id,
                "call_session_id": self.call_session_id, "client_state": self.client_state,
                "connection_id": self.connection_id}

    def duration(self, now: float) -> int:
        if self.answered_at is None:
            return 0
        return int((self.ended_at if self.ended_at is not None else now) - self.answered_at)

    def to_json(self, now: float) -> dict[str, Any]:
        """The `Call` object of the status read."""
        ids = {k: v for k, v in self.ids().items() if k != "connection_id"}  # not a field of the `Call` object
        shown: dict[str, Any] = {**ids, "record_type": "call", "is_alive": self.state == "answered",
                                 "call_duration": self.duration(now), "start_time": self.start_time}
        if self.end_time is not None:
            shown["end_time"] = self.end_time
        return {k: v for k, v in shown.items() if v is not None}


@dataclass(frozen=True)
class SiprecStarted(PartEvent):
    """A session has started: the SIPREC client invites the SRS (`srs` None: nothing to invite, and why)."""

    session: Session
    caller: str
    callee: str
    srs: tuple[str, int] | str
    custom_headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SiprecEnded(PartEvent):
    """A session has stopped (or its call ended): the SIPREC client hangs up on its SRS."""

    sid: str


class CallControl:
    """The Call Control part of the emulated account. `default_webhook_url` stands for the Call Control
    application's webhook URL; `call_duration` (seconds) makes answered calls hang up by themselves."""

    def __init__(self, state: EmulatorState, *, default_webhook_url: str | None = None,
                 call_duration: float | None = None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._state = state
        self.lock = state.lock
        self.default_webhook_url = default_webhook_url
        self.call_duration = call_duration
        self._monotonic = monotonic
        self.calls: dict[str, Call] = {}
        self.sip = False
        """Whether a SIP side carries out `SiprecStarted` (else a session is in progress at once)."""
        self.sip_view: Callable[[str], dict[str, Any]] = lambda _sid: {}
        self._submit: Callable[[Iterable[Event]], None] = lambda _events: None
        self._stopping = threading.Event()
        self._clock: threading.Thread | None = None
        state.parts.append(self)

    # Wiring

    def bind(self, submit: Callable[[Iterable[Event]], None]) -> None:
        """Where events that happen by the clock (an answer, a hang-up) go; starts the clock."""
        self._submit = submit
        if self._clock is None:
            self._stopping = threading.Event()
            self._clock = threading.Thread(target=self._run_clock, name="call-control-clock", daemon=True)
            self._clock.start()

    def close(self) -> None:
        self._stopping.set()
        if self._clock is not None:
            self._clock.join(timeout=1)
            self._clock = None

    def _run_clock(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            with self.lock:
                events = self._advance_all()
            if events:
                self._submit(events)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            # No moving on here: what that sets off (webhooks, BYEs) is the clock's or an operation's to deliver.
            now = self._monotonic()
            return {"call_control_calls": {
                cid: {**call.to_json(now), "connection_id": call.connection_id, "from": call.from_, "to": call.to,
                      "state": call.state,
                      "webhook_url": call.webhook_url, "custom_headers": dict(call.custom_headers),
                      "hangup_cause": call.hangup_cause,
                      "sessions": [{**s.to_json(), "sip": {**s.sip, **self.sip_view(s.sid)}} for s in call.sessions]}
                for cid, call in self.calls.items()}}

    # The clock

    def _advance_all(self) -> list[Event]:
        now = self._monotonic()
        events: list[Event] = []
        for cid in list(self.calls):
            call = self.calls[cid]
            if call.state == "ended":
                if call.ended_at is not None and now - call.ended_at > KEPT_AFTER_END_SECONDS:
                    del self.calls[cid]
                continue
            events += self._advance(call, now)
        return events

    def _advance(self, call: Call, now: float) -> list[Event]:
        behaviour = self._state.behaviour
        if call.state == "dialing" and now - call.dialed_at >= behaviour.call_answer_delay:
            if behaviour.call_outcome != "in-progress":
                cause, sip_cause = HANGUP_CAUSES[behaviour.call_outcome]
                return self._end(call, cause, "callee", sip_cause)
            call.state, call.answered_at = "answered", now
            return webhook(self._url(call), "call.answered", {
                **call.ids(), "from": call.from_, "to": call.to, "start_time": call.start_time, "state": "answered"})
        if call.state == "answered" and call.answered_at is not None:
            if call.time_limit_secs is not None and now - call.answered_at >= call.time_limit_secs:
                return self._end(call, "time_limit", "unknown", "unspecified")
            if self.call_duration is not None and now - call.answered_at >= self.call_duration:
                return self._end(call, "normal_clearing", "callee", "unspecified")
        return []

    def _end(self, call: Call, cause: str, source: str, sip_cause: str) -> list[Event]:
        call.state, call.ended_at, call.end_time, call.hangup_cause = "ended", self._monotonic(), occurred_at(), cause
        events: list[Event] = []
        session = call.session
        if session is not None:
            events += self._stop(call, session, "normal_clearing")
        events += webhook(self._url(call), "call.hangup", {
            **call.ids(), "from": call.from_, "to": call.to, "start_time": call.start_time, "state": "hangup",
            "hangup_cause": cause, "hangup_source": source, "sip_hangup_cause": sip_cause})
        return events

    def _url(self, call: Call) -> str | None:
        return call.webhook_url or self.default_webhook_url

    def _call(self, call_control_id: str) -> tuple[Call | None, list[Event]]:
        """The call by id, moved on to now (None: unknown, or forgotten 10 minutes after it ended)."""
        events = self._advance_all()
        return self.calls.get(call_control_id), events

    def _live_call(self, call_control_id: str) -> tuple[Call | Answer, list[Event]]:
        """The call a command acts on, moved on to now; or the command's refusal when the call is unknown or has
        ended. With the lock held."""
        call, events = self._call(call_control_id)
        if call is None:
            return unknown_call(), events
        if call.state == "ended":
            return ended_call(), events
        return call, events

    def _commanded_call(self, call_control_id: str, body: Mapping[str, Any]) -> tuple[Call | Answer, list[Event]]:
        """As `_live_call`, for a command that may be repeated and sets `client_state`: refused when that is not
        base64, `ok` when its `command_id` was seen on the call already (a retry of one done). With the lock held."""
        invalid = self._client_state_failure(body)
        if invalid:
            return invalid, []
        call, events = self._live_call(call_control_id)
        if isinstance(call, Call) and call.seen(body.get("command_id")):
            return ok(), events
        return call, events

    # The API

    def dial(self, body: Mapping[str, Any]) -> tuple[Answer, list[Event]]:
        """`POST /calls`: the call is dialing; `call.initiated` goes out. Answered with the `Call` object,
        `is_alive: false` (\"dialing is asynchronous\")."""
        invalid = validation_failure(CALL_CONTROL_CALL_INPUTS, body, ("connection_id", "to", "from"),
                                     call_control_422) or self._client_state_failure(body)
        if invalid:
            return invalid, []
        values = CALL_CONTROL_CALL_INPUTS.from_wire(body).inputs
        with self.lock:
            events = self._advance_all()
            if len(self.calls) >= self._state.limits.calls:
                return api_error(429, "10011", "Too many calls", f"emulator limit: at most "
                                 f"{self._state.limits.calls} Call Control calls; POST /_emulator/reset"), events
            call = Call(
                call_control_id=f"v3:{uuid.uuid4().hex}", call_leg_id=str(uuid.uuid4()),
                call_session_id=str(uuid.uuid4()), connection_id=values["connection_id"], from_=values["from_"],
                to=values["to"], client_state=body.get("client_state"), webhook_url=values.get("webhook_url"),
                custom_headers=dict(values.get("custom_headers", {})), timeout_secs=values.get("timeout_secs"),
                time_limit_secs=values.get("time_limit_secs"), dialed_at=self._monotonic(), start_time=occurred_at(),
            )
            self.calls[call.call_control_id] = call
            events += webhook(self._url(call), "call.initiated", {
                **call.ids(), "from": call.from_, "to": call.to, "direction": "outgoing", "state": "bridging"})
            return Answer(200, {"data": call.to_json(self._monotonic())}), events

    @staticmethod
    def _client_state_failure(body: Mapping[str, Any]) -> Answer | None:
        value = body.get("client_state")
        if value is None:
            return None
        try:
            CLIENT_STATE_FIELD.validate(value)
        except InvalidValueError as err:
            return call_control_422(Failure("client_state", err.reason, err.problem))
        return None

    def status(self, call_control_id: str) -> tuple[Answer, list[Event]]:
        """`GET /calls/{call_control_id}`."""
        with self.lock:
            call, events = self._call(call_control_id)
            if call is None:
                return unknown_call(), events
            return Answer(200, {"data": call.to_json(self._monotonic())}), events

    def active_calls(self, connection_id: str) -> tuple[Answer, list[Event]]:
        """`GET /connections/{connection_id}/active_calls`: the calls not ended, dialing ones included, in one page
        (cursor pagination as the spec has it, with no next page)."""
        with self.lock:
            events = self._advance_all()
            now = self._monotonic()
            listed = [{"call_control_id": c.call_control_id, "call_duration": c.duration(now),
                       "call_leg_id": c.call_leg_id, "call_session_id": c.call_session_id,
                       "client_state": c.client_state or "", "record_type": "call"}
                      for c in self.calls.values() if c.connection_id == connection_id and c.state != "ended"]
            return Answer(200, {"data": listed, "meta": {"cursors": {"after": None, "before": None},
                                                         "total_items": len(listed)}}), events

    def hangup(self, call_control_id: str, body: Mapping[str, Any]) -> tuple[Answer, list[Event]]:
        """`POST /calls/{id}/actions/hangup`: `call.hangup` (`normal_clearing`, or `originator_cancel` while
        dialing), and the call's session stops."""
        with self.lock:
            call, events = self._commanded_call(call_control_id, body)
            if isinstance(call, Answer):
                return call, events
            if isinstance(body.get("client_state"), str):
                call.client_state = body["client_state"]
            cause = "originator_cancel" if call.state == "dialing" else "normal_clearing"
            return ok(), events + self._end(call, cause, "caller", "unspecified")

    def siprec_start(self, call_control_id: str, body: Mapping[str, Any]) -> tuple[Answer, list[Event]]:
        """`POST /calls/{id}/actions/siprec_start`: answered `ok` at once; `siprec.started` goes out once the SRS has
        answered its INVITE (or at once when nothing is invited), `siprec.failed` if it refuses."""
        invalid = validation_failure(CALL_CONTROL_SESSION_INPUTS, body, error=call_control_422)
        if invalid:
            return invalid, []
        checked = CALL_CONTROL_SESSION_INPUTS.with_defaults(CALL_CONTROL_SESSION_INPUTS.from_wire(body).inputs)
        with self.lock:
            call, events = self._live_call(call_control_id)
            if isinstance(call, Answer):
                return call, events
            if call.state == "dialing":
                return not_answered(), events
            if call.session is not None:
                # Not documented. `siprec_stop` names no session, so a call has one to stop: a second start is
                # refused, in Call Control's error envelope with its generic invalid-request code.
                return api_error(422, "10015", "SIPREC session already active",
                                 "A SIPREC session is already running on this call; stop it (siprec_stop) before "
                                 "starting another."), events
            if len(call.sessions) >= KEPT_COMMAND_IDS:
                return api_error(429, "10011", "Too many sessions",
                                 f"emulator limit: at most {KEPT_COMMAND_IDS} SIPREC sessions per call"), events
            session = Session(sid=str(uuid.uuid4()), call_control_id=call_control_id, params=dict(body),
                              checked=checked, client_state=body.get("client_state") or call.client_state,
                              started_at=occurred_at())
            call.sessions.append(session)
            srs = self._srs_of(checked.get("connector_name"))
            if not self.sip or isinstance(srs, str):
                session.sip["skipped"] = srs if isinstance(srs, str) else "no SIP sent: the emulator runs without SIP"
                events += self._started(call, session)
            else:
                events.append(SiprecStarted(session, call.from_, call.to, srs, tuple(call.custom_headers.items())))
            return ok(), events

    def _srs_of(self, connector_name: Any) -> tuple[str, int] | str:
        """Where the named connector points, or why no SIP goes out."""
        connector = self._state.connectors.get(connector_name) if isinstance(connector_name, str) else None
        if connector is None:
            return f"no SIP sent: the emulator holds no connector named {connector_name!r}"
        return connector.host, connector.port

    def _started(self, call: Call, session: Session) -> list[Event]:
        session.status = "in-progress"
        return webhook(self._url(call), "siprec.started", {**call.ids(), "client_state": session.client_state})

    def siprec_stop(self, call_control_id: str, body: Mapping[str, Any]) -> tuple[Answer, list[Event]]:
        """`POST /calls/{id}/actions/siprec_stop`: stops the call's session (`siprec.stopped`)."""
        with self.lock:
            call, events = self._commanded_call(call_control_id, body)
            if isinstance(call, Answer):
                return call, events
            session = call.session
            if session is None:
                # Not documented: like the spec's `fork_not_found` for forking, a stop with nothing to stop is
                # refused (with the generic invalid-request code).
                return api_error(422, "10015", "SIPREC session not active",
                                 "There is no SIPREC session running on this call."), events
            if isinstance(body.get("client_state"), str):
                session.client_state = body["client_state"]
            return ok(), events + self._stop(call, session, "normal_clearing")

    def _stop(self, call: Call, session: Session, cause: str) -> list[Event]:
        session.status = "stopped"
        return [SiprecEnded(session.sid), *webhook(self._url(call), "siprec.stopped", {
            **call.ids(), "client_state": session.client_state, "hangup_cause": cause})]

    # The SIP side's reports, and the emulator's own controls

    def _session(self, sid: str) -> tuple[Call, Session] | None:
        for call in self.calls.values():
            for session in call.sessions:
                if session.sid == sid:
                    return call, session
        return None

    def session_established(self, sid: str) -> list[Event]:
        """The SRS took the session (or nothing was invited): `siprec.started`."""
        with self.lock:
            found = self._session(sid)
            if found is None or found[1].status != "starting":
                return []
            return self._started(*found)

    def session_failed(self, sid: str, failure_cause: str) -> list[Event]:
        """The SRS refused or never answered: `siprec.failed` with `failure_cause`."""
        with self.lock:
            found = self._session(sid)
            if found is None or found[1].status not in ("starting", "in-progress"):
                return []
            call, session = found
            session.status = "failed"
            return webhook(self._url(call), "siprec.failed", {
                **call.ids(), "client_state": session.client_state, "failure_cause": failure_cause})

    def session_ended_by_srs(self, sid: str) -> list[Event]:
        """The SRS hung up (BYE) or its session refresh failed: `siprec.stopped`."""
        with self.lock:
            found = self._session(sid)
            if found is None or found[1].status != "in-progress":
                return []
            call, session = found
            session.status = "stopped"
            return webhook(self._url(call), "siprec.stopped", {
                **call.ids(), "client_state": session.client_state, "hangup_cause": "normal_clearing"})

    def note(self, sid: str, facts: Mapping[str, Any]) -> None:
        with self.lock:
            found = self._session(sid)
            if found is not None:
                found[1].sip.update(facts)

    def add_call(self, call_control_id: str, connection_id: str = "emulator") -> None:
        """Adds an answered call by id (replacing one of that id, sessions and all), as tests seed calls."""
        with self.lock:
            now = self._monotonic()
            self.calls[call_control_id] = Call(
                call_control_id=call_control_id, call_leg_id=str(uuid.uuid4()), call_session_id=str(uuid.uuid4()),
                connection_id=connection_id, from_="+15550100001", to="+15550100002", client_state=None,
                webhook_url=None, custom_headers={}, timeout_secs=None, time_limit_secs=None, dialed_at=now,
                start_time=occurred_at(), state="answered", answered_at=now)

    def end_call(self, call_control_id: str, cause: str = "normal_clearing") -> list[Event]:
        """Ends a call as the far end hanging up would. KeyError if unknown or ended."""
        with self.lock:
            call = self.calls[call_control_id]
            if call.state == "ended":
                raise KeyError(call_control_id)
            return self._end(call, cause, "callee", "unspecified")


def _of(state: EmulatorState) -> CallControl:
    """The Call Control part of an emulated account (made on first use, for servers built without the facade)."""
    with state.lock:
        for part in state.parts:
            if isinstance(part, CallControl):
                return part
        return CallControl(state)


_CALL = r"/v2/calls/(?P<call_control_id>[^/]+)"
ROUTES: tuple[tuple[str, str, str, Callable[[EmulatorState, Mapping[str, str], dict[str, Any]],
                                            tuple[Answer, list[Event]]]], ...] = (
    ("call_control.dial", "POST", r"/v2/calls", lambda s, _ids, body: _of(s).dial(body)),
    ("call_control.status", "GET", _CALL, lambda s, ids, _body: _of(s).status(ids["call_control_id"])),
    ("call_control.hangup", "POST", _CALL + r"/actions/hangup",
     lambda s, ids, body: _of(s).hangup(ids["call_control_id"], body)),
    ("call_control.siprec_start", "POST", _CALL + r"/actions/siprec_start",
     lambda s, ids, body: _of(s).siprec_start(ids["call_control_id"], body)),
    ("call_control.siprec_stop", "POST", _CALL + r"/actions/siprec_stop",
     lambda s, ids, body: _of(s).siprec_stop(ids["call_control_id"], body)),
    ("call_control.active_calls", "GET", r"/v2/connections/(?P<connection_id>[^/]+)/active_calls",
     lambda s, ids, _body: _of(s).active_calls(ids["connection_id"])),
)
"""(name, method, path pattern, operation): the HTTP server's routes for Call Control, all JSON."""
