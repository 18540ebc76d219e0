"""What a local SRS received, as a report: the sessions (INVITE, final answer, ACK, BYE), each stream of their SDP
offers with what the recording metadata says of it and what arrived on the port the SRS answered (RTP counted; for
the TLS SRS, SRTP authenticated and rejected, and the tone heard), and why something is not a complete recording.

Built from the SIP messages the SRS received and sent: SIPp's message log (`build_report`), or the TLS SRS's own
record (`report_from_messages`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..sip.message import SipMessage, parse_message
from ..sip.recording_body import (
    METADATA_CONTENT_TYPE,
    SDP_CONTENT_TYPE,
    RecordingMetadata,
    SdpMedia,
    parse_multipart,
    parse_rs_metadata,
    parse_sdp,
)
from .sipp import SippResult, as_wire
from .tone import TOLERANCE_HZ


@dataclass(frozen=True)
class ReceivedStream:
    """One m-line of a recording-session INVITE's SDP offer, with what the metadata and the RTP counter say of it."""

    label: str | None
    address: str | None
    port: int
    """The SRC's RTP port."""
    protocol: str
    formats: tuple[str, ...]
    direction: str
    stream_id: str | None
    """The metadata's `<stream>` with this label."""
    sent_by: tuple[str, ...]
    """AORs of the participants that send it (metadata `participantstreamassoc`)."""
    received_by: tuple[str, ...]
    answered_port: int | None
    """The port of the SRS's 2xx answer for this m-line (RFC 3264: same position); None when not answered."""
    rtp_packets: int
    """RTP packets counted on `answered_port`: by SIPp's counter, every RTP packet (shared by every session answered
    with that port); by the TLS SRS, the session's own port, and for SRTP only the packets that passed
    authentication."""
    srtp_suite: str | None = None
    """The SRTP suite of the offered crypto line the SRS answered (the TLS SRS); None for plain RTP."""
    rejected_packets: int = 0
    """Datagrams refused on the stream's port (the TLS SRS): failed SRTP authentication or replay, or not RTP."""
    tone_hz: float | None = None
    """The tone heard on the stream (the TLS SRS: `tone.tone_frequency`, within `tone.TOLERANCE_HZ` of a clean
    tone's); None when not measured or too little was heard."""


@dataclass(frozen=True)
class ReceivedParticipant:
    """A participant of the metadata, with the streams it sends and receives named by SDP label."""

    participant_id: str
    aor: str | None
    sends: tuple[str, ...]
    receives: tuple[str, ...]


