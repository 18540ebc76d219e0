"""`python -m pulumi_telnyx_siprec.emulator`: serve until SIGINT or SIGTERM; the first stdout line is the base URL."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from . import Emulator


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
    args = parser.parse_args(argv)
    if not 0 <= args.latency <= 60:
        parser.error(f"--latency must be from 0 to 60 seconds, got {args.latency:g}")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be from 0 to 65535, got {args.port}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    emulator = Emulator(host=args.host, port=args.port, api_key=args.api_key, calls=args.call,
                        allow_any_callback_host=args.allow_any_callback_host, seed=args.seed,
                        verbose=args.verbose, latency=args.latency)
    try:
        emulator.start()
    except OSError as err:
        print(f"emulator: cannot bind {args.host}:{args.port}: {err.strerror or err}; try --port 0", file=sys.stderr)
        return 1
    print(emulator.base_url, flush=True)
    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    stopping.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
