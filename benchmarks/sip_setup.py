"""`python -m benchmarks.sip_setup`: the emulator's SIPREC client (SRC) against SIPp's own UAC, at 1, 10 and 50
concurrent sessions towards the same SIPp SRS (pulumi_telnyx_siprec/emulator/srs/scenarios/siprec-uas.xml) on 127.0.0.1.

Measured, per session: INVITE-to-200 setup time, and the CPU time of the process playing the SRC over the whole
session (INVITE, ACK, `--hold` seconds of 20 ms PCMU RTP, BYE). The floor is SIPp as UAC sending the same INVITE
(taken from the one our client sent, addresses and ids replaced by SIPp keywords) and streaming the same tone with
`rtp_stream`: what a C implementation costs. Ratios are ours / SIPp; nothing asserts on them.

How each is measured:
- ours: a child process (`--child`) with only the SIPREC user agent in it; setup times from `SrcOutcome`, CPU from
  getrusage(RUSAGE_SELF) around the sessions (interpreter start-up and imports excluded).
- SIPp: setup times from its `-trace_msg` log (microsecond timestamps of INVITE sent and 200 received, per Call-ID),
  CPU from a second, untraced run: the process's total CPU (wait4) minus what it had used after start-up (read from
  /proc/PID/stat during `-sleep`), so that both exclude start-up.
The default track is inbound_track: one stream, which is what SIPp's rtp_stream sends, so the media work matches.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.measure import machine, process_cpu_s
from pulumi_telnyx_siprec.emulator.siprec import RecordingRequest, SiprecUserAgent
from pulumi_telnyx_siprec.emulator.siprec.rtp import tone_frames
from pulumi_telnyx_siprec.emulator.srs.rtp_counter import RtpCounter
from pulumi_telnyx_siprec.emulator.srs.sipp import INSTALL_HINT, Sipp, SippResult, free_port, sipp_binary

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Sample:
    """One run of one contender with N concurrent sessions."""

    setups: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    established: int = 0
    rtp_packets: int = 0


# Ours: a child process holding only the user agent


def child(args: argparse.Namespace) -> int:
    """Runs N concurrent sessions against the SRS and prints one JSON line: setup times, CPU, outcomes."""
    count = args.sessions[0]
    agent = SiprecUserAgent(invite_timeout=10.0)
    started = resource.getrusage(resource.RUSAGE_SELF)
    handles = [agent.start(RecordingRequest(
        session_sid=f"bench-{index}", call_sid=f"v3:bench-{index}", caller="+15551230001", callee="+15551230002",
        srs_host="127.0.0.1", srs_port=args.srs_port, track=args.track)) for index in range(count)]
    outcomes = [handle.wait_established(30.0) for handle in handles]
    time.sleep(args.hold)
    # close() stops every session in parallel: BYEs go out together, as the SIPp UAC's do.
    agent.close(wait=5.0)
    finished = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (finished.ru_utime - started.ru_utime) + (finished.ru_stime - started.ru_stime)
    print(json.dumps({
        "setups": [o.setup_seconds for o in outcomes if o.setup_seconds is not None],
        "cpu_seconds": cpu,
        "established": sum(o.established for o in outcomes),
        "rtp_packets": sum(sum(h.outcome().rtp_packets) for h in handles),
    }))
    return 0


def run_ours(sessions: int, hold: float, track: str) -> tuple[Sample, SippResult, dict[int, int]]:
    with RtpCounter(2) as counter, Sipp("siprec-uas.xml", calls=sessions, timeout=60,
                                        keys={"rtp_port_1": counter.ports[0], "rtp_port_2": counter.ports[1]}) as srs:
        completed = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "benchmarks.sip_setup", "--child", "--srs-port", str(srs.port),
             "--sessions", str(sessions), "--hold", str(hold), "--track", track],
            cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
        result = srs.wait(30)
        counts = counter.counts()
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    return Sample(report["setups"], report["cpu_seconds"], report["established"], report["rtp_packets"]), result, counts


# The floor: SIPp as UAC, sending the INVITE our client sent


def uac_scenario(invite: str, hold: float) -> str:
    """A SIPp UAC scenario that sends `invite` (as our client sent it), streams a tone, holds, and sends BYE."""
    head, _, body = invite.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    replacements = {
        "via": "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport",
        "from": "From: <sip:telnyx-siprec-src@[local_ip]>;tag=[pid]SRC[call_number]",
        "to": "To: <sip:[remote_ip]:[remote_port]>",
        "call-id": "Call-ID: [call_id]",
        "cseq": "CSeq: 1 INVITE",
        "contact": "Contact: <sip:telnyx-siprec-src@[local_ip]:[local_port]>;+sip.src",
        "content-length": "Content-Length: [len]",
    }
    headers = ["INVITE sip:[remote_ip]:[remote_port] SIP/2.0"]
    for line in lines[1:]:
        name = line.split(":", 1)[0].strip().lower()
        headers.append(replacements.get(name, line))
    # SIPp's own RTP socket is [auto_media_port]; a second m-line (both_tracks) gets the next pair of ports.
    ports = iter(["[auto_media_port]", "[auto_media_port+2]"])
    body = re.sub(r"(?m)^m=audio \d+", lambda _m: f"m=audio {next(ports)}", body.rstrip("\n"))
    in_dialog = ("[last_To:]\n      Call-ID: [call_id]\n      Max-Forwards: 70\n"
                 "      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport\n"
                 "      From: <sip:telnyx-siprec-src@[local_ip]>;tag=[pid]SRC[call_number]")
    invite_text = "\n      ".join(headers) + "\n\n      " + "\n      ".join(body.split("\n"))
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="SIPREC SRC (SIPp UAC floor)">
  <send retrans="500" start_rtd="1">
    <![CDATA[

      {invite_text}

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200" rtd="1"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      {in_dialog}
      CSeq: 1 ACK
      Content-Length: 0

    ]]>
  </send>
  <nop><action><exec rtp_stream="tone.ulaw,-1,0"/></action></nop>
  <pause milliseconds="{round(hold * 1000)}"/>
  <nop><action><exec rtp_stream="pause"/></action></nop>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      {in_dialog}
      CSeq: 2 BYE
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
"""


