"""The emulator as Telnyx's SIPREC client (SRC): a recording-session INVITE to the SRS, RTP on 2xx, BYE on stop.

    with SiprecUserAgent() as agent:
        handle = agent.start(RecordingRequest(session_sid=..., call_sid=..., caller="+15551230001",
                                              callee="+15551230002", srs_host="127.0.0.1", srs_port=5060))
        handle.wait_established(5)   # the SRS's final answer (or `timeout`)
        ...
        handle.stop()                # RTP stops, BYE goes out, its 200 is awaited briefly

Standard library only. Network rule: unless built with `allow_any_host=True` (a user's own lab, explicitly), every
SIP and RTP packet goes to loopback addresses only: a non-loopback SRS host is refused before anything is sent, no DNS
lookup is made for names other than `localhost`, and media addresses in the SRS's answer are held to the same rule.

This module holds the transactions, dialogs and sessions; messages are `sip_message`'s, sockets `sip_transport`'s,
media `rtp`'s and the INVITE's body `recording_body`'s.

Sources:
- RFC 7866 section 6.1.1: the SRC puts `siprec` in `Require` and the `+sip.src` feature tag on its Contact; section
  7.1.1 (SDP) and 9.1 (metadata) via `recording_body`; section 8: plain RTP per stream (`rtp`).
- RFC 3261: section 17.1.1 (INVITE client transaction: Timer A retransmits from T1 = 500 ms, doubling, over UDP only;
  Timer B = 64*T1 = 32 s; ACK of a non-2xx in the same transaction, 17.1.1.3), 17.1.2 (non-INVITE: Timer E doubles
  up to T2 = 4 s, Timer F = 64*T1), 13.2.2.4 (ACK of a 2xx is its own transaction, to the remote target), 12.1.2
  (route set from Record-Route, reversed), 9.1 (CANCEL only after a provisional answer, same branch), 15.1 (BYE).
- RFC 3581: `rport` in Via. RFC 4028: `Session-Expires: N;refresher=uac` + `Supported: timer`; section 7.2 (no
  Session-Expires in the 2xx: no session timer), section 10 (refresh at half the interval; 408/481 end the session).
- Telnyx: https://developers.telnyx.com/docs/voice/programmable-voice/siprec-client and
  https://developers.telnyx.com/api-reference/call-commands/siprec-start (`sip_transport` udp/tcp/tls, `secure` means
  SRTP and TLS, `session_timeout_secs` sets Session-Expires and re-INVITEs every half of it, 0 disables;
  `include_metadata_custom_headers` false puts custom parameters in SIP headers).
"""

from __future__ import annotations

import ipaddress
import queue
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..sip.message import (
    SipMessage,
    header_parameter,
    host_in_uri,
    new_branch,
    new_tag,
    parse_message,
    render,
    response_to,
    uri_of,
)
from ..sip.recording_body import (
    check_custom_headers,
    forwarded_streams,
    multipart_body,
    parse_multipart,
    parse_sdp,
    rs_metadata,
    sdp_offer,
)
from .rtp import TONES, RtpSender
from .transport import POLL, Link, StreamLink, UdpEndpoint

T1 = 0.5
"""RFC 3261 section 17.1.1.1: round-trip estimate; the first retransmission interval."""
T2 = 4.0
"""RFC 3261 section 17.1.2.2: the cap of non-INVITE retransmission intervals."""
TIMER_B = 64 * T1
"""RFC 3261 section 17.1.1.2: how long an INVITE waits for a final answer (32 s)."""
SIP_TRANSPORTS = ("udp", "tcp", "tls")
USER_AGENT = "pulumi-telnyx-siprec-emulator"
ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE"
SRC_USER = "telnyx-siprec-src"
TRANSACTION_MEMORY = 64 * T1
"""How long a finished transaction still absorbs retransmitted answers (RFC 3261 Timer D is 32 s over UDP)."""


class HostNotAllowedError(ValueError):
    """The SRS (or a media address it answered) is not a loopback address, and `allow_any_host` is off."""


def resolve_host(host: str, allow_any_host: bool = False) -> str:
    """The IP address to send to. Without `allow_any_host`: loopback literals, or `localhost` (as 127.0.0.1, from no
    resolver, so that it cannot be pointed elsewhere); any other name is refused without a DNS lookup."""
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or allow_any_host:
            return str(address)
        raise HostNotAllowedError(f"{host!r} is not a loopback address; the emulator only sends SIP and RTP to "
                                  "127.0.0.0/8 and ::1 unless SiprecUserAgent(allow_any_host=True)")
    if name.lower().rstrip(".") == "localhost":
        return "127.0.0.1"
    if not allow_any_host:
        raise HostNotAllowedError(f"{host!r} is not a loopback address (and is not looked up); the emulator only "
                                  "sends SIP and RTP to loopback unless SiprecUserAgent(allow_any_host=True)")
    infos = socket.getaddrinfo(name, None, type=socket.SOCK_DGRAM)
    return str(infos[0][4][0])


# Requests and outcomes


