"""A local SIPREC recording server (SRS) to try the emulator's SIPREC client against, and its report once stopped.
Over UDP or TCP, SIPp plays it and a built-in UDP counter counts the RTP it is sent; over TLS, a small SRS in Python
(`tls_srs`) plays it, with a self-signed certificate made at start, and checks SRTP: per stream, the packets that
passed authentication, those refused, and the tone it heard.

    with LocalSrs("accept", transport="udp") as srs:     # SIPp on a free 127.0.0.1 port
        ...                                              # point the SIPREC client at srs.host, srs.port
        report = srs.stop()                              # INVITEs, ACKs, BYEs, the streams offered, RTP per port
    print(report.text())

    python -m pulumi_telnyx_siprec.emulator.srs [--scenario accept|busy|silent] [--transport udp|tcp|tls]
                                                [--calls N] [--report-file PATH] [--expect-recordings N]
                                                [--host ADDRESS --port N] [--srtp-suites SUITE,...]

The command prints `HOST PORT` as its first line, runs until SIGTERM or SIGINT, then prints the report (and writes
it as JSON to PATH); its former name, `python -m pulumi_telnyx_siprec.emulator.local_srs`, still runs it. Scenarios
(SIPp's: scenarios/*.xml; the TLS SRS does the same): `accept` answers 200 with one recvonly m-line per offered stream
(the SIPp one first checks that the INVITE is a SIPREC one, RFC 7866), counts their media and answers the BYE; `busy`
answers 486 Busy Here; `silent` never answers. `--host` and `--port` (TLS only; by default 127.0.0.1 and a free port)
pick where it listens: a `secure` session's connector must have port 5061. `--srtp-suites` orders the SRTP suites the
TLS SRS takes from an offer (by default the offer's own order).

Needs SIPp for UDP and TCP (Debian/Ubuntu: apt-get install sip-tester); pylibsrtp and cryptography for TLS (pip
install 'pulumi-telnyx-siprec[emulator,srtp]').
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..termination import TerminationSignals
from .report import ReceivedParticipant, ReceivedSession, ReceivedStream, SrsReport, build_report
from .rtp_counter import RtpCounter
from .sipp import Sipp, SippNotFoundError, SippResult
from .tls_srs import TlsSrs

__all__ = ["LocalSrs", "ReceivedParticipant", "ReceivedSession", "ReceivedStream", "SrsReport", "main"]

SCENARIOS = {"accept": "siprec-uas.xml", "busy": "siprec-uas-486.xml", "silent": "siprec-uas-silent.xml"}
TRANSPORTS = ("udp", "tcp", "tls")
HOST = "127.0.0.1"
SILENCE_MS = 24 * 3600 * 1000
"""How long `silent` keeps quiet: longer than anyone waits (an INVITE gives up after 32 s)."""


class LocalSrs:
    """An SRS scenario on 127.0.0.1: over UDP or TCP, SIPp on a free port and an RTP counter on the ports it answers
    with; over TLS, the TLS SRS (`tls_srs.TlsSrs`, on `host` and `port`, 0: a free one) with SRTP.

    `calls`: the SRS takes that many sessions (0: any number until stopped; SIPp exits after them). `timeout`: SIPp
    gives up (and fails) after that many seconds (None: never). SippNotFoundError from start() when `sipp` is not
    installed; RuntimeError over TLS when pylibsrtp or cryptography is missing, saying how to install it.
    """

    def __init__(self, scenario: str = "accept", *, transport: str = "udp", calls: int = 0,
                 timeout: float | None = None, host: str = HOST, port: int = 0,
                 srtp_suites: Sequence[str] | None = None) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}, not {scenario!r}")
        if transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")
        if transport != "tls" and (host != HOST or port or srtp_suites is not None):
            raise ValueError("host, port and srtp_suites are for the TLS SRS only (SIPp takes a free port on "
                             f"{HOST})")
        self.scenario = scenario
        self.transport = transport
        self.calls = calls
        self.timeout = timeout
        self._counter: RtpCounter | None = None
        self._sipp: Sipp | None = None
        self._tls = TlsSrs(scenario, host=host, port=port, calls=calls, srtp_suites=srtp_suites) \
            if transport == "tls" else None
        self._started = False
        self._report: SrsReport | None = None

    @property
    def host(self) -> str:
        return self._tls.host if self._tls is not None else HOST

    @property
    def port(self) -> int:
        if not self._started:
            raise RuntimeError("start() first")
        if self._tls is not None:
            return self._tls.port
        assert self._sipp is not None
        return self._sipp.port

    @property
    def certificate_pem(self) -> bytes | None:
        """The TLS SRS's self-signed certificate (PEM), for a client that checks it; None over UDP and TCP."""
        if self._tls is None or self._tls.certificate is None:
            return None
        return self._tls.certificate.certificate_pem

    @property
    def rtp_ports(self) -> tuple[int, ...]:
        """The two ports `accept` answers with (the second only for a second stream)."""
        if self._counter is None:
            raise RuntimeError("start() first")
        return self._counter.ports

    def start(self) -> LocalSrs:
        """Starts the SRS (the counter and SIPp, or the TLS SRS), and returns once it listens."""
        if self._tls is not None:
            self._tls.start()
            self._started = True
            return self
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
        self._started = True
        return self

    def wait(self, timeout: float = 30.0) -> SrsReport:
        """Waits for the SRS to have taken its `calls` (SIPp exits; stopped after `timeout`); the report."""
        if not self._started:
            raise RuntimeError("start() first")
        if self._tls is not None:
            return self._tls.wait(timeout)
        assert self._sipp is not None
        return self._finish(self._sipp.wait(timeout))

    def stop(self) -> SrsReport:
        """Stops the SRS now (sessions in progress included); the report. Idempotent."""
        if not self._started:
            raise RuntimeError("start() first")
        if self._tls is not None:
            return self._tls.stop()
        assert self._sipp is not None
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
        if self._tls is not None and self._started:
            self._tls.close()
        if self._sipp is not None:
            self.stop()
            self._sipp.close()

    def __enter__(self) -> LocalSrs:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