@dataclass(frozen=True)
class ReceivedSession:
    """One recording session (Call-ID): its first INVITE and what the SRS made of it."""

    call_id: str
    invite: SipMessage
    answer: int | None
    """The final status the SRS sent to that INVITE (None: none)."""
    answers_sent: int
    """How many times the SRS sent that final answer: over UDP SIPp resends it until an ACK arrives, and the client
    ACKs every copy it receives (RFC 3261 sections 13.2.2.4 and 17.1.1.2), so this is also the ACKs to expect."""
    acked: bool
    bye: bool
    streams: tuple[ReceivedStream, ...]
    participants: tuple[ReceivedParticipant, ...]
    extension_parameters: tuple[tuple[str, str], ...]
    custom_headers: tuple[tuple[str, str], ...]
    """The INVITE's `X-` headers (where Telnyx puts custom parameters unless they go in the metadata)."""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class SrsReport:
    """What a LocalSrs received, once stopped."""

    scenario: str
    transport: str
    host: str
    port: int
    returncode: int | None
    """sipp's exit status: 0 when every call it handled went as the scenario says (None for the TLS SRS)."""
    invites: tuple[SipMessage, ...]
    """Every INVITE received, retransmissions and re-INVITEs included."""
    acks: tuple[SipMessage, ...]
    byes: tuple[SipMessage, ...]
    sessions: tuple[ReceivedSession, ...]
    rtp_packets: dict[int, int]
    """RTP packets per answered port."""
    problems: tuple[str, ...] = ()
    server: str = "sipp"
    """Who played the SRS: `sipp` (UDP, TCP), or `python` (the TLS SRS, which does SRTP)."""

    @property
    def streams(self) -> tuple[ReceivedStream, ...]:
        """Every session's streams, in order."""
        return tuple(stream for session in self.sessions for stream in session.streams)

    def as_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario, "transport": self.transport, "host": self.host, "port": self.port,
            "server": self.server, "sipp_exit_status": self.returncode,
            "received": {"INVITE": len(self.invites), "ACK": len(self.acks), "BYE": len(self.byes)},
            "sessions": [_session_json(session) for session in self.sessions],
            "rtp_packets": {str(port): count for port, count in self.rtp_packets.items()},
            "problems": list(self.problems),
        }

    def recording_problems(self, expected: int) -> list[str]:
        """Why this is not `expected` complete recordings: each session answered 200 and ACKed, RTP on every one of
        its streams, and a BYE. Empty when it is."""
        problems = list(self.problems)
        if len(self.sessions) != expected:
            problems.append(f"expected {expected} recording session(s), received {len(self.sessions)}")
        for number, session in enumerate(self.sessions, 1):
            where = f"session {number} (Call-ID {session.call_id})"
            if session.answer != 200:
                problems.append(f"{where}: the SRS answered {session.answer or 'nothing'}, not 200")
            if not session.acked:
                problems.append(f"{where}: no ACK")
            if not session.streams:
                problems.append(f"{where}: no media stream offered")
            problems += [f"{where}: no RTP on stream {stream.label or stream.port}" for stream in session.streams
                         if stream.rtp_packets == 0]
            problems += [f"{where}: {stream.rejected_packets} packet(s) refused on stream {stream.label or stream.port}"
                         f" (failed SRTP authentication or replay, or not RTP)" for stream in session.streams
                         if stream.rejected_packets]
            if not session.bye:
                problems.append(f"{where}: no BYE")
            problems += [f"{where}: {problem}" for problem in session.problems]
        return problems

    def text(self) -> str:
        """The report for people."""
        by = f"sipp exit status {self.returncode}" if self.server == "sipp" else "TLS SRS in Python"
        lines = [f"SRS report: scenario {self.scenario}, {self.transport} {self.host}:{self.port}, {by}",
                 f"received: {len(self.invites)} INVITE, {len(self.acks)} ACK, {len(self.byes)} BYE"]
        for number, session in enumerate(self.sessions, 1):
            lines += _session_text(number, session)
        answered = ", ".join(f"{port}: {count}" for port, count in self.rtp_packets.items()) or "none answered"
        lines.append(f"RTP packets per answered port: {answered}")
        lines += [f"problem: {problem}" for problem in self.problems]
        return "\n".join(lines)



@dataclass(frozen=True)
class StreamMedia:
    """What arrived on one answered stream's port."""

    rtp_packets: int
    srtp_suite: str | None = None
    rejected_packets: int = 0
    tone_hz: float | None = None


MediaOf = Callable[[str, int], StreamMedia]
"""What arrived for a session (Call-ID) on the port its SRS answered a stream with."""


def build_report(result: SippResult, counts: dict[int, int], *, scenario: str, transport: str, host: str,
                 port: int) -> SrsReport:
    """An SrsReport from SIPp's message log and the RTP counts by port."""
    received: list[SipMessage] = []
    sent: list[SipMessage] = []
    problems = []
    for direction, text in result.exchanged():
        try:
            message = parse_message(as_wire(text))
        except ValueError as err:
            problems.append(f"unreadable message {direction} in SIPp's log: {err}")
            continue
        (received if direction == "received" else sent).append(message)
    return report_from_messages(received, sent, lambda _call_id, answered: StreamMedia(counts.get(answered, 0)),
                                scenario=scenario, transport=transport, host=host, port=port,
                                returncode=result.returncode, problems=problems)


