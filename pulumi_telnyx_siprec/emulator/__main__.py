"""`python -m pulumi_telnyx_siprec.emulator`: serve until SIGINT or SIGTERM; the first stdout line is the base URL."""

from __future__ import annotations

import argparse
import errno
import sys

from . import Behaviour, Emulator
from .api.connections import DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_TIMEOUT
from .api.control_guard import parse_control_host
from .api.state import CALL_OUTCOMES
from .sip.sdes import DEFAULT_SUITES, SUITES, check_suites
from .siprec import TIMER_B
from .srtp import srtp_version
from .termination import TerminationSignals


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_telnyx_siprec.emulator",
        description="A local stand-in for the Telnyx API slice that pulumi-telnyx-siprec uses.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=8787, help="port to bind; 0 picks a free one (default 8787)")
    parser.add_argument("--api-key", help="the only bearer key accepted (default: any non-empty key)")
    parser.add_argument("--call", action="extend", nargs="+", default=[], metavar="SID",
                        help="seed calls in progress (they answer under any account sid)")
    parser.add_argument("--allow-any-callback-host", action="store_true",
                        help="deliver status callbacks to any host, not only loopback")
    parser.add_argument("--seed", type=int, default=0, help="seed for probabilistic faults (default 0)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                        help="add this delay before every API answer, as a network round trip would (default 0)")
    parser.add_argument("--callback-failover-url", metavar="URL",
                        help="where a status callback goes when its URL answers anything but 200")
    defaults = Behaviour()
    parser.add_argument("--organization-id", default=defaults.organization_id,
                        help="the account id GET /v2/whoami answers (default: the API reference's example)")
    parser.add_argument("--one-session-per-call", action="store_true",
                        help="refuse a second running SIPREC session on a call (422 at /CallSid)")
    parser.add_argument("--stopped-session-status", type=int, choices=(200, 404),
                        default=defaults.stopped_session_status,
                        help="what stopping an already stopped session answers (default 404)")
    parser.add_argument("--call-answer-delay", type=float, default=defaults.call_answer_delay, metavar="SECONDS",
                        help=f"how long a placed call stays queued (default {defaults.call_answer_delay:g})")
    parser.add_argument("--call-outcome", choices=CALL_OUTCOMES, default=defaults.call_outcome,
                        help="what a placed call becomes after the delay (default in-progress: answered)")
    parser.add_argument("--call-fetch-lag", type=float, default=defaults.call_fetch_lag, metavar="SECONDS",
                        help="fetching a call placed less than this long ago answers 404, as an eventually "
                             "consistent API may (default 0)")
    parser.add_argument("--no-sip", action="store_true",
                        help="record sessions without inviting any SRS (no SIP or RTP is sent)")
    parser.add_argument("--no-await-srs", action="store_true",
                        help="answer a SIPREC start at once; a refusing SRS then only shows in the siprec-failed "
                             "callback and the state (default: answer once the SRS has answered its INVITE)")
    parser.add_argument("--invite-timeout", type=float, default=TIMER_B, metavar="SECONDS",
                        help=f"how long an INVITE waits for the SRS's final answer (default {TIMER_B:g}, SIP Timer B)")
    parser.add_argument("--allow-any-srs-host", action="store_true",
                        help="send SIP and RTP to connector hosts that are not loopback addresses (your own lab "
                             "only; by default every SIP and RTP packet stays on this machine)")
    parser.add_argument("--srtp-suites", metavar="SUITE,...", default=",".join(DEFAULT_SUITES),
                        help="the SRTP suites a secure session offers the SRS, in order of preference, of "
                             f"{', '.join(SUITES)} (default {','.join(DEFAULT_SUITES)})")
    parser.add_argument("--webhook-url", metavar="URL",
                        help="where Call Control webhooks go when a dial names no webhook_url (what the Call Control "
                             "application's webhook URL is at Telnyx); loopback only unless --allow-any-callback-host")
    parser.add_argument("--call-duration", type=float, metavar="SECONDS",
                        help="a Call Control call hangs up by itself this long after it is answered, as a far end "
                             "would (default: it lasts until hung up, or its time_limit_secs)")
    parser.add_argument("--read-timeout", type=float, default=DEFAULT_READ_TIMEOUT, metavar="SECONDS",
                        help="how long a client has to send each request, and again its body; an idle connection "
                             f"is closed after as long (default {DEFAULT_READ_TIMEOUT:g})")
    parser.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS, metavar="N",
                        help="connections served at once; more wait to be accepted until one closes "
                             f"(default {DEFAULT_MAX_CONNECTIONS})")
    parser.add_argument("--control-host", action="append", default=[], metavar="HOST[:PORT]",
                        help="also serve the control endpoints (/_emulator/...) to requests whose Host is this, e.g. "
                             "a container's name or a published port (localhost:18080); the port defaults to --port. "
                             "By default only this machine's loopback names and the bound address are served")
    args = parser.parse_args(argv)
    if args.call_duration is not None and not 0 < args.call_duration <= 86400:
        parser.error(f"--call-duration must be above 0 and at most 86400 seconds, got {args.call_duration:g}")
    if not 0 <= args.latency <= 60:
        parser.error(f"--latency must be from 0 to 60 seconds, got {args.latency:g}")
    if not 0 < args.read_timeout <= 3600:
        parser.error(f"--read-timeout must be above 0 and at most 3600 seconds, got {args.read_timeout:g}")
    if not 1 <= args.max_connections <= 10_000:
        parser.error(f"--max-connections must be from 1 to 10000, got {args.max_connections}")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be from 0 to 65535, got {args.port}")
    for text in args.control_host:
        try:
            parse_control_host(text, args.port or 1)
        except ValueError as err:
            parser.error(f"--control-host: {err}")
    try:
        args.srtp_suites = check_suites([name.strip() for name in args.srtp_suites.split(",")])
    except ValueError as err:
        parser.error(f"--srtp-suites: {err}")
    return args