def run_sipp_uac(scenario: Path, sessions: int, traced: bool) -> tuple[Sample, SippResult, dict[int, int]]:
    binary = sipp_binary()
    assert binary is not None
    workdir = scenario.parent
    with RtpCounter(2) as counter, Sipp("siprec-uas.xml", calls=sessions, timeout=60,
                                        keys={"rtp_port_1": counter.ports[0], "rtp_port_2": counter.ports[1]}) as srs:
        log = workdir / "uac-messages.log"
        log.unlink(missing_ok=True)
        command = [binary, "-sf", str(scenario), f"{srs.host}:{srs.port}", "-i", "127.0.0.1", "-t", "u1",
                   "-m", str(sessions), "-l", str(sessions), "-r", "10000", "-mp", str(free_port()),
                   "-nostdin", "-timeout", "60s", "-timeout_error", "-sleep", "0.5s"]
        if traced:
            command += ["-trace_msg", "-message_file", str(log)]
        process = subprocess.Popen(  # noqa: S603 - sipp, fixed arguments
            command, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Half-way through -sleep, start-up (scenario parsing, sockets) is over and no call has begun.
        time.sleep(0.3)
        baseline = process_cpu_s(process.pid)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        result = srs.wait(30)
        counts = counter.counts()
    if process.returncode != 0:
        raise RuntimeError(f"the SIPp UAC failed ({process.returncode}); the SRS said: {result.output[-1500:]}")
    sample = Sample(cpu_seconds=usage.ru_utime + usage.ru_stime - baseline, established=sessions,
                    rtp_packets=sum(counts.values()))
    if traced:
        sample.setups = _setups_from_log(log.read_text(errors="replace"))
    return sample, result, counts


_BLOCK = re.compile(r"^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s*\n(?:UDP|TCP) message (sent|received)[^\n]*\n+"
                    r"(.*?)(?=^-{20,} |\Z)", re.MULTILINE | re.DOTALL)


def _setups_from_log(text: str) -> list[float]:
    """INVITE sent -> 200 received, per Call-ID, from a SIPp -trace_msg log."""
    sent: dict[str, datetime] = {}
    setups = []
    for stamp, direction, message in _BLOCK.findall(text):
        call_id = re.search(r"(?im)^call-id:\s*(\S+)", message)
        if call_id is None:
            continue
        moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f")
        key = call_id.group(1)
        if direction == "sent" and message.startswith("INVITE ") and key not in sent:
            sent[key] = moment
        elif direction == "received" and message.startswith("SIP/2.0 200") and re.search(
                r"(?im)^cseq:\s*\d+\s+INVITE", message) and key in sent:
            setups.append((moment - sent.pop(key)).total_seconds())
    return setups


# The table


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)] if values else float("nan")


