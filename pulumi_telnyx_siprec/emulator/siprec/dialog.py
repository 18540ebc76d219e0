"""One session's SIP dialog with the SRS: the link it travels, its identifiers, route set and CSeq, and the requests
and ACKs it sends (INVITE, re-INVITE, ACK, CANCEL, BYE) through the client transactions.

Sources:
- RFC 7866 section 6.1.1: the SRC puts `siprec` in `Require` and the `+sip.src` feature tag on its Contact.
- RFC 3261: section 12 (dialog identifiers; 12.1.2: the route set is the Record-Route list reversed), 13.2.2.4 (the
  ACK of a 2xx is its own transaction, to the remote target, with the INVITE's CSeq number; every retransmission of
  the 2xx gets it again), 17.1.1.3 (the ACK of a non-2xx belongs to the INVITE's transaction: same Request-URI,
  branch, Call-ID, CSeq number and Route), 9.1 (CANCEL: the Request-URI, Call-ID, From, To, CSeq number, top Via and
  Route of the INVITE it cancels), 15.1 (BYE).
- RFC 3581: `rport` in Via.

Each INVITE the dialog sends (the first, and every refresh) is a `SentInvite`: its CANCEL and its ACKs are built from
it, and ACKs sent are kept per INVITE (the last `MAX_ACKS_KEPT`). What the dialog keeps of the SRS's messages is the
tag, Contact URI and Record-Route list of one 2xx: at most one message (`MAX_MESSAGE_BYTES`).
"""

from __future__ import annotations

import secrets
import socket
import ssl
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..sip.message import (
    SipMessage,
    header_parameter,
    host_in_uri,
    new_branch,
    new_tag,
    render,
    response_to,
    uri_of,
)
from .request import RecordingRequest
from .transactions import InviteResult, StopStep, TransactionLayer, invite_transaction, non_invite_transaction
from .transport import Link, MessageSink, StreamLink, UdpEndpoint

USER_AGENT = "pulumi-telnyx-siprec-emulator"
ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE"
SRC_USER = "telnyx-siprec-src"
MAX_ACKS_KEPT = 8
"""ACKs kept to answer retransmitted final answers: those of the last few INVITEs (a 2xx is retransmitted for 32 s
at most, RFC 3261 section 13.3.1.4; a refresh comes every 45 s at the least with Telnyx's minimum of 90)."""


def respond(request: SipMessage, code: int, reason: str, extra: Sequence[tuple[str, str]] = (),
            body: bytes = b"") -> bytes:
    """Our answer to a request: `sip.message.response_to` signed with our User-Agent."""
    return response_to(request, code, reason, [*extra, ("User-Agent", USER_AGENT)], body)


@dataclass(frozen=True)
class SentInvite:
    """An INVITE the dialog sent, and what its CANCEL and its ACKs must repeat of it."""

    data: bytes
    branch: str
    request_uri: str
    cseq: int
    to: str
    routes: tuple[str, ...]
    first: bool
    """The dialog-creating INVITE (a refresh otherwise)."""


class DialogHost(TransactionLayer, MessageSink, Protocol):
    """What a dialog needs of its user agent: addresses, the shared UDP endpoint, TLS, and where messages go."""

    tls_context: ssl.SSLContext
    connection_linger: float

    def _local_address_for(self, destination: tuple[str, int], family: socket.AddressFamily) -> str: ...

    def _udp_endpoint(self, family: socket.AddressFamily) -> UdpEndpoint: ...