@dataclass(frozen=True, kw_only=True)
class RecordingRequest:
    """One SIPREC session to set up with an SRS: what Telnyx knows when a session starts."""

    session_sid: str
    call_sid: str
    caller: str
    """The recorded call's `From`: an E.164 number, a SIP user part, or a `sip:`/`sips:`/`tel:` URI."""
    callee: str
    """The recorded call's `To`, in the same forms."""
    srs_host: str
    srs_port: int
    track: str = "both_tracks"
    session_timeout_secs: int = 1800
    """`Session-Expires` of the INVITE (Telnyx's default); 0 sends none."""
    custom_headers: tuple[tuple[str, str], ...] = ()
    include_metadata_custom_headers: bool = False
    secure: bool = False
    """SRTP offer (`RTP/SAVP` + `a=crypto`) and TLS signalling whatever `transport` says, as Telnyx does ("encrypt
    media sent to your SRS using SRTP and TLS"). No RTP is sent then: the standard library has no AES for SRTP."""
    transport: str = "udp"

    def __post_init__(self) -> None:
        forwarded_streams(self.track)
        if self.transport not in SIP_TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(SIP_TRANSPORTS)}, not {self.transport!r}")
        if not 0 < self.srs_port < 65536:
            raise ValueError(f"srs_port must be 1..65535, not {self.srs_port}")
        if self.session_timeout_secs < 0:
            raise ValueError("session_timeout_secs must be 0 (no Session-Expires) or more")
        check_custom_headers(self.custom_headers)
        for value in (self.session_sid, self.call_sid):
            if not value or any(ord(ch) < 0x20 for ch in value):
                raise ValueError("session_sid and call_sid must be non-empty text without control characters")

    @property
    def signalling(self) -> str:
        """The transport actually used: TLS when `secure`."""
        return "tls" if self.secure else self.transport


@dataclass(frozen=True)
class AnsweredMedia:
    """One m-line of the SRS's SDP answer (RFC 3264: in the order of the offer)."""

    label: str | None
    address: str | None
    port: int
    """0 when the SRS rejected the stream."""
    direction: str


@dataclass(frozen=True)
class SrcOutcome:
    """What happened to one session so far (a snapshot)."""

    state: str
    """`calling` (INVITE out, no answer), `proceeding` (1xx), `established` (2xx, ACKed, RTP flowing), `failed`
    (3xx-6xx, or a transport error: `final_code` None), `timeout` (no final answer within Timer B), `cancelled`
    (stopped before any final answer) or `ended` (after a 2xx, by BYE either way)."""
    final_code: int | None
    final_reason: str | None
    """The SRS's reason phrase; `timeout` for Timer B; the error for a transport failure."""
    provisional_codes: tuple[int, ...] = ()
    answered_media: tuple[AnsweredMedia, ...] = ()
    rtp_packets: tuple[int, ...] = ()
    """RTP packets sent, per forwarded stream in m-line order."""
    bye_sent: bool = False
    bye_code: int | None = None
    """The final answer to our BYE (None: none yet, or none in time)."""
    ended_by: str | None = None
    """`src` (stop()) or `srs` (its BYE, or a failed session refresh/transport) once ended."""
    setup_seconds: float | None = None
    """From sending the INVITE to receiving its final answer."""
    refreshes: int = 0
    """Session refresh re-INVITEs answered 2xx (RFC 4028)."""
    notes: tuple[str, ...] = ()
    """Things worth knowing that are not failures: media not sent and why, a refused answered address."""

    @property
    def established(self) -> bool:
        """The SRS accepted the session (it may have ended since)."""
        return self.final_code is not None and 200 <= self.final_code < 300


Listener = Callable[[str, SrcOutcome], None]
"""Told `established`, `failed`, `timeout`, `cancelled` and `ended` as they happen, from a user agent thread (so it
must be quick)."""


def _response_to(request: SipMessage, code: int, reason: str, extra: Sequence[tuple[str, str]] = (),
                 body: bytes = b"") -> bytes:
    """Our answer to a request: `sip_message.response_to` signed with our User-Agent."""
    return response_to(request, code, reason, [*extra, ("User-Agent", USER_AGENT)], body)


# Sessions


