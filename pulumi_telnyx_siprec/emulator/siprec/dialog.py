"""One session's SIP dialog with the SRS: the link it travels, its identifiers, route set and CSeq, and the requests
and ACKs it sends (INVITE, re-INVITE, ACK, CANCEL, BYE) through the client transactions.

Sources:
- RFC 7866 section 6.1.1: the SRC puts `siprec` in `Require` and the `+sip.src` feature tag on its Contact.
- RFC 3261: section 12 (dialog identifiers; 12.1.2: the route set is the Record-Route list reversed), 13.2.2.4 (the
  ACK of a 2xx is its own transaction, to the remote target), 17.1.1.3 (the ACK of a non-2xx belongs to the INVITE's
  transaction: same Request-URI, branch and Call-ID), 9.1 (CANCEL, same branch), 15.1 (BYE).
- RFC 3581: `rport` in Via.
"""

from __future__ import annotations

import secrets
import socket
import ssl
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

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
from .request import RecordingRequest
from .transactions import InviteResult, StopStep, TransactionLayer, invite_transaction, non_invite_transaction
from .transport import Link, StreamLink, UdpEndpoint

USER_AGENT = "pulumi-telnyx-siprec-emulator"
ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE"
SRC_USER = "telnyx-siprec-src"


def respond(request: SipMessage, code: int, reason: str, extra: Sequence[tuple[str, str]] = (),
            body: bytes = b"") -> bytes:
    """Our answer to a request: `sip.message.response_to` signed with our User-Agent."""
    return response_to(request, code, reason, [*extra, ("User-Agent", USER_AGENT)], body)