def ms(value: float) -> str:
    return f"{value * 1e3:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sip_setup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 50], help="concurrent sessions")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each contender per size (default 3)")
    parser.add_argument("--hold", type=float, default=1.0, help="seconds of RTP per session (default 1)")
    parser.add_argument("--track", default="inbound_track", help="track of the sessions (default inbound_track)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--srs-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    if sipp_binary() is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2

    rows = []
    with tempfile.TemporaryDirectory(prefix="sip-setup-") as tmp:
        workdir = Path(tmp)
        (workdir / "tone.ulaw").write_bytes(b"".join(tone_frames(440)) * 50)
        scenario = workdir / "uac.xml"
        for sessions in args.sessions:
            ours: list[Sample] = []
            floor_timing: list[Sample] = []
            floor_cpu: list[Sample] = []
            for _ in range(args.repeats):
                sample, result, _counts = run_ours(sessions, args.hold, args.track)
                ours.append(sample)
                if not scenario.exists():
                    scenario.write_text(uac_scenario(_first_invite(result), args.hold))
                floor_timing.append(run_sipp_uac(scenario, sessions, traced=True)[0])
                floor_cpu.append(run_sipp_uac(scenario, sessions, traced=False)[0])
            rows.append(_row(sessions, ours, floor_timing, floor_cpu))

    print(f"machine: {machine()}")
    print(f"settings: hold {args.hold:g} s of RTP per session, track {args.track}, {args.repeats} runs per size; "
          "ratio = ours / SIPp UAC")
    header = (f"{'sessions':>8}  {'setup ms ours':>16} {'setup ms SIPp':>16} {'ratio':>6}   "
              f"{'CPU ms/session ours':>19} {'SIPp':>7} {'ratio':>6}   {'RTP/session ours':>16} {'SIPp':>6}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['sessions']:>8}  {ms(row['ours_setup_median_s']):>7} (p95 {ms(row['ours_setup_p95_s']):>5}) "
              f"{ms(row['sipp_setup_median_s']):>7} (p95 {ms(row['sipp_setup_p95_s']):>5}) "
              f"{row['setup_ratio']:>5.1f}x   {ms(row['ours_cpu_per_session_s']):>19} "
              f"{ms(row['sipp_cpu_per_session_s']):>7} {row['cpu_ratio']:>5.1f}x   "
              f"{row['ours_rtp_per_session']:>16.0f} {row['sipp_rtp_per_session']:>6.0f}")
    print("setup: median over every session of every run (p95 in brackets); CPU: median over runs of CPU / sessions;"
          " RTP: packets the SRS counted (SIPp) or the SRC sent (ours), per session")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "settings": {k: v for k, v in vars(args).items()
                                                                             if k not in ("json", "child")},
                                         "results": rows}, indent=2, default=str) + "\n")
    return 0


def _first_invite(result: SippResult) -> str:
    for direction, text in result.exchanged():
        if direction == "received" and text.startswith("INVITE "):
            return text
    raise RuntimeError("the SRS logged no INVITE from our client")


def _row(sessions: int, ours: list[Sample], floor_timing: list[Sample], floor_cpu: list[Sample]) -> dict[str, Any]:
    for sample in ours:
        if sample.established != sessions:
            raise RuntimeError(f"only {sample.established} of {sessions} sessions were established")
    ours_setups = [s for sample in ours for s in sample.setups]
    sipp_setups = [s for sample in floor_timing for s in sample.setups]
    ours_cpu = median([s.cpu_seconds / sessions for s in ours])
    sipp_cpu = median([s.cpu_seconds / sessions for s in floor_cpu])
    return {
        "sessions": sessions,
        "ours_setup_median_s": median(ours_setups), "ours_setup_p95_s": p95(ours_setups),
        "sipp_setup_median_s": median(sipp_setups), "sipp_setup_p95_s": p95(sipp_setups),
        "setup_ratio": median(ours_setups) / median(sipp_setups),
        "ours_cpu_per_session_s": ours_cpu, "sipp_cpu_per_session_s": sipp_cpu,
        "cpu_ratio": ours_cpu / sipp_cpu if sipp_cpu > 0 else float("inf"),
        "ours_rtp_per_session": median([s.rtp_packets / sessions for s in ours]),
        "sipp_rtp_per_session": median([s.rtp_packets / sessions for s in floor_cpu]),
        "samples": {"ours": [vars(s) for s in ours], "sipp_timing": [vars(s) for s in floor_timing],
                    "sipp_cpu": [vars(s) for s in floor_cpu]},
    }


if __name__ == "__main__":
    sys.exit(main())
