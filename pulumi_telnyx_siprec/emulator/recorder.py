"""Telnyx's SIPREC client, played by the emulator: a session on a connector the emulator holds invites that
connector's SRS (`siprec/`), and the SIP side's outcome shows in the session.

Whether Telnyx answers a SIPREC start before the SRS answers its INVITE is not documented; its only documented
report of a refusing SRS is the `siprec-failed` status callback with `SiprecError` (docs/telnyx-api.md sections 5
and 7). With `await_srs` (the default) the emulator answers the start once the SRS has answered, waiting at most
`AWAIT_LIMIT` seconds (below the provider's 30 s read timeout), so that a refusing SRS fails `pulumi up`: the
start's answer then says `"status": "failed"` with the SIP code as `error_code`, and `siprec-failed` goes out. An
SRS still silent after that is left to the INVITE timer, and its failure shows in the callback and the state only.
Without `await_srs` the start is answered at once, as it may be at Telnyx.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from typing import Any

from .api.state import Answer, CallbackEvent, EmulatorState, Event, SessionEnded, SessionStarted
from .sip.sdes import DEFAULT_SUITES
from .siprec import TIMER_B, HostNotAllowedError, RecordingRequest, SessionHandle, SiprecUserAgent, SrcOutcome

Submit = Callable[[Iterable[Event]], None]
AWAIT_LIMIT = 10.0
"""Seconds a start waits for the SRS's final answer at most."""


def failure_text(outcome: SrcOutcome) -> str:
    """`SiprecError` for a session the SRS did not take: its SIP answer, or `no-answer` (Telnyx's example)."""
    if outcome.final_code is not None:
        return f"{outcome.final_code} {outcome.final_reason or ''}".strip()
    return "no-answer" if outcome.state == "timeout" else f"SIPREC connection failed: {outcome.final_reason}"


def outcome_json(outcome: SrcOutcome, invite: bytes = b"") -> dict[str, Any]:
    """The SIP side of a session, as the emulator's state shows it, with the INVITE as sent once it is (the start
    notes it at once, before a TCP or TLS connection may have let the client send it)."""
    shown = asdict(outcome)
    shown["answered_media"] = [asdict(m) for m in outcome.answered_media]
    if invite:
        shown["invite"] = invite.decode("utf-8", "replace")
    return shown


class LiveHandles:
    """The SIPREC client's handles of the sessions alive. Adding one drops those whose session is over, after
    `retire` has put each one's last outcome into the session's record: what the emulator holds for the SIP side
    grows with the sessions alive, not with every session there ever was."""

    def __init__(self, retire: Callable[[str, dict[str, Any]], None]) -> None:
        self._retire = retire
        self._handles: dict[str, SessionHandle] = {}
        self._lock = threading.Lock()

    def add(self, sid: str, handle: SessionHandle) -> None:
        """Keeps `handle` for session `sid`, and retires the handles of sessions that are over."""
        with self._lock:
            over = {k: h for k, h in self._handles.items() if h.outcome().over}
            self._handles[sid] = handle
        # The last outcome goes into the record (with the INVITE as sent: noted at the start, it may have been empty
        # then) before the handle goes, so the state never shows a session without it.
        for k, ended in over.items():
            self._retire(k, outcome_json(ended.outcome(), ended.invite))
        with self._lock:
            for k in over:
                self._handles.pop(k, None)

    def get(self, sid: str) -> SessionHandle | None:
        """The handle of session `sid` while it is kept."""
        with self._lock:
            return self._handles.get(sid)

    def stop_in_background(self, sid: str) -> None:
        """Hangs up session `sid` on its SRS (BYE) in a thread of its own: an API answer never waits for it."""
        handle = self.get(sid)
        if handle is not None:
            threading.Thread(target=handle.stop, name=f"siprec-stop-{sid[:8]}", daemon=True).start()

    def view(self, sid: str) -> dict[str, Any]:
        """The SIP side of session `sid` now (RTP counts grow while it lives); empty once retired."""
        handle = self.get(sid)
        return outcome_json(handle.outcome(), handle.invite) if handle is not None else {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._handles)


