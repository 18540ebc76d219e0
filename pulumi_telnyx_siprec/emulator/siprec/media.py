"""One session's media: an RTP socket per forwarded stream (what the SDP offer names), and once the SRS has answered,
an RTP sender to each stream it accepted (RFC 7866 section 8: RTP per stream; RFC 3264: the answer's m-lines come in
the order of the offer's). Of the answer it keeps the first `MAX_ANSWERED_MEDIA` m-lines, their label and address cut
to `MAX_TEXT_CHARS`.

A secure session offers `RTP/SAVP` with SDES keys of its own per stream (RFC 4568 section 5.1: each m-line its own),
one `a=crypto` line per suite of `srtp_suites`. Each stream the SRS accepts must be answered `RTP/SAVP` with one crypto
line naming an offered tag and its suite (`sip.sdes.select_answered`); that line picks the suite and the key its RTP is
protected with (RFC 3711, `..srtp`). When an accepted stream's answer has no usable crypto line, `srtp_refusal` says
why and nothing is sent on any stream: nothing ever goes in the clear, and a recording missing one side of the call is
no recording of it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Sequence

from ..sip.message import SipMessage
from ..sip.recording_body import SdpMedia, forwarded_streams, parse_multipart, parse_sdp, sdp_offer
from ..sip.sdes import DEFAULT_SUITES, CryptoAttribute, offer_crypto, select_answered
from ..srtp import SrtpProtector, SrtpUnavailableError
from .addresses import HostNotAllowedError, resolve_host
from .outcome import MAX_ANSWERED_MEDIA, AnsweredMedia, clip
from .request import RecordingRequest
from .rtp import TONES, Protector, RtpSender

SECURE_PROTOCOL = "RTP/SAVP"
"""What a secure offer's m-lines say, and what an SRS must answer for a stream it accepts (RFC 3264 section 6: the
answer's transport is the offer's)."""


def sdp_of(message: SipMessage) -> str | None:
    """The SDP a message carries, alone or as a part of a multipart body."""
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


class SessionMedia:
    """The RTP of one session; `note` records why a stream gets nothing. Thread-safe."""

    def __init__(self, request: RecordingRequest, *, allow_any_host: bool, note: Callable[[str], None],
                 srtp_suites: Sequence[str] = DEFAULT_SUITES) -> None:
        self._request = request
        self._allow_any_host = allow_any_host
        self._note = note
        self._srtp_suites = tuple(srtp_suites)
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._senders: list[RtpSender | None] = []
        self._stop = threading.Event()
        self._offered_crypto: list[tuple[CryptoAttribute, ...]] = []
        """Per stream, the crypto lines offered (a secure session only)."""
        self._chosen_crypto: list[CryptoAttribute | None] = []
        """Per answered m-line, the offered crypto line the SRS took (None: none, or not needed)."""
        self._srtp_refusals: list[str] = []
        self.offer = ""
        """The SDP offer (empty until `bind`)."""

    def bind(self, family: socket.AddressFamily, local_address: str) -> str:
        """Binds a socket per forwarded stream on `local_address`; the SDP offer that names them."""
        for _ in forwarded_streams(self._request.track):
            rtp = socket.socket(family, socket.SOCK_DGRAM)
            # Kept before binding, so that close() closes a socket whose bind failed too.
            self._sockets.append(rtp)
            rtp.bind((local_address, 0))
        if self._request.secure:
            self._offered_crypto = [offer_crypto(self._srtp_suites) for _ in self._sockets]
        self.offer = sdp_offer(self._request.track, [s.getsockname()[1] for s in self._sockets],
                               address=local_address, secure=self._request.secure,
                               crypto=self._offered_crypto or None)
        return self.offer

    def answered(self, answer: SipMessage) -> list[AnsweredMedia]:
        """The m-lines of the SRS's SDP answer (none, noted, when it has no readable SDP)."""
        sdp = sdp_of(answer)
        if sdp is None:
            self._note("the 2xx carried no SDP answer: no RTP sent")
            return []
        try:
            lines = parse_sdp(sdp)
        except ValueError as err:
            self._note(f"unreadable SDP answer ({err}): no RTP sent")
            return []
        if len(lines) > MAX_ANSWERED_MEDIA:
            self._note(f"the SDP answer has {len(lines)} m-lines; the first {MAX_ANSWERED_MEDIA} are kept")
        kept = lines[:MAX_ANSWERED_MEDIA]
        if self._request.secure:
            self._chosen_crypto = [self._answered_crypto(index, m) for index, m in enumerate(kept)]
        return [AnsweredMedia(None if m.label is None else clip(m.label),
                              None if m.address is None else clip(m.address), m.port, clip(m.direction),
                              chosen.suite if (chosen := self._chosen(index)) is not None else None)
                for index, m in enumerate(kept)]

    def srtp_refusal(self) -> str | None:
        """Why the SRS's answer cannot carry this secure session's SRTP (every accepted stream needs a usable crypto
        line), or None when it can, or the session is not secure."""
        if not self._srtp_refusals:
            return None
        return clip("the SRS's SDP answer has no usable SRTP key: " + "; ".join(self._srtp_refusals))

    def _answered_crypto(self, index: int, answered: SdpMedia) -> CryptoAttribute | None:
        """The offered crypto line the SRS took for m-line `index`; None when the stream needs none (not offered,
        rejected, or not to be sent), or when it has none usable (then a refusal is recorded)."""
        if index >= len(self._offered_crypto) or not _accepted(answered):
            return None
        label = forwarded_streams(self._request.track)[index].label
        if answered.protocol.upper() != SECURE_PROTOCOL:
            self._srtp_refusals.append(f"stream {label} answered {clip(answered.protocol, 40)!r}, not "
                                       f"{SECURE_PROTOCOL}")
            return None
        try:
            return select_answered(self._offered_crypto[index], answered.crypto)
        except ValueError as err:
            self._srtp_refusals.append(f"stream {label}: {err}")
            return None

    def _chosen(self, index: int) -> CryptoAttribute | None:
        return self._chosen_crypto[index] if index < len(self._chosen_crypto) else None

    def start(self, media: Sequence[AnsweredMedia]) -> None:
        """Starts a sender to each stream the SRS accepted, at the address it answered."""
        streams = forwarded_streams(self._request.track)
        if len(media) != len(streams):
            self._note(f"the SDP answer has {len(media)} m-line(s) for {len(streams)} offered (RFC 3264 section 6)")
        senders: list[RtpSender | None] = []
        for index, stream in enumerate(streams):
            answered = media[index] if index < len(media) else None
            destination = self._destination(stream.label, answered)
            protect = self._protector(stream.label, index) if destination is not None else None
            if destination is None or (self._request.secure and protect is None):
                senders.append(None)
                continue
            senders.append(RtpSender(self._sockets[index], destination, TONES[stream.track], self._stop,
                                     protect=protect))
        with self._lock:
            self._senders = senders

    def packets(self) -> tuple[int, ...]:
        """RTP packets sent so far, per forwarded stream (0 for a stream without a sender)."""
        with self._lock:
            return tuple(s.packets if s else 0 for s in self._senders)

    def stop(self) -> None:
        """Stops every sender, and waits until each has sent its last packet (a BYE sent after this follows the
        session's last RTP packet). Quick: a sender waits for its next packet's time on the stop event."""
        self._stop.set()
        with self._lock:
            senders = [s for s in self._senders if s is not None]
        for sender in senders:
            sender.join()

    def close(self) -> None:
        """Stops the senders, waits for them, and closes the sockets."""
        self._stop.set()
        with self._lock:
            senders = [s for s in self._senders if s is not None]
            sockets, self._sockets = self._sockets, []
        for sender in senders:
            sender.join()
        for sock in sockets:
            sock.close()

    def _protector(self, label: str, index: int) -> Protector | None:
        """The SRTP protector of a secure session's stream (None when the session is not secure, or, noted, when
        it cannot be made)."""
        if not self._request.secure:
            return None
        chosen = self._chosen(index)
        if chosen is None:
            self._note(f"stream {label}: no SRTP key was agreed: nothing sent")
            return None
        try:
            return SrtpProtector(chosen.suite, chosen.key).protect
        except (SrtpUnavailableError, ValueError) as err:
            self._note(f"stream {label}: SRTP cannot be set up, nothing sent: {err}")
            return None

    def _destination(self, label: str, answered: AnsweredMedia | None) -> tuple[str, int] | None:
        if answered is None or not 0 < answered.port < 65536:
            self._note(f"stream {label}: rejected by the SRS (no m-line, or port 0)")
            return None
        if answered.direction not in ("recvonly", "sendrecv"):
            self._note(f"stream {label}: the SRS answered {answered.direction}, so nothing is sent")
            return None
        try:
            address = resolve_host(answered.address or "", self._allow_any_host)
        except HostNotAllowedError as err:
            self._note(f"stream {label}: media address refused: {err}")
            return None
        except OSError as err:
            self._note(f"stream {label}: media address {answered.address!r} unusable: {err}")
            return None
        if (":" in address) != (self._sockets[0].family == socket.AF_INET6):
            self._note(f"stream {label}: media address {address} is not of the signalling address family")
            return None
        return address, answered.port


def _accepted(answered: SdpMedia) -> bool:
    """Whether the SRS accepted an m-line to receive on it (port not 0, direction recvonly or sendrecv)."""
    return 0 < answered.port < 65536 and answered.direction in ("recvonly", "sendrecv")
