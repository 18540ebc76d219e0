"""One SIPREC session from start to stop: `SessionHandle` runs the first INVITE on a thread of its own and decides what
each turn means for the session, while its dialog, media and refresher do the SIP, the RTP and the session timer.

Every way a session ends leaves it in a final state with its reason (`failed`, `timeout`, `cancelled` or `ended`,
with a note when the SRS's side ended it) and releases it: its RTP sockets, its TCP or TLS connection, and its control
thread, which stops waiting for the next refresh. A bug on its control thread ends the session too (`internal
error`), and is reported as an uncaught exception would be.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from ..sip.message import SipMessage
from ..srtp import srtp_problem
from .addresses import HostNotAllowedError
from .dialog import Dialog, DialogHost, respond
from .media import SessionMedia
from .outcome import Listener, SrcOutcome, clip
from .progress import SessionProgress
from .refresh import SessionRefresher
from .request import RecordingRequest
from .transactions import StopStep
from .transport import Link
from .unexpected import report_unexpected


class SessionHost(DialogHost, Protocol):
    """What a session needs of its user agent beyond its dialog's needs: the network rule, and in-dialog routing."""

    allow_any_host: bool
    srtp_suites: tuple[str, ...]

    def _register_dialog(self, session: SessionHandle) -> None: ...

    def _forget_dialog(self, session: SessionHandle) -> None: ...