class SiprecRecorder:
    """Invites the SRS of sessions whose connector the emulator holds; hangs up when they end."""

    def __init__(self, state: EmulatorState, *, await_srs: bool = True, allow_any_srs_host: bool = False,
                 invite_timeout: float = TIMER_B, srtp_suites: Sequence[str] = DEFAULT_SUITES) -> None:
        self._state = state
        self._await_srs = await_srs
        self._invite_timeout = invite_timeout
        self._agent = SiprecUserAgent(allow_any_host=allow_any_srs_host, invite_timeout=invite_timeout,
                                      srtp_suites=srtp_suites)
        self.handles = LiveHandles(retire=state.note_sip)
        self._submit: Submit = lambda _events: None
        state.sip_view = self.handles.view

    @property
    def agent(self) -> SiprecUserAgent:
        """The SIPREC user agent, which Call Control sessions share (`call_control_recorder`)."""
        return self._agent

    def bind(self, submit: Submit) -> None:
        """Where events that happen later (a refusal while not awaiting) are delivered."""
        self._submit = submit

    def _request(self, started: SessionStarted) -> RecordingRequest | str:
        """What to send the SRS, or why nothing goes out."""
        session = started.session
        name = session.checked.get("connector_name")
        with self._state.lock:
            connector = self._state.connectors.get(name) if isinstance(name, str) else None
            call = self._state.calls.get(session.call_sid)
        if connector is None:
            return f"no SIP sent: the emulator holds no connector named {name!r}"
        checked = session.checked
        try:
            return RecordingRequest(
                session_sid=session.sid, call_sid=session.call_sid,
                caller=(call.from_ if call and call.from_ else "+15550100001"),
                callee=(call.to if call and call.to else "+15550100002"),
                srs_host=connector.host, srs_port=connector.port, track=checked.get("track", "both_tracks"),
                session_timeout_secs=checked.get("session_timeout_secs", 1800),
                custom_headers=tuple(session.custom_headers.items()),
                include_metadata_custom_headers=checked.get("include_metadata_custom_headers", False),
                secure=checked.get("secure", False), transport=checked.get("sip_transport", "udp"),
            )
        except ValueError as err:
            return f"no SIP sent: {err}"

    def start(self, started: SessionStarted, answer: Answer, events: list[Event]) -> tuple[Answer, list[Event]]:
        """Invites the SRS; when awaiting, answers the start only once the SRS has answered."""
        request = self._request(started)
        sid = started.session.sid
        if isinstance(request, str):
            self._note(sid, {"skipped": request})
            return answer, events
        try:
            handle = self._agent.start(request, listener=lambda event, outcome: self._heard(sid, event, outcome))
        except HostNotAllowedError as err:
            self._note(sid, {"skipped": f"no SIP sent: {err}"})
            return answer, events
        self.handles.add(sid, handle)
        self._note(sid, {"srs": f"{request.srs_host}:{request.srs_port}", "transport": request.signalling,
                         "invite": handle.invite.decode("utf-8", "replace")})
        if not self._await_srs:
            return answer, events
        try:
            outcome = handle.wait_established(min(self._invite_timeout + 1, AWAIT_LIMIT))
        except TimeoutError:
            return answer, events  # still no final answer: a later failure goes out as a callback
        if outcome.established:
            return answer, events
        failed = self._state.fail_session(sid, failure_text(outcome))
        kept = [e for e in events if not (isinstance(e, CallbackEvent) and e.fields["SiprecSid"] == sid)]
        body = {**answer.body, "status": "failed",
                "error_code": str(outcome.final_code) if outcome.final_code else "408"}
        return Answer(answer.status, body, answer.headers), [*kept, *failed]

    def _heard(self, sid: str, event: str, outcome: SrcOutcome) -> None:
        # fail_session reports a session once: an awaited refusal was reported already with the start's answer.
        if event in ("failed", "timeout"):
            self._submit(self._state.fail_session(sid, failure_text(outcome)))

    def stop(self, ended: SessionEnded) -> None:
        """Hangs up on the SRS (BYE) in the background: an API answer never waits for it."""
        self.handles.stop_in_background(ended.sid)

    def _note(self, sid: str, facts: dict[str, Any]) -> None:
        self._state.note_sip(sid, facts)

    def close(self) -> None:
        self._agent.close()
