"""The SIPREC client's user agent: starts sessions, and routes what arrives to them (answers to their transactions,
requests to their dialogs), over one UDP endpoint per address family and each session's own TCP or TLS link.

A message that does not parse is dropped, with a note on the session whose Call-ID it carries; an answer the user
agent cannot send is dropped too (the SRS retransmits over UDP). Nothing an SRS sends ends a receive thread."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Sequence

from ..sip.message import MalformedMessageError, SipMessage
from ..sip.sdes import DEFAULT_SUITES, check_suites
from .addresses import resolve_host, source_allowed
from .dialog import respond
from .outcome import Listener
from .request import RecordingRequest
from .session import SessionHandle
from .transactions import T1, TIMER_B, TRANSACTION_MEMORY, Handler
from .transport import CONNECTION_LINGER, Link, UdpEndpoint


class SiprecUserAgent:
    """Telnyx's SIPREC client: starts recording sessions towards SRSs; `close()` ends them all.

    `invite_timeout` is Timer B (32 s as RFC 3261 has it; tests use ~2 s) and `t1` the first retransmission interval.
    `allow_any_host=True` lifts the loopback-only rule, for a user's own lab SRS: it must be asked for explicitly.
    TLS (`secure` or transport `tls`) uses `tls_context`; the default one does not verify the SRS's certificate,
    because a lab SRS is usually self-signed; pass a verifying context to check it. `connection_linger` is how long a
    session's TCP or TLS connection stays open once the session is over, for the SRS to finish with it (0: closed at
    once). `srtp_suites` are the SRTP suites a secure session offers, in order of preference (SDES names of
    `sip.sdes.SUITES`; the default is `sip.sdes.DEFAULT_SUITES`): ValueError for an unknown one.
    """

    def __init__(self, *, allow_any_host: bool = False, invite_timeout: float = TIMER_B, t1: float = T1,
                 tls_context: ssl.SSLContext | None = None, connection_linger: float = CONNECTION_LINGER,
                 srtp_suites: Sequence[str] = DEFAULT_SUITES) -> None:
        self.srtp_suites = check_suites(srtp_suites)
        self.allow_any_host = allow_any_host
        self.connection_linger = connection_linger
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
        self._transactions: dict[tuple[str, str], tuple[Handler, float]] = {}
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
            # Finished sessions are not kept: the list only serves close().
            self._sessions = [s for s in self._sessions if not s._is_finished()]
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
                endpoint = UdpEndpoint(family, bind_host, self, self._source_allowed)
                self._endpoints[family] = endpoint
            return endpoint

    def _source_allowed(self, address: str) -> bool:
        return source_allowed(address, self.allow_any_host)

    def _register_transaction(self, branch: str, method: str, handler: Handler) -> None:
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
                     if s._over_for_longer_than(TRANSACTION_MEMORY, now)]
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
            # No session to tell: an answer that cannot go out is the SRS's loss alone.
            with contextlib.suppress(OSError):
                link.send(respond(message, 481, "Call/Transaction Does Not Exist"))

    def _on_malformed(self, error: MalformedMessageError, _link: Link) -> None:
        if error.call_id is None:
            return
        with self._lock:
            session = self._dialogs.get(error.call_id)
        if session is not None:
            session._on_malformed(str(error))