class DialogHost(TransactionLayer, Protocol):
    """What a dialog needs of its user agent: addresses, the shared UDP endpoint, TLS, and where messages go."""

    tls_context: ssl.SSLContext

    def _local_address_for(self, destination: tuple[str, int], family: socket.AddressFamily) -> str: ...

    def _udp_endpoint(self, family: socket.AddressFamily) -> UdpEndpoint: ...

    def _on_message(self, message: SipMessage, link: Link) -> None: ...


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
        self._acks: dict[int, bytes] = {}
        """The ACK sent for each CSeq's 2xx, sent again when that 2xx is retransmitted."""
        self._ack_non_2xx: bytes | None = None
        self._cancel_sent = False
        self.invite: bytes = b""
        """The INVITE as first sent (empty until built)."""

    # Setting up

    def connect(self, on_closed: Callable[[], None]) -> socket.AddressFamily:
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
            if transport == "tls":
                # The configured name, for a verifying context (SNI, and the certificate's name or IP address).
                sock = host.tls_context.wrap_socket(sock, server_hostname=self._request.srs_host.strip("[]"))
            self._local_port = sock.getsockname()[1]
            self._stream_link = StreamLink(sock, host._on_message, on_closed)
            self._link = self._stream_link
        return family

    def initial_invite(self, content_type: str, body: bytes, timer_headers: Sequence[tuple[str, str]]) -> bytes:
        """Builds the recording-session INVITE (kept as `invite`) once connected."""
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
        self.invite = render(f"INVITE {self._request_uri} SIP/2.0", headers, body)
        return self.invite

    # Requests

    def invite_transaction(self, invite: bytes, branch: str, *, stop_step: Callable[[], StopStep],
                           on_provisional: Callable[[int], None]) -> InviteResult:
        """Runs an INVITE's client transaction on this dialog's link (the caller ACKs its final answer)."""
        link = self._link
        assert link is not None
        return invite_transaction(self._host, link, invite, branch, send=self.send, stop_step=stop_step,
                                  on_provisional=on_provisional, cancel=lambda: self.cancel(branch),
                                  late_answer=self._late_answer)

    def learn(self, answer: SipMessage) -> None:
        """Takes the dialog's remote side from the first INVITE's 2xx: its tag, target and route set."""
        with self._lock:
            self._remote_tag = header_parameter(answer.get("to") or "", "tag")
            contact = answer.get("contact")
            self._remote_target = uri_of(contact) if contact else self._request_uri
            # RFC 3261 section 12.1.2: the UAC's route set is the Record-Route list reversed.
            self._route_set = list(reversed(answer.values("record-route")))

    def ack(self, answer: SipMessage, invite: bytes, branch: str) -> None:
        """ACKs the final answer to `invite`: a 2xx in a transaction of its own, anything else in the INVITE's."""
        if 200 <= answer.status < 300:
            cseq = answer.cseq[0]
            ack = render(f"ACK {self._remote_target} SIP/2.0",
                         self._headers(new_branch(), cseq, "ACK", to=answer.get("to") or self._to))
            with self._lock:
                self._acks[cseq] = ack
            self.send(ack)
            return
        self._ack_non_2xx = self._ack_for_non_2xx(answer, invite, branch)
        self.send(self._ack_non_2xx)

    def re_invite(self, sdp: str, timer_headers: Sequence[tuple[str, str]]) -> tuple[bytes, str]:
        """A re-INVITE of the dialog with the same offer (a session refresh), and its branch."""
        with self._lock:
            self._cseq += 1
            cseq = self._cseq
        branch = new_branch()
        headers = [*self._headers(branch, cseq, "INVITE", to=self._to_with_tag()), ("Contact", self._contact),
                   ("Allow", ALLOW), *timer_headers, ("User-Agent", USER_AGENT), ("Content-Type", "application/sdp")]
        return render(f"INVITE {self._remote_target} SIP/2.0", headers, sdp.encode()), branch

    def cancel(self, branch: str) -> None:
        """CANCELs the INVITE of `branch` (once per dialog)."""
        with self._lock:
            if self._cancel_sent:
                return
            self._cancel_sent = True
        headers = [(name, value) for name, value in self._headers(branch, 1, "CANCEL", to=self._to)]
        self.send(render(f"CANCEL {self._request_uri} SIP/2.0", [*headers, ("User-Agent", USER_AGENT)]))

    def bye(self, deadline: float) -> int | None:
        """Sends BYE and waits for its final answer until `deadline`; that answer's code, or None."""
        with self._lock:
            self._cseq += 1
            cseq = self._cseq
        branch = new_branch()
        bye = render(f"BYE {self._remote_target} SIP/2.0",
                     [*self._headers(branch, cseq, "BYE", to=self._to_with_tag()), ("User-Agent", USER_AGENT)])
        answer = non_invite_transaction(self._host, self._link, bye, branch, "BYE", deadline, self.send)
        return answer.status if answer is not None else None

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
        """Closes the session's own TCP or TLS connection, if it has one (the UDP endpoint is shared)."""
        if self._stream_link is not None:
            self._stream_link.close()

    # Incoming (from a transport thread)

    def answer_in_dialog(self, request: SipMessage, link: Link, sdp: str) -> None:
        """Answers a request of the SRS within the dialog, BYE apart (the session handles that one)."""
        method = request.method
        if method == "ACK":
            return
        if method == "INVITE":
            # A re-INVITE from the SRS (its own refresh, say): the same streams, as before.
            extra = [("Contact", self._contact), ("Content-Type", "application/sdp")]
            link.send(respond(request, 200, "OK", extra, sdp.encode()))
            return
        if method in ("OPTIONS", "UPDATE", "INFO"):
            link.send(respond(request, 200, "OK", [("Allow", ALLOW)]))
            return
        link.send(respond(request, 405, "Method Not Allowed", [("Allow", ALLOW)]))

    def _late_answer(self, answer: SipMessage) -> None:
        """A final answer retransmitted after the transaction ended: ACK again (RFC 3261 sections 13.2.2.4, 17.1.1.2),
        and end a 2xx that arrives after we gave up (Timer B or stop) at once."""
        if 200 <= answer.status < 300:
            gave_up = self._gave_up()
            with self._lock:
                ack = self._acks.get(answer.cseq[0])
            if ack is not None:
                self.send(ack)
            elif gave_up:
                self._end_late_2xx(answer)
        elif answer.status >= 300 and self._ack_non_2xx is not None:
            self.send(self._ack_non_2xx)
        elif answer.status >= 300:
            self._ack_non_2xx = self._ack_for_non_2xx(answer, self.invite, answer.branch)
            self.send(self._ack_non_2xx)

    def _end_late_2xx(self, answer: SipMessage) -> None:
        contact = answer.get("contact")
        target = uri_of(contact) if contact else self._request_uri
        to = answer.get("to") or self._to
        ack = render(f"ACK {target} SIP/2.0", self._headers(new_branch(), answer.cseq[0], "ACK", to=to))
        bye = render(f"BYE {target} SIP/2.0", self._headers(new_branch(), answer.cseq[0] + 1, "BYE", to=to))
        self.send(ack)
        self.send(bye)
        self._note(f"a {answer.status} arrived after the session was given up: ACKed and BYE sent")

    # Building

    def _ack_for_non_2xx(self, answer: SipMessage, invite: bytes, branch: str) -> bytes:
        # RFC 3261 section 17.1.1.3: same Request-URI, top Via (branch) and Call-ID as the INVITE, the answer's To.
        cseq = int(parse_message(invite).cseq[0])
        headers = self._headers(branch, cseq, "ACK", to=answer.get("to") or self._to)
        return render(f"ACK {parse_message(invite).first_line.split(' ')[1]} SIP/2.0", headers)

    def _to_with_tag(self) -> str:
        return f"{self._to};tag={self._remote_tag}" if self._remote_tag else self._to

    def _headers(self, branch: str, cseq: int, method: str, to: str) -> list[tuple[str, str]]:
        transport = self._request.signalling.upper()
        return [
            # RFC 3581: rport asks the SRS to answer to the port the request came from.
            ("Via", f"SIP/2.0/{transport} {host_in_uri(self.local_address)}:{self._local_port}"
                    f";branch={branch};rport"),
            ("Max-Forwards", "70"),
            *(("Route", route) for route in self._route_set),
            ("From", self._from),
            ("To", to),
            ("Call-ID", self.call_id),
            ("CSeq", f"{cseq} {method}"),
        ]