class SessionHandle:
    """One SIPREC session: its INVITE transaction, its dialog, its RTP senders. Thread-safe."""

    def __init__(self, agent: SiprecUserAgent, request: RecordingRequest, srs_address: str,
                 listener: Listener | None) -> None:
        self.request = request
        self._agent = agent
        self._srs = (srs_address, request.srs_port)
        self._listener = listener
        self._lock = threading.Lock()
        self._state = "calling"
        self._final_code: int | None = None
        self._final_reason: str | None = None
        self._provisional: list[int] = []
        self._answered: list[AnsweredMedia] = []
        self._senders: list[RtpSender | None] = []
        self._bye_sent = False
        self._bye_code: int | None = None
        self._ended_by: str | None = None
        self._setup_seconds: float | None = None
        self._refreshes = 0
        self._notes: list[str] = []
        self._final = threading.Event()
        self._ended = threading.Event()
        self._stop_requested = threading.Event()
        self._media_stop = threading.Event()
        self._stopped = False
        self._cancel_sent = False
        # Dialog identifiers (RFC 3261 section 12).
        self.call_id = f"{secrets.token_hex(16)}"
        self._local_tag = new_tag()
        self._remote_tag: str | None = None
        self._remote_target: str | None = None
        self._route_set: list[str] = []
        self._cseq = 1
        self._invite_branch = new_branch()
        self._link: Link | None = None
        self._stream_link: StreamLink | None = None
        self._rtp_sockets: list[socket.socket] = []
        self._local_address = ""
        self._local_port = 0
        self._request_uri = ""
        self._from = ""
        self._to = ""
        self._contact = ""
        self._sdp = ""
        self._session_expires: int | None = None
        self._acks: dict[int, bytes] = {}
        """The ACK sent for each CSeq's 2xx, sent again when that 2xx is retransmitted."""
        self._ack_non_2xx: bytes | None = None
        self._ended_at = 0.0
        self.invite: bytes = b""
        """The INVITE as first sent (empty until the control thread has sent it)."""
        self._thread = threading.Thread(target=self._run, name=f"siprec-src-{request.session_sid[:12]}", daemon=True)

    # Public

    @property
    def session_sid(self) -> str:
        return self.request.session_sid

    def outcome(self) -> SrcOutcome:
        """A snapshot of what has happened so far."""
        with self._lock:
            return SrcOutcome(
                state=self._state, final_code=self._final_code, final_reason=self._final_reason,
                provisional_codes=tuple(self._provisional), answered_media=tuple(self._answered),
                rtp_packets=tuple(s.packets if s else 0 for s in self._senders), bye_sent=self._bye_sent,
                bye_code=self._bye_code, ended_by=self._ended_by, setup_seconds=self._setup_seconds,
                refreshes=self._refreshes, notes=tuple(self._notes),
            )

    def wait_established(self, timeout: float | None = None) -> SrcOutcome:
        """Blocks until the SRS's final answer (or Timer B, or a transport failure); TimeoutError if `timeout` runs
        out first. The outcome says whether the session was established."""
        if not self._final.wait(timeout):
            raise TimeoutError(f"no final answer from the SRS within {timeout} s")
        return self.outcome()

    def wait_ended(self, timeout: float | None = None) -> SrcOutcome:
        """Blocks until the session is over (failed, timed out, or ended by BYE); TimeoutError if not in time."""
        if not self._ended.wait(timeout):
            raise TimeoutError(f"session not over within {timeout} s")
        return self.outcome()

    def stop(self, wait: float = 2.0) -> SrcOutcome:
        """Stops RTP and ends the session: BYE once established (its final answer awaited up to `wait` s), CANCEL if
        the SRS has only answered provisionally. Idempotent: a second call waits (up to `wait`) for the first."""
        deadline = time.monotonic() + wait
        with self._lock:
            first = not self._stopped
            self._stopped = True
        self._stop_requested.set()
        if first:
            self._media_stop.set()
            # Before a final answer the control thread CANCELs (once a 1xx came) and ACKs whatever final arrives.
            self._final.wait(max(0.0, deadline - time.monotonic()))
            with self._lock:
                established = self._state == "established"
                if self._state in ("calling", "proceeding"):
                    self._state = "cancelled"
                    self._final_reason = self._final_reason or "stopped before the SRS answered"
                    cancelled = True
                else:
                    cancelled = False
            if cancelled:
                self._final.set()
                self._finish("cancelled")
            if established:
                self._send_bye(deadline)
                self._finish("ended", ended_by="src")
            self._release()
        else:
            self._ended.wait(max(0.0, deadline - time.monotonic()))
        return self.outcome()

    # Control thread: the INVITE transaction, then session refreshes

    def _start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self._control()
        finally:
            with self._lock:
                stopped = self._stopped
            if stopped:
                # stop() may have released the session while _open() was still binding sockets: release again.
                self._release(keep_dialog=self._ended_by == "srs")

    def _control(self) -> None:
        try:
            self._open()
        except (OSError, ValueError, HostNotAllowedError) as err:
            self._fail(None, f"transport error: {type(err).__name__}: {err}")
            return
        answer = self._invite_transaction(self.invite, self._invite_branch, initial=True)
        if answer is None or not 200 <= answer.status < 300:
            return
        while self._session_expires and not self._stop_requested.wait(self._session_expires / 2):
            if not self._refresh():
                return

    def _open(self) -> None:
        request = self.request
        agent = self._agent
        family = socket.AF_INET6 if ":" in self._srs[0] else socket.AF_INET
        self._local_address = agent._local_address_for(self._srs, family)
        transport = request.signalling
        if transport == "udp":
            endpoint = agent._udp_endpoint(family)
            self._local_port = endpoint.port
            self._link = endpoint.link(self._srs)
        else:
            sock = socket.create_connection(self._srs, timeout=min(agent.invite_timeout, 10.0))
            if transport == "tls":
                # The configured name, for a verifying context (SNI, and the certificate's name or IP address).
                sock = agent.tls_context.wrap_socket(sock, server_hostname=request.srs_host.strip("[]"))
            self._local_port = sock.getsockname()[1]
            self._stream_link = StreamLink(sock, agent._on_message, self._on_connection_closed)
            self._link = self._stream_link
        streams = forwarded_streams(request.track)
        for _ in streams:
            rtp = socket.socket(family, socket.SOCK_DGRAM)
            self._rtp_sockets.append(rtp)
            rtp.bind((self._local_address, 0))
        self._sdp = sdp_offer(request.track, [s.getsockname()[1] for s in self._rtp_sockets],
                              address=self._local_address, secure=request.secure)
        metadata = rs_metadata(session_sid=request.session_sid, call_sid=request.call_sid, caller=request.caller,
                               callee=request.callee, track=request.track, custom_headers=request.custom_headers,
                               include_custom_headers=request.include_metadata_custom_headers,
                               domain=self._local_address if ":" not in self._local_address
                               else host_in_uri(self._local_address))
        content_type, body = multipart_body(self._sdp, metadata)
        local = host_in_uri(self._local_address)
        transport_parameter = "" if transport == "udp" else f";transport={transport}"
        self._request_uri = f"sip:{host_in_uri(self._srs[0])}:{self._srs[1]}{transport_parameter}"
        self._from = f"<sip:{SRC_USER}@{local}>;tag={self._local_tag}"
        self._to = f"<sip:{host_in_uri(self._srs[0])}:{self._srs[1]}>"
        # RFC 7866 section 6.1.1: the Contact carries the +sip.src feature tag (RFC 3840 syntax).
        self._contact = f"<sip:{SRC_USER}@{local}:{self._local_port}{transport_parameter}>;+sip.src"
        headers = [
            *self._dialog_headers(self._invite_branch, self._cseq, "INVITE", to=self._to),
            ("Contact", self._contact),
            # RFC 7866 section 6.1.1: an SRS that does not do SIPREC must refuse (420) rather than answer as a UA.
            ("Require", "siprec"),
            ("Allow", ALLOW),
            ("Accept", "application/sdp"),
            *self._timer_headers(),
            ("User-Agent", USER_AGENT),
        ]
        if not request.include_metadata_custom_headers:
            # Telnyx: custom parameters travel as SIP headers unless include_metadata_custom_headers.
            headers += list(request.custom_headers)
        headers.append(("Content-Type", content_type))
        self.invite = render(f"INVITE {self._request_uri} SIP/2.0", headers, body)
        agent._register_dialog(self)

    def _timer_headers(self) -> list[tuple[str, str]]:
        seconds = self.request.session_timeout_secs
        if seconds <= 0:
            return []
        # RFC 4028: Supported (not Require) so an SRS without session timers still accepts; Min-SE is Telnyx's 90.
        return [("Supported", "timer"), ("Session-Expires", f"{seconds};refresher=uac"),
                ("Min-SE", str(min(90, seconds)))]

    def _dialog_headers(self, branch: str, cseq: int, method: str, to: str) -> list[tuple[str, str]]:
        transport = self.request.signalling.upper()
        return [
            # RFC 3581: rport asks the SRS to answer to the port the request came from.
            ("Via", f"SIP/2.0/{transport} {host_in_uri(self._local_address)}:{self._local_port}"
                    f";branch={branch};rport"),
            ("Max-Forwards", "70"),
            *(("Route", route) for route in self._route_set),
            ("From", self._from),
            ("To", to),
            ("Call-ID", self.call_id),
            ("CSeq", f"{cseq} {method}"),
        ]

    def _invite_transaction(self, invite: bytes, branch: str, initial: bool) -> SipMessage | None:
        """Runs one INVITE client transaction (RFC 3261 section 17.1.1) to its final answer; None on Timer B."""
        agent = self._agent
        link = self._link
        assert link is not None
        inbox: queue.Queue[SipMessage] = queue.Queue()
        agent._register_transaction(branch, "INVITE", inbox.put)
        agent._register_transaction(branch, "CANCEL", lambda _answer: None)
        sent_at = time.monotonic()
        deadline = sent_at + agent.invite_timeout
        interval = agent.t1
        retransmit_at = sent_at + interval
        proceeding = False
        try:
            link.send(invite)
        except OSError as err:
            if initial:
                self._fail(None, f"transport error: {type(err).__name__}: {err}")
            return None
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            wake = deadline
            if not link.reliable and not proceeding:
                wake = min(wake, retransmit_at)
            if self._stop_requested.is_set():
                with self._lock:
                    given_up = self._state == "cancelled"
                if given_up or not initial:
                    # stop() no longer waits (or a refresh is moot): late answers go to the late handler.
                    agent._register_transaction(branch, "INVITE", self._late_invite_answer)
                    return None
                wake = min(wake, now + POLL)
                if proceeding:
                    self._cancel(branch)
            try:
                answer = inbox.get(timeout=max(0.0, min(wake - now, POLL * 5)))
            except queue.Empty:
                if not link.reliable and not proceeding and time.monotonic() >= retransmit_at:
                    # Timer A (RFC 3261 section 17.1.1.2): doubles each time, no T2 cap for INVITE.
                    self._send(invite)
                    interval *= 2
                    retransmit_at = time.monotonic() + interval
                continue
            if answer.status < 200:
                proceeding = True
                if initial:
                    with self._lock:
                        self._provisional.append(answer.status)
                        if self._state == "calling":
                            self._state = "proceeding"
                continue
            agent._register_transaction(branch, "INVITE", self._late_invite_answer)
            if initial:
                self._setup_seconds = time.monotonic() - sent_at
            if 200 <= answer.status < 300:
                self._accept(answer, initial)
            else:
                self._ack_non_2xx = self._build_ack_non_2xx(answer, invite, branch)
                self._send(self._ack_non_2xx)
                if initial:
                    self._fail(answer.status, answer.reason)
            return answer
        # Timer B fired. A CANCEL is only allowed once the SRS has answered provisionally (RFC 3261 section 9.1).
        agent._register_transaction(branch, "INVITE", self._late_invite_answer)
        if proceeding:
            self._cancel(branch)
        if initial:
            self._fail(None, "timeout", state="timeout")
        return None

    def _cancel(self, branch: str) -> None:
        with self._lock:
            if self._cancel_sent:
                return
            self._cancel_sent = True
        headers = [(name, value) for name, value in self._dialog_headers(branch, 1, "CANCEL", to=self._to)]
        self._send(render(f"CANCEL {self._request_uri} SIP/2.0", [*headers, ("User-Agent", USER_AGENT)]))

    def _build_ack_non_2xx(self, answer: SipMessage, invite: bytes, branch: str) -> bytes:
        # RFC 3261 section 17.1.1.3: same Request-URI, top Via (branch) and Call-ID as the INVITE, the answer's To.
        cseq = int(parse_message(invite).cseq[0])
        headers = self._dialog_headers(branch, cseq, "ACK", to=answer.get("to") or self._to)
        return render(f"ACK {parse_message(invite).first_line.split(' ')[1]} SIP/2.0", headers)

    def _accept(self, answer: SipMessage, initial: bool) -> None:
        """A 2xx to the INVITE (or to a refresh): ACK it; the first time, learn the dialog and start the media."""
        if initial:
            with self._lock:
                self._remote_tag = header_parameter(answer.get("to") or "", "tag")
                contact = answer.get("contact")
                self._remote_target = uri_of(contact) if contact else self._request_uri
                # RFC 3261 section 12.1.2: the UAC's route set is the Record-Route list reversed.
                self._route_set = list(reversed(answer.values("record-route")))
        self._session_expires = self._negotiated_interval(answer)
        cseq = answer.cseq[0]
        ack = render(f"ACK {self._remote_target} SIP/2.0",
                     self._dialog_headers(new_branch(), cseq, "ACK", to=answer.get("to") or self._to))
        with self._lock:
            self._acks[cseq] = ack
        self._send(ack)
        if not initial:
            return
        media = self._answered_media(answer)
        with self._lock:
            self._answered = media
            self._final_code, self._final_reason = answer.status, answer.reason
            given_up = self._state == "cancelled"
            if not given_up:
                self._state = "established"
            stopping = self._stopped
        if given_up:
            # stop() stopped waiting for this answer: the session it accepts is ended at once.
            self._note(f"a {answer.status} arrived after stop() gave up waiting: ACKed and BYE sent")
            self._send_bye(time.monotonic() + 2.0)
            return
        if stopping:
            # stop() is waiting for this answer and sends the BYE itself; no media meanwhile.
            self._final.set()
            return
        self._start_media(media)
        self._final.set()
        self._notify("established")

    def _negotiated_interval(self, answer: SipMessage) -> int | None:
        # RFC 4028 section 7.2: no Session-Expires in the 2xx means no session timer; we refresh when we are refresher.
        value = answer.get("session-expires")
        if not value or self.request.session_timeout_secs <= 0:
            return None
        seconds = value.split(";", 1)[0].strip()
        refresher = (header_parameter(";" + value.split(";", 1)[1], "refresher") if ";" in value else None) or "uac"
        if not seconds.isdigit() or int(seconds) <= 0 or refresher.lower() != "uac":
            return None
        return int(seconds)

    def _answered_media(self, answer: SipMessage) -> list[AnsweredMedia]:
        sdp = self._sdp_of(answer)
        if sdp is None:
            self._note("the 2xx carried no SDP answer: no RTP sent")
            return []
        try:
            lines = parse_sdp(sdp)
        except ValueError as err:
            self._note(f"unreadable SDP answer ({err}): no RTP sent")
            return []
        return [AnsweredMedia(m.label, m.address, m.port, m.direction) for m in lines]

    def _sdp_of(self, message: SipMessage) -> str | None:
        content_type = (message.get("content-type") or "").strip()
        if content_type.lower().startswith("application/sdp"):
            return message.body.decode("utf-8", "replace")
        if content_type.lower().startswith("multipart/"):
            try:
                for part in parse_multipart(content_type, message.body):
                    if part.headers.get("content-type", "").lower().startswith("application/sdp"):
                        return part.content.decode("utf-8", "replace")
            except ValueError:
                return None
        return None

    def _start_media(self, media: list[AnsweredMedia]) -> None:
        streams = forwarded_streams(self.request.track)
        if len(media) != len(streams):
            self._note(f"the SDP answer has {len(media)} m-line(s) for {len(streams)} offered (RFC 3264 section 6)")
        senders: list[RtpSender | None] = []
        for index, stream in enumerate(streams):
            answered = media[index] if index < len(media) else None
            destination = self._media_destination(stream.label, answered)
            if destination is None:
                senders.append(None)
                continue
            senders.append(RtpSender(self._rtp_sockets[index], destination, TONES[stream.track], self._media_stop))
        with self._lock:
            self._senders = senders

    def _media_destination(self, label: str, answered: AnsweredMedia | None) -> tuple[str, int] | None:
        if answered is None or answered.port == 0:
            self._note(f"stream {label}: rejected by the SRS (no m-line, or port 0)")
            return None
        if answered.direction not in ("recvonly", "sendrecv"):
            self._note(f"stream {label}: the SRS answered {answered.direction}, so nothing is sent")
            return None
        if self.request.secure:
            self._note(f"stream {label}: SRTP not sent (the standard library has no AES)")
            return None
        try:
            address = resolve_host(answered.address or "", self._agent.allow_any_host)
        except HostNotAllowedError as err:
            self._note(f"stream {label}: media address refused: {err}")
            return None
        except OSError as err:
            self._note(f"stream {label}: media address {answered.address!r} unusable: {err}")
            return None
        if (":" in address) != (self._rtp_sockets[0].family == socket.AF_INET6):
            self._note(f"stream {label}: media address {address} is not of the signalling address family")
            return None
        return address, answered.port

    def _refresh(self) -> bool:
        """One session refresh re-INVITE (RFC 4028 section 10); False when the session ended because of it."""
        with self._lock:
            if self._state != "established":
                return False
            self._cseq += 1
            cseq = self._cseq
        branch = new_branch()
        sdp = self._sdp.encode()
        headers = [*self._dialog_headers(branch, cseq, "INVITE", to=self._to_with_tag()), ("Contact", self._contact),
                   ("Allow", ALLOW), *self._timer_headers(), ("User-Agent", USER_AGENT),
                   ("Content-Type", "application/sdp")]
        invite = render(f"INVITE {self._remote_target} SIP/2.0", headers, sdp)
        answer = self._invite_transaction(invite, branch, initial=False)
        if self._stop_requested.is_set():
            return False
        if answer is not None and 200 <= answer.status < 300:
            with self._lock:
                self._refreshes += 1
            return True
        if answer is None or answer.status in (408, 481):
            # RFC 4028 section 10: the session is gone; say so with a BYE.
            self._note(f"session refresh failed ({answer.status if answer else 'timeout'}): session ended")
            with self._lock:
                self._stopped = True
            self._media_stop.set()
            self._send_bye(time.monotonic() + 2.0)
            self._finish("ended", ended_by="srs")
            self._release()
            return False
        self._note(f"session refresh answered {answer.status} {answer.reason}; session continues")
        return True

    def _to_with_tag(self) -> str:
        return f"{self._to};tag={self._remote_tag}" if self._remote_tag else self._to

    def _send_bye(self, deadline: float) -> None:
        with self._lock:
            self._cseq += 1
            cseq = self._cseq
            self._bye_sent = True
        branch = new_branch()
        bye = render(f"BYE {self._remote_target} SIP/2.0",
                     [*self._dialog_headers(branch, cseq, "BYE", to=self._to_with_tag()), ("User-Agent", USER_AGENT)])
        answer = self._non_invite_transaction(bye, branch, "BYE", deadline)
        with self._lock:
            self._bye_code = answer.status if answer is not None else None

    def _non_invite_transaction(self, message: bytes, branch: str, method: str, deadline: float
                                ) -> SipMessage | None:
        """RFC 3261 section 17.1.2: Timer E retransmits over UDP (T1 doubling to T2); waits until `deadline`."""
        inbox: queue.Queue[SipMessage] = queue.Queue()
        self._agent._register_transaction(branch, method, inbox.put)
        link = self._link
        if link is None:
            return None
        self._send(message)
        interval = self._agent.t1
        retransmit_at = time.monotonic() + interval
        deadline = min(deadline, time.monotonic() + 64 * self._agent.t1)
        while (now := time.monotonic()) < deadline:
            wake = deadline if link.reliable else min(deadline, retransmit_at)
            try:
                answer = inbox.get(timeout=max(0.0, wake - now))
            except queue.Empty:
                if not link.reliable and time.monotonic() >= retransmit_at and time.monotonic() < deadline:
                    self._send(message)
                    interval = min(interval * 2, T2)
                    retransmit_at = time.monotonic() + interval
                continue
            if answer.status >= 200:
                return answer
            interval = T2
        return None

    # Incoming (from a transport thread)

    def _late_invite_answer(self, answer: SipMessage) -> None:
        """A final answer retransmitted after the transaction ended: ACK again (RFC 3261 sections 13.2.2.4, 17.1.1.2),
        and end a 2xx that arrives after we gave up (Timer B or stop) at once."""
        if 200 <= answer.status < 300:
            with self._lock:
                gave_up = self._state in ("timeout", "cancelled", "failed")
                ack = self._acks.get(answer.cseq[0])
            if ack is not None:
                self._send(ack)
            elif gave_up:
                self._end_late_2xx(answer)
        elif answer.status >= 300 and self._ack_non_2xx is not None:
            self._send(self._ack_non_2xx)
        elif answer.status >= 300:
            invite = self.invite
            self._ack_non_2xx = self._build_ack_non_2xx(answer, invite, answer.branch)
            self._send(self._ack_non_2xx)

    def _end_late_2xx(self, answer: SipMessage) -> None:
        contact = answer.get("contact")
        target = uri_of(contact) if contact else self._request_uri
        to = answer.get("to") or self._to
        ack = render(f"ACK {target} SIP/2.0", self._dialog_headers(new_branch(), answer.cseq[0], "ACK", to=to))
        bye = render(f"BYE {target} SIP/2.0", self._dialog_headers(new_branch(), answer.cseq[0] + 1, "BYE", to=to))
        self._send(ack)
        self._send(bye)
        self._note(f"a {answer.status} arrived after the session was given up: ACKed and BYE sent")

    def _on_request(self, request: SipMessage, link: Link) -> None:
        method = request.method
        if method == "ACK":
            return
        if method == "BYE":
            link.send(_response_to(request, 200, "OK"))
            with self._lock:
                live = self._state == "established"
                self._stopped = True
            self._media_stop.set()
            if live:
                self._finish("ended", ended_by="srs")
                self._release(keep_dialog=True)
            return
        if method == "INVITE":
            # A re-INVITE from the SRS (its own refresh, say): the same streams, as before.
            extra = [("Contact", self._contact), ("Content-Type", "application/sdp")]
            link.send(_response_to(request, 200, "OK", extra, self._sdp.encode()))
            return
        if method in ("OPTIONS", "UPDATE", "INFO"):
            link.send(_response_to(request, 200, "OK", [("Allow", ALLOW)]))
            return
        link.send(_response_to(request, 405, "Method Not Allowed", [("Allow", ALLOW)]))

    def _on_connection_closed(self) -> None:
        with self._lock:
            state = self._state
            self._stopped = True
        self._media_stop.set()
        if state == "established":
            self._note("the SRS closed the SIP connection")
            self._finish("ended", ended_by="srs")
        elif state in ("calling", "proceeding"):
            self._fail(None, "transport error: the SRS closed the SIP connection")

    # Helpers

    def _send(self, data: bytes) -> None:
        link = self._link
        if link is None:
            return
        try:
            link.send(data)
        except OSError as err:
            self._note(f"send failed: {type(err).__name__}: {err}")

    def _note(self, text: str) -> None:
        with self._lock:
            self._notes.append(text)

    def _fail(self, code: int | None, reason: str, state: str = "failed") -> None:
        with self._lock:
            if self._final.is_set():
                return
            self._state = state
            self._final_code, self._final_reason = code, reason
            self._stopped = True
        self._final.set()
        self._finish(state)
        self._release()

    def _finish(self, state: str, ended_by: str | None = None) -> None:
        with self._lock:
            if self._ended.is_set():
                return
            self._state = state
            self._ended_by = ended_by
            self._ended_at = time.monotonic()
        self._ended.set()
        self._notify(state)

    def _notify(self, event: str) -> None:
        if self._listener is None:
            return
        try:
            self._listener(event, self.outcome())
        except Exception as err:  # a listener's bug must not take down a SIP thread
            self._note(f"listener failed on {event}: {type(err).__name__}: {err}")

    def _release(self, keep_dialog: bool = False) -> None:
        """Stops the RTP senders and closes the session's sockets (the SIP link last, after its final use)."""
        self._media_stop.set()
        with self._lock:
            senders = [s for s in self._senders if s is not None]
            sockets, self._rtp_sockets = self._rtp_sockets, []
        for sender in senders:
            sender.join()
        for sock in sockets:
            sock.close()
        if not keep_dialog:
            self._agent._forget_dialog(self)
        if self._stream_link is not None and self._ended.is_set():
            self._stream_link.close()

    def _join(self) -> None:
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()