def report_from_messages(received: Sequence[SipMessage], sent: Sequence[SipMessage], media_of: MediaOf, *,
                         scenario: str, transport: str, host: str, port: int, returncode: int | None,
                         problems: Sequence[str] = (), server: str = "sipp") -> SrsReport:
    """An SrsReport from the SIP messages an SRS received and sent, and what arrived on each answered stream."""
    requests = [m for m in received if not m.is_response]
    invites = [m for m in requests if m.method == "INVITE"]
    first_invites: dict[str, SipMessage] = {}
    for invite in invites:
        first_invites.setdefault(invite.call_id, invite)
    sessions = [_session(invite, requests, sent, media_of) for invite in first_invites.values()]
    by_port = {s.answered_port: s.rtp_packets for session in sessions for s in session.streams
               if s.answered_port is not None}
    return SrsReport(scenario=scenario, transport=transport, host=host, port=port, returncode=returncode,
                     invites=tuple(invites), acks=tuple(m for m in requests if m.method == "ACK"),
                     byes=tuple(m for m in requests if m.method == "BYE"), sessions=tuple(sessions),
                     rtp_packets=by_port, problems=tuple(problems), server=server)


def _session(invite: SipMessage, requests: list[SipMessage], sent: Sequence[SipMessage],
             media_of: MediaOf) -> ReceivedSession:
    call_id, cseq = invite.call_id, invite.cseq
    finals = [m for m in sent if m.is_response and m.call_id == call_id and m.cseq == cseq and m.status >= 200]
    problems: list[str] = []
    offer, metadata = _recording_body(invite, problems)
    answer_media: list[SdpMedia] = []
    if finals and 200 <= finals[0].status < 300:
        answer_media = _sdp_answer(finals[0], problems)
    labels = {s.stream_id: s.label for s in metadata.streams}
    aors = {p.participant_id: p.aor or p.participant_id for p in metadata.participants}
    streams = []
    for index, media in enumerate(offer):
        stream_id = next((s.stream_id for s in metadata.streams if s.label == media.label), None)
        answered = answer_media[index].port if index < len(answer_media) and answer_media[index].port else None
        arrived = media_of(call_id, answered) if answered else StreamMedia(0)
        streams.append(ReceivedStream(
            label=media.label, address=media.address, port=media.port, protocol=media.protocol,
            formats=media.formats, direction=media.direction, stream_id=stream_id,
            sent_by=tuple(aors[p.participant_id] for p in metadata.participants if stream_id in p.sends),
            received_by=tuple(aors[p.participant_id] for p in metadata.participants if stream_id in p.receives),
            answered_port=answered, rtp_packets=arrived.rtp_packets, srtp_suite=arrived.srtp_suite,
            rejected_packets=arrived.rejected_packets, tone_hz=arrived.tone_hz))
    participants = tuple(ReceivedParticipant(p.participant_id, p.aor, tuple(labels.get(i) or i for i in p.sends),
                                             tuple(labels.get(i) or i for i in p.receives))
                         for p in metadata.participants)
    in_dialog = [m for m in requests if m.call_id == call_id]
    return ReceivedSession(
        call_id=call_id, invite=invite, answer=finals[0].status if finals else None, answers_sent=len(finals),
        acked=any(m.method == "ACK" for m in in_dialog), bye=any(m.method == "BYE" for m in in_dialog),
        streams=tuple(streams), participants=participants, extension_parameters=metadata.extension_parameters,
        custom_headers=tuple((name, value) for name, value in invite.headers if name.startswith("x-")),
        problems=tuple(problems))


