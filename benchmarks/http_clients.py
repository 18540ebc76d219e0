"""`python -m benchmarks.http_clients`: the plugin's HTTP choice, weighed (issue 16, point 2). CPU per session start
when N starts are in flight at once, as in a large `pulumi up`:

- ours: the package's own client (requests), each start on a worker thread of a pool the size of the plugin's
  default `maxConcurrency`, awaited from an event loop as the plugin awaits it;
- httpx's `AsyncClient` on the same event loop, with as many connections: the async client the issue names
  (installed with the `bench` extra);
- aiohttp's `ClientSession` likewise, when it is installed (it is no dependency of ours).

Each sends the same form to the same emulator (a process of its own, with `--latency`), interleaved, and the figure
is this process's CPU time per start (`time.process_time`, every thread). Only the client differs.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks.cases import ACCOUNT, CALL, KEY, emulator
from benchmarks.measure import machine
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient, call_path
from pulumi_telnyx_siprec.plugin.config import PluginConfig

DEFAULT_JSON = Path(__file__).resolve().parent / "http-clients-results.json"
FORM = {"ConnectorName": "my-srs", "Track": "both_tracks"}
HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}

Round = Callable[[], Awaitable[None]]
"""Sends N starts at once and waits for every answer."""
Contender = tuple[Round, Callable[[], Awaitable[None]]]
"""A client's round, and what closes the client (inside the event loop, after the last round)."""


def ours(base_url: str, n: int, workers: int) -> Contender:
    client = TelnyxClient(KEY, base_url)
    pool = ThreadPoolExecutor(workers, "bench")

    async def run() -> None:
        loop = asyncio.get_running_loop()
        await asyncio.gather(*[loop.run_in_executor(pool, client.start_siprec, ACCOUNT, CALL, FORM)
                               for _ in range(n)])

    async def close() -> None:
        pool.shutdown()
        client.close()

    return run, close


def with_httpx(base_url: str, n: int, workers: int) -> Contender:
    import httpx  # type: ignore[import-not-found,unused-ignore]  # from the `bench` extras

    url = f"{base_url}{call_path(ACCOUNT, CALL)}/Siprec.json"
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=workers), trust_env=False, timeout=30)

    async def one() -> None:
        answer = await client.post(url, data=FORM, headers=HEADERS)
        answer.raise_for_status()
        answer.json()

    async def run() -> None:
        await asyncio.gather(*[one() for _ in range(n)])

    return run, client.aclose


def with_aiohttp(base_url: str, n: int, workers: int) -> Contender:
    import aiohttp  # type: ignore[import-not-found,unused-ignore]  # optional: measured only when installed

    url = f"{base_url}{call_path(ACCOUNT, CALL)}/Siprec.json"
    sessions: list[aiohttp.ClientSession] = []  # made inside the loop, on first use

    async def one(session: aiohttp.ClientSession) -> None:
        async with session.post(url, data=FORM, headers=HEADERS) as answer:
            answer.raise_for_status()
            await answer.json(content_type=None)

    async def run() -> None:
        if not sessions:
            sessions.append(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=workers)))
        await asyncio.gather(*[one(sessions[0]) for _ in range(n)])

    async def close() -> None:
        for session in sessions:
            await session.close()

    return run, close


async def measure(contenders: dict[str, Contender], n: int, repeats: int) -> dict[str, list[float]]:
    """CPU seconds per start, per client, over `repeats` interleaved rounds after one unrecorded round each."""
    per_start: dict[str, list[float]] = {name: [] for name in contenders}
    for repeat in range(repeats + 1):
        for name, (run, _) in contenders.items():
            before = time.process_time()
            await run()
            if repeat:
                per_start[name].append((time.process_time() - before) / n)
    for _, close in contenders.values():
        await close()
    return per_start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.http_clients", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100, help="starts in flight at once (default 100)")
    parser.add_argument("--repeats", type=int, default=7, help="measured rounds (default 7)")
    parser.add_argument("--latency", type=float, default=0.2, help="emulated API latency, seconds (default 0.2)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write results ({DEFAULT_JSON})")
    args = parser.parse_args(argv)

    workers = PluginConfig.resolve(environ={}).max_concurrency
    makers: dict[str, Callable[[str, int, int], Contender]] = {"ours (requests on worker threads)": ours}
    # The async clients are measured where installed: httpx comes with the `bench` extra (the official SDK's
    # client), aiohttp with nothing of ours.
    for name, module, make in (("httpx AsyncClient", "httpx", with_httpx),
                               ("aiohttp ClientSession", "aiohttp", with_aiohttp)):
        if importlib.util.find_spec(module) is not None:
            makers[name] = make
    with emulator(args.latency, sip=False) as api:
        contenders = {name: make(api.base_url, args.n, workers) for name, make in makers.items()}
        per_start = asyncio.run(measure(contenders, args.n, args.repeats))

    baseline = statistics.median(per_start["ours (requests on worker threads)"])
    results: list[dict[str, Any]] = []
    print(f"CPU per session start, {args.n} in flight, {args.latency * 1000:g} ms API, {workers} connections/threads "
          f"(median of {args.repeats}, min-max):")
    for name, samples in per_start.items():
        median = statistics.median(samples)
        results.append({"client": name, "cpu_per_start_s": median, "min_s": min(samples), "max_s": max(samples),
                        "against_ours": median / baseline})
        print(f"  {name:<36} {median * 1e3:6.3f} ms ({min(samples) * 1e3:.3f}-{max(samples) * 1e3:.3f})  "
              f"{median / baseline:5.2f}x ours")
    versions = {name: version(name) for name in ("requests", "urllib3", "httpx", "httpcore", "aiohttp")
                if importlib.util.find_spec(name) is not None}
    report = {"machine": machine() | versions,
              "settings": vars(args) | {"json": str(args.json), "workers": workers}, "results": results}
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