class SiprecUserAgent:
    """Telnyx's SIPREC client: starts recording sessions towards SRSs; `close()` ends them all.

    `invite_timeout` is Timer B (32 s as RFC 3261 has it; tests use ~2 s) and `t1` the first retransmission interval.
    `allow_any_host=True` lifts the loopback-only rule, for a user's own lab SRS: it must be asked for explicitly.
    TLS (`secure` or transport `tls`) uses `tls_context`; the default one does not verify the SRS's certificate,
    because a lab SRS is usually self-signed; pass a verifying context to check it.
    """

    def __init__(self, *, allow_any_host: bool = False, invite_timeout: float = TIMER_B, t1: float = T1,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.allow_any_host = allow_any_host
        self.invite_timeout = invite_timeout
        self.t1 = t1
        if tls_context is None:
            tls_context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
            # A lab SRS's certificate is self-signed: checking it would refuse exactly the servers this is for.
            tls_context.check_hostname = False
            tls_context.verify_mode = ssl.CERT_NONE
        self.tls_context = tls_context
        self._lock = threading.Lock()
        self._closed = False
        self._endpoints: dict[socket.AddressFamily, UdpEndpoint] = {}
        self._transactions: dict[tuple[str, str], tuple[Callable[[SipMessage], None], float]] = {}
        self._dialogs: dict[str, SessionHandle] = {}
        self._sessions: list[SessionHandle] = []

    def start(self, request: RecordingRequest, listener: Listener | None = None) -> SessionHandle:
        """Sends the recording-session INVITE (from a background thread) and returns at once.

        HostNotAllowedError (a ValueError) before anything is sent when the SRS is not allowed (see the class).
        """
        address = resolve_host(request.srs_host, self.allow_any_host)
        with self._lock:
            if self._closed:
                raise RuntimeError("the SIPREC user agent is closed")
            handle = SessionHandle(self, request, address, listener)
            # Ended sessions are not kept: the list only serves close().
            self._sessions = [s for s in self._sessions if not s._ended.is_set()]
            self._sessions.append(handle)
        handle._start()
        return handle

    def close(self, wait: float = 1.0) -> None:
        """Stops every session (BYEs in parallel, each awaited up to `wait` s), then closes every socket and thread."""
        with self._lock:
            self._closed = True
            sessions, self._sessions = self._sessions, []
        stoppers = [threading.Thread(target=s.stop, args=(wait,), daemon=True) for s in sessions]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for session in sessions:
            session._join()
        with self._lock:
            endpoints = list(self._endpoints.values())
            self._endpoints.clear()
            self._transactions.clear()
            self._dialogs.clear()
        for endpoint in endpoints:
            endpoint.close()

    def __enter__(self) -> SiprecUserAgent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # For the sessions

    def _local_address_for(self, destination: tuple[str, int], family: socket.AddressFamily) -> str:
        if not self.allow_any_host:
            return "::1" if family == socket.AF_INET6 else "127.0.0.1"
        # connect() on a UDP socket sends nothing; it only asks the routing table which source address to use.
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(destination)
            return str(probe.getsockname()[0])

    def _udp_endpoint(self, family: socket.AddressFamily) -> UdpEndpoint:
        with self._lock:
            endpoint = self._endpoints.get(family)
            if endpoint is None:
                if self.allow_any_host:
                    bind_host = "::" if family == socket.AF_INET6 else "0.0.0.0"  # noqa: S104 - the user asked for it
                else:
                    bind_host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
                endpoint = UdpEndpoint(family, bind_host, self._on_message, self._source_allowed)
                self._endpoints[family] = endpoint
            return endpoint

    def _source_allowed(self, address: str) -> bool:
        if self.allow_any_host:
            return True
        try:
            return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
        except ValueError:
            return False

    def _register_transaction(self, branch: str, method: str, handler: Callable[[SipMessage], None]) -> None:
        now = time.monotonic()
        with self._lock:
            # Finished transactions absorb retransmitted answers for a while, then go (RFC 3261 Timer D/K).
            expired = [key for key, (_h, until) in self._transactions.items() if until < now]
            for key in expired:
                del self._transactions[key]
            self._transactions[(branch, method)] = (handler, now + max(TRANSACTION_MEMORY, self.invite_timeout * 2))

    def _register_dialog(self, session: SessionHandle) -> None:
        now = time.monotonic()
        with self._lock:
            # A dialog the SRS ended stays to answer its retransmitted BYE, for as long as a transaction would.
            stale = [call_id for call_id, s in self._dialogs.items()
                     if s._ended.is_set() and now - s._ended_at > TRANSACTION_MEMORY]
            for call_id in stale:
                del self._dialogs[call_id]
            self._dialogs[session.call_id] = session

    def _forget_dialog(self, session: SessionHandle) -> None:
        with self._lock:
            if self._dialogs.get(session.call_id) is session:
                del self._dialogs[session.call_id]

    def _on_message(self, message: SipMessage, link: Link) -> None:
        if message.is_response:
            with self._lock:
                entry = self._transactions.get((message.branch, message.cseq[1]))
            if entry is not None:
                entry[0](message)
            return
        with self._lock:
            session = self._dialogs.get(message.call_id)
        if session is not None:
            session._on_request(message, link)
        elif message.method != "ACK":
            link.send(_response_to(message, 481, "Call/Transaction Does Not Exist"))


__all__ = [
    "TIMER_B",
    "AnsweredMedia",
    "HostNotAllowedError",
    "Listener",
    "RecordingRequest",
    "SessionHandle",
    "SiprecUserAgent",
    "SrcOutcome",
    "resolve_host",
]