# The command


COMMAND = "python -m pulumi_telnyx_siprec.emulator.srs"


def main(argv: Sequence[str] | None = None, prog: str = COMMAND) -> int:
    """The local SRS as a command (see the module's docstring); `prog` is the name its usage shows."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=tuple(SCENARIOS), default="accept", help="how the SRS answers")
    parser.add_argument("--transport", choices=TRANSPORTS, default="udp",
                        help="SIP transport (default udp); tls runs the TLS SRS, which checks SRTP")
    parser.add_argument("--calls", type=int, default=0,
                        help="the SRS stops taking sessions after this many (default 0: any number)")
    parser.add_argument("--host", default=HOST, help=f"TLS only: the address to listen on (default {HOST})")
    parser.add_argument("--port", type=int, default=0,
                        help="TLS only: the port to listen on (default 0: a free one); a secure session's connector "
                             "must have port 5061")
    parser.add_argument("--srtp-suites", metavar="SUITE,...",
                        help="TLS only: the SRTP suites to take from an offer, in order of preference (default: the "
                             "offer's order)")
    parser.add_argument("--report-file", type=Path, help="also write the report here, as JSON")
    parser.add_argument("--expect-recordings", type=int, metavar="N",
                        help="exit 1, saying why, unless exactly N sessions were recorded in full: answered 200, "
                             "ACKed, RTP on every stream (over TLS, SRTP that authenticated, none refused), BYE "
                             "(for CI jobs)")
    args = parser.parse_args(argv)
    suites = [name.strip() for name in args.srtp_suites.split(",")] if args.srtp_suites else None
    try:
        srs = LocalSrs(args.scenario, transport=args.transport, calls=args.calls, host=args.host, port=args.port,
                       srtp_suites=suites)
    except ValueError as err:
        parser.error(str(err))
    signals = TerminationSignals()
    try:
        srs.start()
    except SippNotFoundError as err:
        print(f"local_srs: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        print(f"local_srs: {err}", file=sys.stderr)
        return 2 if args.transport == "tls" else 1
    except OSError as err:
        print(f"local_srs: cannot listen on {args.host}:{args.port}: {err.strerror or err}; another process may hold "
              "that port: pick another --host (any 127.x.y.z on Linux) or --port", file=sys.stderr)
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