def _recording_body(invite: SipMessage, problems: list[str]) -> tuple[list[SdpMedia], RecordingMetadata]:
    """The SDP offer and the metadata of a recording-session INVITE (RFC 7866 section 9.1: multipart/mixed)."""
    empty = RecordingMetadata((), (), ())
    content_type = invite.get("content-type") or ""
    try:
        parts = parse_multipart(content_type, invite.body)
    except ValueError as err:
        problems.append(f"the INVITE's body is not a SIPREC multipart: {err}")
        return [], empty
    by_type = {part.headers.get("content-type", "").split(";")[0].strip().lower(): part for part in parts}
    offer: list[SdpMedia] = []
    metadata = empty
    try:
        offer = parse_sdp(by_type[SDP_CONTENT_TYPE].content.decode("utf-8", "replace"))
    except KeyError:
        problems.append("the INVITE has no application/sdp part")
    except ValueError as err:
        problems.append(f"unreadable SDP offer: {err}")
    try:
        metadata = parse_rs_metadata(by_type[METADATA_CONTENT_TYPE].content)
    except KeyError:
        problems.append(f"the INVITE has no {METADATA_CONTENT_TYPE} part")
    except ValueError as err:
        problems.append(f"unreadable metadata: {err}")
    return offer, metadata


def _sdp_answer(answer: SipMessage, problems: list[str]) -> list[SdpMedia]:
    try:
        return parse_sdp(answer.body.decode("utf-8", "replace"))
    except ValueError as err:
        problems.append(f"unreadable SDP answer: {err}")
        return []


def _session_json(session: ReceivedSession) -> dict[str, Any]:
    return {
        "call_id": session.call_id, "answer": session.answer, "answers_sent": session.answers_sent,
        "acked": session.acked, "bye": session.bye,
        "custom_headers": [list(pair) for pair in session.custom_headers],
        "extension_parameters": [list(pair) for pair in session.extension_parameters],
        "participants": [asdict(p) for p in session.participants],
        "streams": [asdict(s) for s in session.streams],
        "problems": list(session.problems),
    }


def _session_text(number: int, session: ReceivedSession) -> list[str]:
    answer = f"answered {session.answer}" if session.answer is not None else "no final answer"
    lines = [f"session {number} (Call-ID {session.call_id}): {answer}; "
             f"{'ACK' if session.acked else 'no ACK'}; {'BYE' if session.bye else 'no BYE'}"]
    lines.append("  participants:" if session.participants else "  participants: none in the metadata")
    for participant in session.participants:
        lines.append(f"    {participant.aor or participant.participant_id}: sends {_labels(participant.sends)}, "
                     f"receives {_labels(participant.receives)}")
    extension = ", ".join(f"{name}={value}" for name, value in session.extension_parameters) or "none"
    lines.append(f"  metadata extension parameters: {extension}")
    headers = ", ".join(f"{name}: {value}" for name, value in session.custom_headers) or "none"
    lines.append(f"  SIP X- headers: {headers}")
    lines.append("  streams (SDP offer m-lines):" if session.streams else "  streams: none")
    for stream in session.streams:
        lines.append(f"    label {stream.label}: m=audio {stream.port} {stream.protocol} {' '.join(stream.formats)} "
                     f"at {stream.address}, {stream.direction}, sent by {', '.join(stream.sent_by) or '?'}")
        if stream.answered_port is None:
            lines.append("      not answered: no RTP expected")
        elif stream.srtp_suite is not None:
            lines.append(f"      answered port {stream.answered_port}: SRTP {stream.srtp_suite}, "
                         f"{stream.rtp_packets} packets authenticated, {stream.rejected_packets} rejected, "
                         f"{_tone(stream.tone_hz)}")
        else:
            lines.append(f"      answered port {stream.answered_port}: {stream.rtp_packets} RTP packets"
                         + (f", {stream.rejected_packets} rejected" if stream.rejected_packets else "")
                         + (f", {_tone(stream.tone_hz)}" if stream.tone_hz is not None else ""))
    lines += [f"  problem: {problem}" for problem in session.problems]
    return lines


def _labels(labels: Sequence[str]) -> str:
    if not labels:
        return "no stream"
    return f"stream {labels[0]}" if len(labels) == 1 else f"streams {', '.join(labels)}"




def _tone(hz: float | None) -> str:
    return f"tone {hz:.0f} Hz (\u00b1{TOLERANCE_HZ:g} Hz)" if hz is not None else "no tone heard"