def bind_advice(err: OSError) -> str:
    """What to do when the emulator cannot bind: the advice depends on why."""
    if err.errno == errno.EADDRINUSE:
        return "another process holds that port: try --port 0 (any free port)"
    if err.errno == errno.EADDRNOTAVAIL:
        return "that address is not one of this machine's: use --host 127.0.0.1 (or another local address)"
    if err.errno == errno.EACCES:
        return "ports below 1024 need privileges: use --port 0 (any free port) or a port above 1023"
    return "check --host and --port"


def srtp_status() -> str:
    """What `secure` sessions do here: send SRTP, or fail at once because pylibsrtp is missing (and how to add it)."""
    version = srtp_version()
    if version is not None:
        return f"secure SIPREC sessions send SRTP (pylibsrtp {version})"
    return ("secure SIPREC sessions cannot send SRTP: pylibsrtp is not installed: pip install "
            "'pulumi-telnyx-siprec[srtp]'; until then such a session fails at once, saying so")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    behaviour = Behaviour(
        organization_id=args.organization_id, one_session_per_call=args.one_session_per_call,
        stopped_session_status=args.stopped_session_status, call_answer_delay=args.call_answer_delay,
        call_outcome=args.call_outcome, call_fetch_lag=args.call_fetch_lag,
    )
    emulator = Emulator(host=args.host, port=args.port, api_key=args.api_key, calls=args.call,
                        allow_any_callback_host=args.allow_any_callback_host, seed=args.seed,
                        verbose=args.verbose, latency=args.latency, behaviour=behaviour,
                        callback_failover_url=args.callback_failover_url, sip=not args.no_sip,
                        await_srs=not args.no_await_srs, allow_any_srs_host=args.allow_any_srs_host,
                        invite_timeout=args.invite_timeout, webhook_url=args.webhook_url,
                        call_duration=args.call_duration, read_timeout=args.read_timeout,
                        max_connections=args.max_connections, srtp_suites=args.srtp_suites,
                        control_hosts=args.control_host)
    signals = TerminationSignals()
    try:
        emulator.start()
    except OSError as err:
        print(f"emulator: cannot bind {args.host}:{args.port}: {err.strerror or err}; {bind_advice(err)}",
              file=sys.stderr)
        return 1
    print(emulator.base_url, flush=True)
    key = emulator.callback_public_key
    print(f"status callbacks and webhooks are signed; verify with this Ed25519 public key (base64): {key}"
          if key else
          "status callbacks and webhooks are not signed: install `cryptography` "
          "(pip install 'pulumi-telnyx-siprec[emulator]')",
          flush=True)
    print(srtp_status(), flush=True)
    signals.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
