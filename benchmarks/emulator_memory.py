"""What the emulator's state holds in memory per SIPREC session, measured with tracemalloc (issue 23, point 5).

Starts N sessions through the HTTP API of an in-process emulator (no SIP) and reports the bytes still allocated
after each kind of body, against the empty emulator measured in the same run, and what that makes at the
`Limits.sessions` bound. Kinds: a typical start (the provider's form), one that pads it with 60 KB of undocumented
fields, one whose documented `Name` is 60 KB, and a typical start sent with 60 KB of extra headers (the request
records). Nothing here is timed.

    python -m benchmarks.emulator_memory [-n 2000] [--json PATH]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from pulumi_telnyx_siprec.emulator import Emulator, Limits

CALL = "v3:memory"
KEY = "KEYmemory"
PADDING = 60_000

Body = Callable[[int], tuple[dict[str, str], dict[str, str]]]
"""The form and the extra headers of the i-th start."""


def typical(i: int) -> tuple[dict[str, str], dict[str, str]]:
    return {"ConnectorName": "my-srs", "Track": "both_tracks", "Name": f"recording-{i}",
            "SessionTimeoutSecs": "1800", "SipTransport": "udp"}, {}


def undocumented_padding(i: int) -> tuple[dict[str, str], dict[str, str]]:
    form, headers = typical(i)
    return {**form, **{f"Pad{n}": f"{i}-" + "x" * (PADDING // 10) for n in range(10)}}, headers


def long_documented_name(i: int) -> tuple[dict[str, str], dict[str, str]]:
    form, headers = typical(i)
    return {**form, "Name": f"{i}-" + "n" * PADDING}, headers


def padded_headers(i: int) -> tuple[dict[str, str], dict[str, str]]:
    form, _ = typical(i)
    return form, {f"X-Pad-{n}": f"{i}-" + "h" * (PADDING // 20) for n in range(20)}


KINDS: dict[str, Body] = {
    "typical": typical,
    "60 KB undocumented fields": undocumented_padding,
    "60 KB documented Name": long_documented_name,
    "60 KB of headers": padded_headers,
}


def held_bytes(n: int, body: Body, limits: Limits) -> tuple[int, int, int]:
    """(bytes held by an emulator after n starts of this kind, sessions it kept, bytes of clients' values it
    counted against `Limits.client_value_bytes`)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    with Emulator(api_key=KEY, calls=[CALL], sip=False, limits=limits) as emulator, requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {KEY}"
        url = f"{emulator.base_url}/texml/Accounts/a/Calls/{CALL}/Siprec.json"
        for i in range(n):
            form, headers = body(i)
            http.post(url, data=form, headers=headers, timeout=30)
        http.close()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        state = emulator.state()
    tracemalloc.stop()
    return held, len(state["sessions"]), state["counters"].get("client_value_bytes", 0)


def measure(n: int, kinds: list[str]) -> dict[str, Any]:
    """Sessions measured with no request records kept (their own bound is a count), then the records alone: each
    projected to its own bound."""
    no_records = Limits(kept_requests=0, kept_callbacks=0)
    records = Limits(kept_requests=Limits().kept_requests)
    empty, _, seeded = held_bytes(0, typical, no_records)
    results: dict[str, Any] = {"n": n, "empty_emulator_bytes": empty, "sessions": {}, "request_records": {}}
    for name in kinds:
        body = KINDS[name]
        held, kept, counted = held_bytes(n, body, no_records)
        per_session = (held - empty) / max(kept, 1)
        # How many of 100,000 starts the emulator would keep: all, unless the values they keep pass
        # `Limits.client_value_bytes` first (an emulator without that budget counts nothing: all).
        per_session_values = (counted - seeded) / max(kept, 1)
        budget = getattr(no_records, "client_value_bytes", None)
        allowed = no_records.sessions if not budget or not per_session_values else min(
            no_records.sessions, int((budget - seeded) / per_session_values))
        results["sessions"][name] = {
            "held_mib": round(held / 2**20, 1), "sessions_kept": kept, "bytes_per_kept_session": round(per_session),
            f"kept_of_{no_records.sessions}_starts": allowed,
            f"held_after_{no_records.sessions}_starts_mib": round((empty + allowed * per_session) / 2**20, 1),
        }
        if name in ("typical", "60 KB of headers"):
            with_records, _, _ = held_bytes(n, body, records)
            per_record = (with_records - held) / min(n, records.kept_requests)
            results["request_records"][name] = {
                "bytes_per_record": round(per_record),
                f"at_{records.kept_requests}_records_mib": round(per_record * records.kept_requests / 2**20, 1),
            }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_memory", description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=2_000, help="sessions started per kind (default 2000)")
    parser.add_argument("--kind", choices=KINDS, action="append", help="measure only this kind (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = measure(args.n, args.kind or list(KINDS))
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