class SessionHandle:
    """One SIPREC session: its INVITE transaction, its dialog, its RTP senders. Thread-safe."""

    def __init__(self, agent: SessionHost, request: RecordingRequest, srs_address: str,
                 listener: Listener | None) -> None:
        self.request = request
        self._agent = agent
        self._stop_requested = threading.Event()
        self._progress = SessionProgress(listener, lambda: self._media.packets())
        self._media = SessionMedia(request, allow_any_host=agent.allow_any_host, note=self._progress.note,
                                   srtp_suites=agent.srtp_suites)
        self._dialog = Dialog(agent, request, (srs_address, request.srs_port), note=self._progress.note,
                              gave_up=self._progress.gave_up)
        self._refresher = SessionRefresher(request.session_timeout_secs, self._dialog, self._progress,
                                           self._stop_requested)
        self._thread = threading.Thread(target=self._run, name=f"siprec-src-{request.session_sid[:12]}", daemon=True)

    # Public

    @property
    def session_sid(self) -> str:
        return self.request.session_sid

    @property
    def call_id(self) -> str:
        """The dialog's Call-ID."""
        return self._dialog.call_id

    @property
    def invite(self) -> bytes:
        """The INVITE as first sent (empty until the control thread has sent it)."""
        return self._dialog.invite

    def outcome(self) -> SrcOutcome:
        """A snapshot of what has happened so far."""
        return self._progress.snapshot()

    def wait_established(self, timeout: float | None = None) -> SrcOutcome:
        """Blocks until the SRS's final answer (or Timer B, or a transport failure); TimeoutError if `timeout` runs
        out first. The outcome says whether the session was established."""
        if not self._progress.final.wait(timeout):
            raise TimeoutError(f"no final answer from the SRS within {timeout} s")
        return self.outcome()

    def wait_ended(self, timeout: float | None = None) -> SrcOutcome:
        """Blocks until the session is over (failed, timed out, or ended by BYE); TimeoutError if not in time."""
        if not self._progress.ended.wait(timeout):
            raise TimeoutError(f"session not over within {timeout} s")
        return self.outcome()

    def stop(self, wait: float = 2.0) -> SrcOutcome:
        """Stops RTP and ends the session: BYE once established (its final answer awaited up to `wait` s), CANCEL if
        the SRS has only answered provisionally. Idempotent: a second call waits (up to `wait`) for the first."""
        deadline = time.monotonic() + wait
        progress = self._progress
        first = progress.request_stop()
        self._stop_requested.set()
        if first:
            self._media.stop()
            # Before a final answer the control thread CANCELs (once a 1xx came) and ACKs whatever final arrives.
            progress.final.wait(max(0.0, deadline - time.monotonic()))
            established, cancelled = progress.cancel_unanswered()
            if cancelled:
                progress.final.set()
                progress.finish("cancelled")
            if established:
                self._bye(deadline)
                progress.finish("ended", ended_by="src")
            self._release()
        else:
            progress.ended.wait(max(0.0, deadline - time.monotonic()))
        return self.outcome()

    # Control thread: the INVITE transaction, then session refreshes

    def _start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self._control()
        except Exception as err:  # a bug: the session still ends, and says so
            report_unexpected()
            self._end_after_internal_error(f"internal error: {type(err).__name__}: {err}")
        finally:
            if self._progress.stopped:
                # stop() may have released the session while _open() was still binding sockets: release again.
                self._release(keep_dialog=self._progress.ended_by == "srs")

    def _control(self) -> None:
        if self.request.secure and (problem := srtp_problem()) is not None:
            # Nothing is sent: an SRTP offer whose media could never follow would only mislead the SRS.
            self._progress.note(f"secure session not started: {problem}")
            self._fail(None, f"secure session not started: {problem}")
            return
        try:
            self._open()
        except (OSError, ValueError, HostNotAllowedError) as err:
            self._fail(None, f"transport error: {type(err).__name__}: {err}")
            return
        if self._invite():
            self._refresher.run(self._media.offer, self._end_after_failed_refresh)

    def _open(self) -> None:
        family = self._dialog.connect(self._on_connection_closed)
        local_address = self._dialog.local_address
        sdp = self._media.bind(family, local_address)
        content_type, body = self.request.invite_body(sdp, local_address)
        self._dialog.initial_invite(content_type, body, self._refresher.headers())
        self._agent._register_dialog(self)

    def _invite(self) -> bool:
        """Runs the first INVITE's transaction to its end; True when the SRS answered 2xx."""
        dialog = self._dialog
        first = dialog.first
        assert first is not None
        result = dialog.invite_transaction(first, stop_step=self._stop_step,
                                           on_provisional=self._progress.heard_provisional)
        if result.send_error is not None:
            error = result.send_error
            self._fail(None, f"transport error: {type(error).__name__}: {error}")
            return False
        answer = result.answer
        if answer is None:
            if result.timed_out:
                self._fail(None, "timeout", state="timeout")
            return False
        self._progress.took(result.seconds)
        if not 200 <= answer.status < 300:
            dialog.ack(answer, first)
            self._fail(answer.status, answer.reason)
            return False
        dialog.learn(answer)
        self._refresher.negotiate(answer)
        dialog.ack(answer, first)
        return self._accepted(answer)

    def _stop_step(self) -> StopStep:
        if not self._stop_requested.is_set():
            return "wait"
        # stop() still waits for the final answer unless the session is over (stop() gave up, or the connection
        # closed); late answers then go to the late handler.
        return "abandon" if self._progress.ended.is_set() else "cancel"

    def _accepted(self, answer: SipMessage) -> bool:
        """The SRS took the session: the media starts, unless a stop() came first (True), or its answer cannot carry
        the session's SRTP (False: the session fails)."""
        media = self._media.answered(answer)
        refusal = self._media.srtp_refusal()
        if refusal is not None:
            self._refuse_answer(answer, refusal)
            return False
        acceptance = self._progress.accept(answer.status, answer.reason, media)
        if acceptance == "given_up":
            # The session is over (stop() stopped waiting for this answer, or it failed): what it accepts ends at once.
            state = self._progress.state
            after = "stop() gave up waiting" if state == "cancelled" else f"the session {state}"
            if not self._dialog.can_send():
                self._progress.note(f"a {answer.status} arrived after {after}: ACKed, but the SIP connection is closed")
                return True
            self._progress.note(f"a {answer.status} arrived after {after}: ACKed and BYE sent")
            self._bye(time.monotonic() + 2.0)
            return True
        if acceptance == "stopping" or self._progress.ended.is_set():
            # stop() is waiting for this answer and sends the BYE itself, or the SRS ended the session meanwhile
            # (it closed the connection): no media.
            self._progress.final.set()
            return True
        self._media.start(media)
        self._progress.final.set()
        self._progress.notify("established")
        return True

    def _refuse_answer(self, answer: SipMessage, refusal: str) -> None:
        """A 2xx (ACKed) whose SDP answer cannot carry the session's SRTP: the session fails (unless it was over
        already), a BYE ends the dialog the 2xx made, and no RTP, plain or protected, is sent."""
        self._progress.fail(None, f"{answer.status} {clip(answer.reason, 60)} refused: {refusal}")
        self._progress.note(f"{refusal}: the {answer.status} was ACKed, BYE sent, no RTP sent")
        if self._dialog.can_send():
            self._bye(time.monotonic() + 2.0)
        self._release()

    def _end_after_failed_refresh(self) -> None:
        self._progress.mark_stopped()
        self._media.stop()
        self._bye(time.monotonic() + 2.0)
        self._progress.finish("ended", ended_by="srs")
        self._release()

    def _end_after_internal_error(self, reason: str) -> None:
        """Ends the session after a bug on the control thread: failed if the SRS had not answered, else BYE."""
        self._stop_requested.set()
        if self._fail(None, reason):
            return
        self._progress.note(reason)
        if self._progress.mark_stopped() == "established":
            self._media.stop()
            self._bye(time.monotonic() + 2.0)
            self._progress.finish("ended", ended_by="src")
            self._release()

    def _bye(self, deadline: float) -> None:
        self._progress.sent_bye()
        self._progress.bye_answered(self._dialog.bye(deadline))

    # Incoming (from a transport thread)

    def _on_request(self, request: SipMessage, link: Link) -> None:
        if request.method != "BYE":
            self._dialog.answer_in_dialog(request, link, self._media.offer)
            return
        if self._progress.state not in ("established", "ended"):
            # RFC 3261 section 15.1.2: a BYE that matches no confirmed dialog (none before our ACK of a 2xx).
            self._dialog.reply(link, request, respond(request, 481, "Call/Transaction Does Not Exist"))
            return
        self._dialog.reply(link, request, respond(request, 200, "OK"))
        state = self._progress.mark_stopped()
        self._stop_requested.set()
        self._media.stop()
        if state == "established":
            self._progress.finish("ended", ended_by="srs")
            self._release(keep_dialog=True)

    def _on_malformed(self, reason: str) -> None:
        """The SRS sent this session a message that does not parse; it was dropped."""
        self._progress.note(f"dropped a malformed message from the SRS: {reason}")

    def _on_connection_closed(self, reason: str) -> None:
        state = self._progress.mark_stopped()
        self._media.stop()
        if state == "established":
            self._progress.note(reason)
            self._progress.finish("ended", ended_by="srs")
            self._release()
        elif state in ("calling", "proceeding"):
            self._fail(None, f"transport error: {reason}")
        # The control thread stops waiting (for a final answer, or the next refresh): nothing reaches the SRS now.
        self._stop_requested.set()

    # For the user agent

    def _is_over(self) -> bool:
        return self._progress.ended.is_set()

    def _is_finished(self) -> bool:
        """Over, and nothing of it runs any more (control thread, lingering connection)."""
        return self._is_over() and not self._thread.is_alive() and self._dialog.link_closed()

    def _over_for_longer_than(self, seconds: float, now: float) -> bool:
        return self._progress.ended_longer_than(seconds, now)

    def _join(self) -> None:
        """Waits for the control thread and the session's connection (once the session is over)."""
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()
        if self._is_over():
            self._dialog.join_link()

    # Helpers

    def _fail(self, code: int | None, reason: str, state: str = "failed") -> bool:
        """Ends a session that has no final answer yet (and releases it); False when it had one."""
        if not self._progress.fail(code, reason, state):
            return False
        self._release()
        return True

    def _release(self, keep_dialog: bool = False) -> None:
        """Stops the RTP senders and closes the session's sockets (the SIP link last, after its final use)."""
        self._media.close()
        if not keep_dialog:
            self._agent._forget_dialog(self)
        if self._progress.ended.is_set():
            self._dialog.close_link()
