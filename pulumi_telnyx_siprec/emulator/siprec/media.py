"""One session's media: an RTP socket per forwarded stream (what the SDP offer names), and once the SRS has answered,
an RTP sender to each stream it accepted (RFC 7866 section 8: plain RTP per stream; RFC 3264: the answer's m-lines
come in the order of the offer's). Of the answer it keeps the first `MAX_ANSWERED_MEDIA` m-lines, their label and
address cut to `MAX_TEXT_CHARS`."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Sequence

from ..sip.message import SipMessage
from ..sip.recording_body import forwarded_streams, parse_multipart, parse_sdp, sdp_offer
from .addresses import HostNotAllowedError, resolve_host
from .outcome import MAX_ANSWERED_MEDIA, AnsweredMedia, clip
from .request import RecordingRequest
from .rtp import TONES, RtpSender


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

    def __init__(self, request: RecordingRequest, *, allow_any_host: bool, note: Callable[[str], None]) -> None:
        self._request = request
        self._allow_any_host = allow_any_host
        self._note = note
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._senders: list[RtpSender | None] = []
        self._stop = threading.Event()
        self.offer = ""
        """The SDP offer (empty until `bind`)."""

    def bind(self, family: socket.AddressFamily, local_address: str) -> str:
        """Binds a socket per forwarded stream on `local_address`; the SDP offer that names them."""
        for _ in forwarded_streams(self._request.track):
            rtp = socket.socket(family, socket.SOCK_DGRAM)
            # Kept before binding, so that close() closes a socket whose bind failed too.
            self._sockets.append(rtp)
            rtp.bind((local_address, 0))
        self.offer = sdp_offer(self._request.track, [s.getsockname()[1] for s in self._sockets],
                               address=local_address, secure=self._request.secure)
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
        return [AnsweredMedia(None if m.label is None else clip(m.label),
                              None if m.address is None else clip(m.address), m.port, clip(m.direction))
                for m in lines[:MAX_ANSWERED_MEDIA]]

    def start(self, media: Sequence[AnsweredMedia]) -> None:
        """Starts a sender to each stream the SRS accepted, at the address it answered."""
        streams = forwarded_streams(self._request.track)
        if len(media) != len(streams):
            self._note(f"the SDP answer has {len(media)} m-line(s) for {len(streams)} offered (RFC 3264 section 6)")
        senders: list[RtpSender | None] = []
        for index, stream in enumerate(streams):
            answered = media[index] if index < len(media) else None
            destination = self._destination(stream.label, answered)
            if destination is None:
                senders.append(None)
                continue
            senders.append(RtpSender(self._sockets[index], destination, TONES[stream.track], self._stop))
        with self._lock:
            self._senders = senders

    def packets(self) -> tuple[int, ...]:
        """RTP packets sent so far, per forwarded stream (0 for a stream without a sender)."""
        with self._lock:
            return tuple(s.packets if s else 0 for s in self._senders)

    def stop(self) -> None:
        """Stops every sender (without waiting for them)."""
        self._stop.set()

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

    def _destination(self, label: str, answered: AnsweredMedia | None) -> tuple[str, int] | None:
        if answered is None or not 0 < answered.port < 65536:
            self._note(f"stream {label}: rejected by the SRS (no m-line, or port 0)")
            return None
        if answered.direction not in ("recvonly", "sendrecv"):
            self._note(f"stream {label}: the SRS answered {answered.direction}, so nothing is sent")
            return None
        if self._request.secure:
            self._note(f"stream {label}: SRTP not sent (the standard library has no AES)")
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
