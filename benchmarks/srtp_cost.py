"""`python -m benchmarks.srtp_cost`: what SRTP costs the SIPREC client and the local TLS SRS per packet, against plain
RTP measured in the same run (interleaved repetitions; only the ratios mean anything on a shared machine).

- sender: what `siprec.rtp.RtpSender` does per packet: build a 20 ms PCMU packet, protect it (`srtp.SrtpProtector`)
  and send it on loopback, vs building and sending it alone, per suite;
- receiver: the TLS SRS's handling of one datagram (`srs.media_receiver.ReceivedStream.take`: authenticate and
  decrypt, then keep its samples) for SRTP vs plain RTP, per suite.

A stream sends 50 packets a second: the absolute figures say what share of one core a session's streams take.
`--json` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import struct
import sys
from pathlib import Path
from typing import Any

from benchmarks.measure import interleaved, machine
from pulumi_telnyx_siprec.emulator.sip.sdes import SUITES
from pulumi_telnyx_siprec.emulator.siprec.rtp import TONES
from pulumi_telnyx_siprec.emulator.srs.media_receiver import ReceivedStream
from pulumi_telnyx_siprec.emulator.srtp import SrtpProtector, SrtpVerifier

FRAME = TONES["inbound"][0]


def packet(sequence: int) -> bytes:
    return struct.pack("!BBHII", 0x80, 0, sequence & 0xFFFF, (sequence * 160) & 0xFFFFFFFF, 0x1234) + FRAME


def measure(count: int, repeats: int) -> dict[str, Any]:
    """Per suite, the sender's and the receiver's figures."""
    return {suite: measure_suite(suite, count, repeats) for suite in SUITES}


def measure_suite(suite: str, count: int, repeats: int) -> dict[str, Any]:
    key = secrets.token_bytes(SUITES[suite].key_salt_bytes)
    protector = SrtpProtector(suite, key)
    sequence = [0]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sink.bind(("127.0.0.1", 0))
        # Nobody reads the sink: the kernel drops what overflows its buffer, as for an SRS that does not read.
        destination = sink.getsockname()

        def plain_send() -> None:
            for _ in range(count):
                sequence[0] += 1
                sender.sendto(packet(sequence[0]), destination)

        def srtp_send() -> None:
            for _ in range(count):
                sequence[0] += 1
                sender.sendto(protector.protect(packet(sequence[0])), destination)

        sending = interleaved(repeats, {"plain": plain_send, "srtp": srtp_send})
    # The receiver: fresh streams each repetition (a replay window remembers what it saw).
    protected = [SrtpProtector(suite, key).protect(packet(n)) for n in range(1, count + 1)]
    plain = [packet(n) for n in range(1, count + 1)]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))

        def plain_receive() -> None:
            stream = ReceivedStream(sock, None)
            for datagram in plain:
                stream.take(datagram)

        def srtp_receive() -> None:
            stream = ReceivedStream(sock, SrtpVerifier(suite, key))
            for datagram in protected:
                stream.take(datagram)
            assert stream.stats().accepted == count

        receiving = interleaved(repeats, {"plain": plain_receive, "srtp": srtp_receive})
    return {
        side: {"plain_per_packet_s": timings["plain"].median / count,
               "srtp_per_packet_s": timings["srtp"].median / count,
               "ratio": timings["srtp"].median / timings["plain"].median,
               "plain": timings["plain"].to_json(), "srtp": timings["srtp"].to_json()}
        for side, timings in (("sender", sending), ("receiver", receiving))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.srtp_cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5000, help="packets per repetition (default 5000)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions, interleaved (default 5)")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures")
    args = parser.parse_args(argv)
    results = measure(args.n, args.repeats)
    print(f"machine: {machine()}")
    print(f"{args.n} packets of 20 ms PCMU per repetition, medians of {args.repeats} interleaved repetitions")
    for suite, sides in results.items():
        for side, figures in sides.items():
            print(f"  {suite} {side}: SRTP {figures['srtp_per_packet_s'] * 1e6:.1f} us/packet vs plain "
                  f"{figures['plain_per_packet_s'] * 1e6:.1f} us/packet: {figures['ratio']:.2f}x")
    if args.json is not None:
        args.json.write_text(json.dumps({"machine": machine(), "settings": {"n": args.n, "repeats": args.repeats},
                                         "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
