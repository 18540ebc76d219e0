"""A local SIPREC recording server (SRS) to try the emulator's SIPREC client against: SIPp plays it, a built-in UDP
counter counts the RTP it is sent, and stopping it reports what it received.

    with LocalSrs("accept", transport="udp") as srs:     # SIPp on a free 127.0.0.1 port
        ...                                              # point the SIPREC client at srs.host, srs.port
        report = srs.stop()                              # INVITEs, ACKs, BYEs, the streams offered, RTP per port
    print(report.text())

    python -m pulumi_telnyx_siprec.emulator.srs [--scenario accept|busy|silent] [--transport udp|tcp]
                                                [--calls N] [--report-file PATH]

The command prints `HOST PORT` as its first line, runs until SIGTERM or SIGINT, then prints the report (and writes
it as JSON to PATH); its former name, `python -m pulumi_telnyx_siprec.emulator.local_srs`, still runs it. Scenarios
(scenarios/*.xml): `accept` checks that the INVITE is a SIPREC one (RFC 7866), answers 200 with one recvonly m-line
per offered stream, counts their RTP and answers the BYE; `busy` answers 486 Busy Here; `silent` never answers.
Standard library and SIPp only (Debian/Ubuntu: apt-get install sip-tester).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
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
from ..termination import TerminationSignals
from .rtp_counter import RtpCounter
from .sipp import Sipp, SippNotFoundError, SippResult, as_wire

SCENARIOS = {"accept": "siprec-uas.xml", "busy": "siprec-uas-486.xml", "silent": "siprec-uas-silent.xml"}
TRANSPORTS = ("udp", "tcp")
HOST = "127.0.0.1"
SILENCE_MS = 24 * 3600 * 1000
"""How long `silent` keeps quiet: longer than anyone waits (an INVITE gives up after 32 s)."""


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
    """RTP packets counted on `answered_port` (shared by every session answered with that port)."""


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
    """sipp's exit status: 0 when every call it handled went as the scenario says."""
    invites: tuple[SipMessage, ...]
    """Every INVITE received, retransmissions and re-INVITEs included."""
    acks: tuple[SipMessage, ...]
    byes: tuple[SipMessage, ...]
    sessions: tuple[ReceivedSession, ...]
    rtp_packets: dict[int, int]
    """RTP packets per answered port."""
    problems: tuple[str, ...] = ()

    @property
    def streams(self) -> tuple[ReceivedStream, ...]:
        """Every session's streams, in order."""
        return tuple(stream for session in self.sessions for stream in session.streams)

    def as_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario, "transport": self.transport, "host": self.host, "port": self.port,
            "sipp_exit_status": self.returncode,
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
            if not session.bye:
                problems.append(f"{where}: no BYE")
            problems += [f"{where}: {problem}" for problem in session.problems]
        return problems

    def text(self) -> str:
        """The report for people."""
        lines = [f"SRS report: scenario {self.scenario}, {self.transport} {self.host}:{self.port}, "
                 f"sipp exit status {self.returncode}",
                 f"received: {len(self.invites)} INVITE, {len(self.acks)} ACK, {len(self.byes)} BYE"]
        for number, session in enumerate(self.sessions, 1):
            lines += _session_text(number, session)
        answered = ", ".join(f"{port}: {count}" for port, count in self.rtp_packets.items()) or "none answered"
        lines.append(f"RTP packets per answered port: {answered}")
        lines += [f"problem: {problem}" for problem in self.problems]
        return "\n".join(lines)


class LocalSrs:
    """SIPp playing an SRS scenario on a free 127.0.0.1 port, and an RTP counter on the ports it answers with.

    `calls`: SIPp exits after that many sessions (0: takes any number until stopped). `timeout`: SIPp gives up (and
    fails) after that many seconds (None: never). SippNotFoundError from start() when `sipp` is not installed.
    """

    def __init__(self, scenario: str = "accept", *, transport: str = "udp", calls: int = 0,
                 timeout: float | None = None) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}, not {scenario!r}")
        if transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")
        self.scenario = scenario
        self.transport = transport
        self.calls = calls
        self.timeout = timeout
        self._counter: RtpCounter | None = None
        self._sipp: Sipp | None = None
        self._report: SrsReport | None = None

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        if self._sipp is None:
            raise RuntimeError("start() first")
        return self._sipp.port

    @property
    def rtp_ports(self) -> tuple[int, ...]:
        """The two ports `accept` answers with (the second only for a second stream)."""
        if self._counter is None:
            raise RuntimeError("start() first")
        return self._counter.ports

    def start(self) -> LocalSrs:
        """Starts the counter and SIPp, and returns once SIPp listens."""
        counter = RtpCounter(2, HOST)
        extra = ["-d", str(SILENCE_MS)] if self.scenario == "silent" else []
        sipp = Sipp(SCENARIOS[self.scenario], transport=self.transport, calls=self.calls, timeout=self.timeout,
                    keys={"rtp_port_1": counter.ports[0], "rtp_port_2": counter.ports[1]}, extra=extra, host=HOST)
        try:
            sipp.start()
        except BaseException:
            sipp.close()
            counter.close()
            raise
        self._counter, self._sipp = counter, sipp
        return self

    def wait(self, timeout: float = 30.0) -> SrsReport:
        """Waits for SIPp to finish its `calls` and exit (stopping it after `timeout`); the report."""
        if self._sipp is None:
            raise RuntimeError("start() first")
        return self._finish(self._sipp.wait(timeout))

    def stop(self) -> SrsReport:
        """Stops SIPp now (sessions in progress included) and the counter; the report. Idempotent."""
        if self._sipp is None:
            raise RuntimeError("start() first")
        return self._finish(self._sipp.stop())

    def _finish(self, result: SippResult) -> SrsReport:
        if self._report is None:
            assert self._counter is not None
            assert self._sipp is not None
            counts = self._counter.counts()
            self._counter.close()
            self._report = build_report(result, counts, scenario=self.scenario, transport=self.transport,
                                        host=HOST, port=self._sipp.port)
        return self._report

    def close(self) -> None:
        if self._sipp is not None:
            self.stop()
            self._sipp.close()

    def __enter__(self) -> LocalSrs:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