class Dialog:
    """The SIP side of one session. `note` records what is worth knowing; `gave_up` says whether the session stopped
    waiting for the first INVITE's final answer (a 2xx arriving after that is ended at once)."""

    def __init__(self, host: DialogHost, request: RecordingRequest, srs: tuple[str, int], *,
                 note: Callable[[str], None], gave_up: Callable[[], bool]) -> None:
        self._host = host
        self._request = request
        self._srs = srs
        self._note = note
        self._gave_up = gave_up
        self._lock = threading.Lock()
        # Dialog identifiers (RFC 3261 section 12).
        self.call_id = secrets.token_hex(16)
        self._local_tag = new_tag()
        self._remote_tag: str | None = None
        self._remote_target: str | None = None
        self._route_set: list[str] = []
        self._cseq = 1
        self.invite_branch = new_branch()
        self._link: Link | None = None
        self._stream_link: StreamLink | None = None
        self.local_address = ""
        self._local_port = 0
        self._request_uri = ""
        self._from = ""
        self._to = ""
        self._contact = ""
        self._acks: OrderedDict[str, bytes] = OrderedDict()
        """The ACK sent for each INVITE's final answer (by branch), sent again when that answer is retransmitted."""
        self._bye_answered = False
        self.first: SentInvite | None = None
        """The dialog-creating INVITE (None until built)."""

    @property
    def invite(self) -> bytes:
        """The INVITE as first sent (empty until built)."""
        return self.first.data if self.first is not None else b""

    # Setting up

    def connect(self, on_closed: Callable[[str], None]) -> socket.AddressFamily:
        """Picks the local address and opens the link to the SRS: the shared UDP endpoint, or a TCP or TLS connection
        of its own (`on_closed` is told when the SRS closes it). The address family of both ends."""
        host = self._host
        family = socket.AF_INET6 if ":" in self._srs[0] else socket.AF_INET
        self.local_address = host._local_address_for(self._srs, family)
        transport = self._request.signalling
        if transport == "udp":
            endpoint = host._udp_endpoint(family)
            self._local_port = endpoint.port
            self._link = endpoint.link(self._srs)
        else:
            sock = socket.create_connection(self._srs, timeout=min(host.invite_timeout, 10.0))
            # Each SIP message goes out whole at once: Nagle's algorithm would hold a request back until the SRS ACKs
            # the one before (an ACK, then a BYE), which its delayed ACK puts off by some 40 ms.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if transport == "tls":
                # The configured name, for a verifying context (SNI, and the certificate's name or IP address).
                sock = host.tls_context.wrap_socket(sock, server_hostname=self._request.srs_host.strip("[]"))
            self._local_port = sock.getsockname()[1]
            self._stream_link = StreamLink(sock, host, on_closed)
            self._link = self._stream_link
        return family

    def initial_invite(self, content_type: str, body: bytes, timer_headers: Sequence[tuple[str, str]]) -> SentInvite:
        """Builds the recording-session INVITE (kept as `first`) once connected."""
        request = self._request
        transport = request.signalling
        local = host_in_uri(self.local_address)
        transport_parameter = "" if transport == "udp" else f";transport={transport}"
        self._request_uri = f"sip:{host_in_uri(self._srs[0])}:{self._srs[1]}{transport_parameter}"
        self._from = f"<sip:{SRC_USER}@{local}>;tag={self._local_tag}"
        self._to = f"<sip:{host_in_uri(self._srs[0])}:{self._srs[1]}>"
        # RFC 7866 section 6.1.1: the Contact carries the +sip.src feature tag (RFC 3840 syntax).
        self._contact = f"<sip:{SRC_USER}@{local}:{self._local_port}{transport_parameter}>;+sip.src"
        headers = [
            *self._headers(self.invite_branch, self._cseq, "INVITE", to=self._to),
            ("Contact", self._contact),
            # RFC 7866 section 6.1.1: an SRS that does not do SIPREC must refuse (420) rather than answer as a UA.
            ("Require", "siprec"),
            ("Allow", ALLOW),
            ("Accept", "application/sdp"),
            *timer_headers,
            ("User-Agent", USER_AGENT),
        ]
        if not request.include_metadata_custom_headers:
            # Telnyx: custom parameters travel as SIP headers unless include_metadata_custom_headers.
            headers += list(request.custom_headers)
        headers.append(("Content-Type", content_type))
        data = render(f"INVITE {self._request_uri} SIP/2.0", headers, body)
        self.first = SentInvite(data, self.invite_branch, self._request_uri, self._cseq, self._to, (), first=True)
        return self.first

    # Requests

    def invite_transaction(self, sent: SentInvite, *, stop_step: Callable[[], StopStep],
                           on_provisional: Callable[[int], None]) -> InviteResult:
        """Runs an INVITE's client transaction on this dialog's link (the caller ACKs its final answer)."""
        link = self._link
        assert link is not None
        return invite_transaction(self._host, link, sent.data, sent.branch, send=self.send, stop_step=stop_step,
                                  on_provisional=on_provisional, cancel=lambda: self.cancel(sent),
                                  late_answer=lambda answer: self._late_answer(answer, sent))

    def learn(self, answer: SipMessage) -> None:
        """Takes the dialog's remote side from the first INVITE's 2xx: its tag, target and route set."""
        with self._lock:
            self._remote_tag = header_parameter(answer.get("to") or "", "tag")
            # An unusable Contact (none, or no URI in it) leaves the SRS's address as the target.
            self._remote_target = uri_of(answer.get("contact") or "") or self._request_uri
            # RFC 3261 section 12.1.2: the UAC's route set is the Record-Route list reversed.
            self._route_set = list(reversed(answer.values("record-route")))

    def ack(self, answer: SipMessage, sent: SentInvite) -> None:
        """ACKs the final answer to `sent`: a 2xx in a transaction of its own, anything else in the INVITE's."""
        ack = self._ack_for_2xx(answer, sent) if 200 <= answer.status < 300 else self._ack_for_non_2xx(answer, sent)
        self._keep_ack(sent.branch, ack)
        self.send(ack)

    def re_invite(self, sdp: str, timer_headers: Sequence[tuple[str, str]]) -> SentInvite:
        """A re-INVITE of the dialog with the same offer (a session refresh)."""
        cseq = self._next_cseq()
        branch = new_branch()
        to = self._to_with_tag()
        target = self._target()
        headers = [*self._headers(branch, cseq, "INVITE", to=to), ("Contact", self._contact),
                   ("Allow", ALLOW), *timer_headers, ("User-Agent", USER_AGENT), ("Content-Type", "application/sdp")]
        data = render(f"INVITE {target} SIP/2.0", headers, sdp.encode())
        with self._lock:
            routes = tuple(self._route_set)
        return SentInvite(data, branch, target, cseq, to, routes, first=False)

    def cancel(self, sent: SentInvite) -> None:
        """CANCELs the INVITE `sent` (RFC 3261 section 9.1: its Request-URI, Call-ID, From, To, CSeq number, top Via
        and Route)."""
        headers = self._headers(sent.branch, sent.cseq, "CANCEL", to=sent.to, routes=sent.routes)
        self.send(render(f"CANCEL {sent.request_uri} SIP/2.0", [*headers, ("User-Agent", USER_AGENT)]))

    def bye(self, deadline: float) -> int | None:
        """Sends BYE and waits for its final answer until `deadline`; that answer's code, or None."""
        branch = new_branch()
        answer = non_invite_transaction(self._host, self._link, self._bye_request(branch), branch, "BYE", deadline,
                                        self.send)
        if answer is None:
            return None
        with self._lock:
            self._bye_answered = True
        return answer.status

    def send(self, data: bytes) -> None:
        """Sends on the dialog's link; a failure is noted, not raised (retransmissions and timers cover it)."""
        link = self._link
        if link is None:
            return
        try:
            link.send(data)
        except OSError as err:
            self._note(f"send failed: {type(err).__name__}: {err}")

    def close_link(self) -> None:
        """Closes the session's own TCP or TLS connection, if it has one (the UDP endpoint is shared), once the
        user agent's `connection_linger` has passed; returns at once."""
        if self._stream_link is not None:
            self._stream_link.close(self._host.connection_linger)

    def can_send(self) -> bool:
        """Whether requests can still go out: over UDP always, over TCP or TLS while the connection is open."""
        return self._stream_link is None or self._stream_link.is_open()

    def link_closed(self) -> bool:
        """Whether the session's own connection, if any, is closed (its reader done)."""
        return self._stream_link is None or not self._stream_link.is_alive()

    def join_link(self) -> None:
        """Waits until the session's own connection, if any, is closed."""
        if self._stream_link is not None:
            self._stream_link.join()

    def reply(self, link: Link, request: SipMessage, data: bytes) -> None:
        """Sends an answer to a request of the SRS; a failure is noted, not raised (the SRS retransmits over UDP)."""
        try:
            link.send(data)
        except OSError as err:
            self._note(f"could not answer the SRS's {request.method}: {type(err).__name__}: {err}")

    # Incoming (from a transport thread)

    def answer_in_dialog(self, request: SipMessage, link: Link, sdp: str) -> None:
        """Answers a request of the SRS within the dialog, BYE apart (the session handles that one)."""
        method = request.method
        if method == "ACK":
            return
        if method == "INVITE":
            # A re-INVITE from the SRS (its own refresh, say): the same streams, as before.
            extra = [("Contact", self._contact), ("Content-Type", "application/sdp")]
            self.reply(link, request, respond(request, 200, "OK", extra, sdp.encode()))
            return
        if method in ("OPTIONS", "UPDATE", "INFO"):
            self.reply(link, request, respond(request, 200, "OK", [("Allow", ALLOW)]))
            return
        if method == "CANCEL":
            # RFC 3261 section 9.2: a CANCEL that matches no pending server transaction (this client answers the
            # SRS's requests at once, so none is ever pending) gets 481.
            self.reply(link, request, respond(request, 481, "Call/Transaction Does Not Exist"))
            return
        self.reply(link, request, respond(request, 405, "Method Not Allowed", [("Allow", ALLOW)]))

    def _late_answer(self, answer: SipMessage, sent: SentInvite) -> None:
        """A final answer to `sent` after its transaction ended: the ACK again when it was ACKed (RFC 3261 sections
        13.2.2.4, 17.1.1.2); else, when the transaction was given up before its answer (Timer B, or a stop), that
        answer's ACK, and a 2xx's session ended at once (a BYE)."""
        if answer.status < 200:
            return
        with self._lock:
            ack = self._acks.get(sent.branch)
        if ack is not None:
            self.send(ack)
            return
        if answer.status >= 300:
            self.ack(answer, sent)
        elif sent.first:
            # Without a stored ACK and not given up: the 2xx raced the transaction's own ACK, which answers it.
            if self._gave_up():
                self._end_late_2xx(answer, sent)
        else:
            self._end_late_refresh_2xx(answer, sent)

    def _end_late_2xx(self, answer: SipMessage, sent: SentInvite) -> None:
        """ACK and BYE for a 2xx to the first INVITE that came after the session gave up: to the dialog it would
        have created (its Contact, To and Record-Route)."""
        target = uri_of(answer.get("contact") or "") or self._request_uri
        to = answer.get("to") or self._to
        routes = tuple(reversed(answer.values("record-route")))
        ack = render(f"ACK {target} SIP/2.0", self._headers(new_branch(), sent.cseq, "ACK", to=to, routes=routes))
        bye = render(f"BYE {target} SIP/2.0",
                     self._headers(new_branch(), self._next_cseq(), "BYE", to=to, routes=routes))
        self._keep_ack(sent.branch, ack)
        self.send(ack)
        self.send(bye)
        self._note(f"a {answer.status} arrived after the session was given up: ACKed and BYE sent")

    def _end_late_refresh_2xx(self, answer: SipMessage, sent: SentInvite) -> None:
        """ACK for a 2xx to a refresh the session abandoned when it stopped; a BYE too when no BYE of ours has been
        answered (the SRS may still hold the session)."""
        self.ack(answer, sent)
        with self._lock:
            bye_needed = not self._bye_answered
        if bye_needed:
            self.send(self._bye_request(new_branch()))
        self._note(f"a {answer.status} to an abandoned session refresh arrived: ACKed"
                   + (" and BYE sent" if bye_needed else ""))

    # Building

    def _ack_for_2xx(self, answer: SipMessage, sent: SentInvite) -> bytes:
        # RFC 3261 section 13.2.2.4: a request of the dialog (remote target, route set) with the INVITE's CSeq number.
        return render(f"ACK {self._target()} SIP/2.0",
                      self._headers(new_branch(), sent.cseq, "ACK", to=answer.get("to") or sent.to))

    def _ack_for_non_2xx(self, answer: SipMessage, sent: SentInvite) -> bytes:
        # RFC 3261 section 17.1.1.3: the INVITE's Request-URI, top Via (branch), Call-ID, CSeq number and Route; the
        # answer's To.
        headers = self._headers(sent.branch, sent.cseq, "ACK", to=answer.get("to") or sent.to, routes=sent.routes)
        return render(f"ACK {sent.request_uri} SIP/2.0", headers)

    def _bye_request(self, branch: str) -> bytes:
        return render(f"BYE {self._target()} SIP/2.0",
                      [*self._headers(branch, self._next_cseq(), "BYE", to=self._to_with_tag()),
                       ("User-Agent", USER_AGENT)])

    def _keep_ack(self, branch: str, ack: bytes) -> None:
        with self._lock:
            self._acks[branch] = ack
            self._acks.move_to_end(branch)
            while len(self._acks) > MAX_ACKS_KEPT:
                self._acks.popitem(last=False)

    def _next_cseq(self) -> int:
        with self._lock:
            self._cseq += 1
            return self._cseq

    def _target(self) -> str:
        with self._lock:
            return self._remote_target or self._request_uri

    def _to_with_tag(self) -> str:
        return f"{self._to};tag={self._remote_tag}" if self._remote_tag else self._to

    def _headers(self, branch: str, cseq: int, method: str, to: str,
                 routes: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """The headers every request of the dialog starts with; `routes` the route set (the dialog's by default)."""
        transport = self._request.signalling.upper()
        if routes is None:
            with self._lock:
                routes = list(self._route_set)
        return [
            # RFC 3581: rport asks the SRS to answer to the port the request came from.
            ("Via", f"SIP/2.0/{transport} {host_in_uri(self.local_address)}:{self._local_port}"
                    f";branch={branch};rport"),
            ("Max-Forwards", "70"),
            *(("Route", route) for route in routes),
            ("From", self._from),
            ("To", to),
            ("Call-ID", self.call_id),
            ("CSeq", f"{cseq} {method}"),
        ]

