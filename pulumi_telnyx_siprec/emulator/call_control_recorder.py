"""Telnyx's SIPREC client for Call Control sessions: the same client as for TeXML (`siprec/`, through the TeXML
recorder's user agent) invites the connector's SRS when a session starts, with the call's parties and custom headers
in the recording metadata, sends RTP, refreshes the session, and sends BYE when the session or its call ends.

Telnyx answers `siprec_start` with `ok` whatever the SRS does, and reports the SRS's answer only by webhook
(docs/telnyx-api.md section 10): `siprec.started` once the SRS took the session, `siprec.failed` (`failure_cause`)
when it refused or never answered, `siprec.stopped` when it hung up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .api.call_control import CallControl, SiprecEnded, SiprecStarted
from .api.call_control_events import siprec_failure_cause
from .api.state import Event, PartEvent
from .recorder import LiveHandles
from .siprec import HostNotAllowedError, RecordingRequest, SiprecUserAgent, SrcOutcome


class CallControlRecorder:
    """Carries out the SIP side of Call Control sessions; `submit` delivers what happens later (webhooks)."""

    def __init__(self, call_control: CallControl, agent: SiprecUserAgent) -> None:
        self._call_control = call_control
        self._agent = agent
        self._submit: Callable[[Iterable[Event]], None] = lambda _events: None
        self.handles = LiveHandles(retire=call_control.note)
        call_control.sip = True
        call_control.sip_view = self.handles.view

    def bind(self, submit: Callable[[Iterable[Event]], None]) -> None:
        """Where events that happen later (the SRS's answer) are delivered."""
        self._submit = submit

    def handle(self, event: PartEvent) -> None:
        if isinstance(event, SiprecStarted):
            self._start(event)
        elif isinstance(event, SiprecEnded):
            self.handles.stop_in_background(event.sid)

    def _start(self, started: SiprecStarted) -> None:
        session, sid = started.session, started.session.sid
        reason, handle = None, None
        if isinstance(started.srs, str):
            reason = started.srs
        else:
            host, port = started.srs
            checked = session.checked
            try:
                request = RecordingRequest(
                    session_sid=sid, call_sid=session.call_control_id, caller=started.caller, callee=started.callee,
                    srs_host=host, srs_port=port, track=checked["track"],
                    session_timeout_secs=checked["session_timeout_secs"], custom_headers=started.custom_headers,
                    include_metadata_custom_headers=checked["include_metadata_custom_headers"],
                    secure=checked["secure"], transport=checked["sip_transport"])
                handle = self._agent.start(request, listener=lambda event, outcome: self._heard(sid, event, outcome))
            except (HostNotAllowedError, ValueError) as err:
                reason = f"no SIP sent: {err}"
            else:
                self._call_control.note(sid, {"srs": f"{host}:{port}", "transport": request.signalling,
                                              "invite": handle.invite.decode("utf-8", "replace")})
        if handle is None:
            self._call_control.note(sid, {"skipped": reason})
            self._submit(self._call_control.session_established(sid))
            return
        self.handles.add(sid, handle)

    def _heard(self, sid: str, event: str, outcome: SrcOutcome) -> None:
        # From a user agent thread: quick, and never raising.
        if event == "established":
            self._submit(self._call_control.session_established(sid))
        elif event in ("failed", "timeout"):
            self._submit(self._call_control.session_failed(
                sid, siprec_failure_cause(outcome.final_code, timed_out=event == "timeout")))
        elif event == "ended" and outcome.ended_by == "srs":
            self._submit(self._call_control.session_ended_by_srs(sid))

    def close(self) -> None:
        """The user agent is the TeXML recorder's: it closes it."""