# The report


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
    requests = [m for m in received if not m.is_response]
    invites = [m for m in requests if m.method == "INVITE"]
    first_invites: dict[str, SipMessage] = {}
    for invite in invites:
        first_invites.setdefault(invite.call_id, invite)
    sessions = [_session(invite, requests, sent, counts) for invite in first_invites.values()]
    answered = dict.fromkeys(s.answered_port for session in sessions for s in session.streams
                             if s.answered_port is not None)
    return SrsReport(scenario=scenario, transport=transport, host=host, port=port, returncode=result.returncode,
                     invites=tuple(invites), acks=tuple(m for m in requests if m.method == "ACK"),
                     byes=tuple(m for m in requests if m.method == "BYE"), sessions=tuple(sessions),
                     rtp_packets={p: counts.get(p, 0) for p in answered}, problems=tuple(problems))


def _session(invite: SipMessage, requests: list[SipMessage], sent: list[SipMessage],
             counts: dict[int, int]) -> ReceivedSession:
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
        streams.append(ReceivedStream(
            label=media.label, address=media.address, port=media.port, protocol=media.protocol,
            formats=media.formats, direction=media.direction, stream_id=stream_id,
            sent_by=tuple(aors[p.participant_id] for p in metadata.participants if stream_id in p.sends),
            received_by=tuple(aors[p.participant_id] for p in metadata.participants if stream_id in p.receives),
            answered_port=answered, rtp_packets=counts.get(answered, 0) if answered else 0))
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
        else:
            lines.append(f"      answered port {stream.answered_port}: {stream.rtp_packets} RTP packets")
    lines += [f"  problem: {problem}" for problem in session.problems]
    return lines


def _labels(labels: Sequence[str]) -> str:
    if not labels:
        return "no stream"
    return f"stream {labels[0]}" if len(labels) == 1 else f"streams {', '.join(labels)}"


# The command


COMMAND = "python -m pulumi_telnyx_siprec.emulator.srs"


def main(argv: Sequence[str] | None = None, prog: str = COMMAND) -> int:
    """The local SRS as a command (see the module's docstring); `prog` is the name its usage shows."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=tuple(SCENARIOS), default="accept", help="how the SRS answers")
    parser.add_argument("--transport", choices=TRANSPORTS, default="udp", help="SIP transport (default udp)")
    parser.add_argument("--calls", type=int, default=0,
                        help="SIPp stops taking sessions after this many (default 0: any number)")
    parser.add_argument("--report-file", type=Path, help="also write the report here, as JSON")
    parser.add_argument("--expect-recordings", type=int, metavar="N",
                        help="exit 1, saying why, unless exactly N sessions were recorded in full: answered 200, "
                             "ACKed, RTP on every stream, BYE (for CI jobs)")
    args = parser.parse_args(argv)
    signals = TerminationSignals()
    srs = LocalSrs(args.scenario, transport=args.transport, calls=args.calls)
    try:
        srs.start()
    except SippNotFoundError as err:
        print(f"local_srs: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        print(f"local_srs: {err}", file=sys.stderr)
        return 1
    try:
        print(srs.host, srs.port, flush=True)
        signals.wait()
        report = srs.stop()
    finally:
        srs.close()
    print(report.text(), flush=True)
    if args.report_file is not None:
        args.report_file.write_text(json.dumps(report.as_json(), indent=2) + "\n")
    if args.expect_recordings is not None:
        problems = report.recording_problems(args.expect_recordings)
        for problem in problems:
            print(f"local_srs: not recorded: {problem}", file=sys.stderr)
        if problems:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
