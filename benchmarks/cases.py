"""The six measurements. Each returns a result: N, the timings (median and spread) of ours and of its baseline
from the same run, their ratio, and the goal it is held to."""

from __future__ import annotations

import contextlib
import copy
import importlib
import json
import os
import subprocess
import sys
import timeit
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
from google.protobuf import empty_pb2  # type: ignore[import-untyped]
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2

from benchmarks.measure import describe, interleaved, process_cpu_s
from pulumi_telnyx_siprec import SiprecConnectorProvider, SiprecSessionProvider
from pulumi_telnyx_siprec.resources.registry import SIPREC_SESSION
from tests.support.provider_server import UNKNOWN, ProviderServer, deserialize, serialize

KEY = "KEYbenchmark-0000000000"
ACCOUNT = "61bf923e-5e4d-4595-a110-56190ea18a1b"
CALL = "v3:benchmark-call"
SESSION_TYPE = "pulumi-python:dynamic/telnyx:SiprecSession"
INPUTS = {"account_sid": ACCOUNT, "call_sid": CALL, "connector_name": "my-srs", "track": "inbound_track",
          "secure": True, "sip_transport": "tls", "session_timeout_secs": 1800}


@dataclass
class Result:
    name: str
    n: int
    ours: dict[str, Any]
    baseline: dict[str, Any] | None
    ratio: float | None
    goal: str
    met: bool | None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def print_results(results: Sequence[Result]) -> None:
    """The results as a table on stdout: a row each, with its notes under it."""
    width = max(len("measurement"), *(len(r.name) for r in results))
    print(f"{'measurement':<{width}} {'N':>6}  {'ours':<28} {'baseline':<28} {'ratio':>7}  goal")
    for r in results:
        met = "" if r.met is None else (" met" if r.met else " MISSED")
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        print(f"{r.name:<{width}} {r.n:>6}  {describe(r.ours):<28} {describe(r.baseline):<28} {ratio:>7}  "
              f"{r.goal}{met}")
        for note in r.notes:
            print(f"{'':<{width}}   {note}")


@dataclass
class EmulatorProcess:
    base_url: str
    pid: int

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the emulator's process has used so far."""
        try:
            return process_cpu_s(self.pid)
        except OSError:
            return 0.0

    def reset(self) -> None:
        control = self.base_url.removesuffix("/v2") + "/_emulator"
        requests.post(control + "/reset", timeout=10).raise_for_status()
        requests.post(control + "/calls", json={"call_sid": CALL}, timeout=10).raise_for_status()


@contextmanager
def emulator(latency: float = 0.0, *, sip: bool = True) -> Iterator[EmulatorProcess]:
    """The emulator in a process of its own, as the real API would be: never sharing a GIL with what is timed.
    Without SIP a session is recorded at once, so the API's latency is all the emulator adds."""
    command = [sys.executable, "-m", "pulumi_telnyx_siprec.emulator", "--port", "0", "--api-key", KEY, "--call", CALL,
               "--latency", str(latency), *([] if sip else ["--no-sip"])]
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        yield EmulatorProcess(process.stdout.readline().strip(), process.pid)
    finally:
        process.terminate()
        process.communicate(timeout=30)


@contextmanager
def provider_server(base_url: str) -> Iterator[ProviderServer]:
    server = ProviderServer(SiprecSessionProvider(), SESSION_TYPE)
    try:
        server.configure({"telnyx:apiKey": KEY, "telnyx:baseUrl": base_url})
        yield server
    finally:
        server.close()


def engine_requests(server: ProviderServer) -> tuple[Any, Any]:
    """The Check and Create requests the engine would send for one session, built once, outside any timing:
    the engine's work is not the provider's."""
    checked, failures = server.check(INPUTS)
    assert failures == []
    news = serialize(server.with_provider(INPUTS))
    check = provider_pb2.CheckRequest(urn=server.urn(), olds=serialize({}), news=news)
    create = provider_pb2.CreateRequest(urn=server.urn(), properties=serialize(checked))
    return check, create


def ratio(ours: float, baseline: float) -> float:
    return ours / baseline


# 1 and 2: create overhead against raw requests, and against the official SDK


def configured_provider(base_url: str) -> SiprecSessionProvider:
    """A provider in this process, configured as the provider server configures its own."""
    provider = SiprecSessionProvider()
    provider.configure(ConfigureRequest(Config({"telnyx:apiKey": KEY, "telnyx:baseUrl": base_url}, "benchmarks")))
    return provider


def create_overhead(n: int, repeats: int, latency: float) -> list[Result]:
    """Creates through the provider server, in-process, with raw requests and with the official SDK, at no
    added latency and at `latency`."""
    telnyx: Any = None
    with contextlib.suppress(ImportError):
        telnyx = importlib.import_module("telnyx")  # the official SDK, from the `bench` extras
    return [*_create_round(n, repeats, 0.0, telnyx), *_create_round(n, repeats, latency, telnyx)]


def _create_round(n: int, repeats: int, delay: float, telnyx: Any) -> list[Result]:
    with emulator(delay) as api, provider_server(api.base_url) as server:
        check, create = engine_requests(server)
        provider = configured_provider(api.base_url)
        checked = provider.check({}, INPUTS).inputs
        form = SIPREC_SESSION.inputs.to_form(checked)
        url = f"{api.base_url}/texml/Accounts/{ACCOUNT}/Calls/{CALL}/Siprec.json"
        raw = requests.Session()
        raw.headers.update({"Authorization": f"Bearer {KEY}", "Accept": "application/json"})
        plugin_info = empty_pb2.Empty()

        def through_server() -> None:
            for _ in range(n):
                server.stub.Check(check)
                server.stub.Create(create)

        def in_process() -> None:
            for _ in range(n):
                provider.create(checked)

        def two_bare_rpcs() -> None:
            for _ in range(n):
                server.stub.GetPluginInfo(plugin_info)
                server.stub.GetPluginInfo(plugin_info)

        def raw_requests() -> None:
            for _ in range(n):
                raw.post(url, data=form, timeout=30).raise_for_status()

        contenders = {"server": through_server, "in-process": in_process, "raw": raw_requests}
        if delay == 0:
            contenders["rpcs"] = two_bare_rpcs
        if telnyx is not None:
            sdk = telnyx.Telnyx(api_key=KEY, base_url=api.base_url, max_retries=0)

            def official_sdk() -> None:
                for _ in range(n):
                    sdk.texml.accounts.calls.siprec_json(
                        CALL, account_sid=ACCOUNT, connector_name="my-srs", track="inbound_track", secure=True,
                        sip_transport="tls", session_timeout_secs=1800, include_metadata_custom_headers=False)

            contenders["sdk"] = official_sdk
        interleaved(1, contenders, api.reset)  # warm-up: connections, imports, caches
        timings = interleaved(repeats, contenders, api.reset)

    def row(name: str, ours: str, baseline: str, goal: str, limit: float | None) -> Result:
        value = ratio(timings[ours].median, timings[baseline].median)
        return Result(f"{name}, {delay * 1000:g} ms API latency", n, timings[ours].to_json(),
                      timings[baseline].to_json(), value, goal, None if limit is None else value <= limit)

    sdk_name = f"the official telnyx SDK {telnyx.__version__}" if telnyx else "the official telnyx SDK"
    rows = [row("create: through the provider server (Check + Create over gRPC) vs raw requests POST", "server",
                "raw", "<= 1.3x", 1.3)]
    if delay == 0:
        rows += [
            row("create: the provider's own code, in-process (`create`) vs raw requests POST", "in-process", "raw",
                "<= 1.3x", 1.3),
            row("floor: two bare gRPC round trips to the provider server (GetPluginInfo) vs raw requests POST",
                "rpcs", "raw", "(context)", None),
        ]
    if telnyx is None:
        return [*rows, Result(f"peer: {sdk_name}", n, {}, None, None, "<= 1.0x", None,
                              ["not measured: install the `bench` extras (`pip install -e '.[bench]'`)"])]
    rows.append(row(f"peer: through the provider server vs {sdk_name}", "server", "sdk", "<= 1.0x", 1.0))
    if delay == 0:
        rows.append(row(f"peer: the provider's own code, in-process vs {sdk_name}", "in-process", "sdk", "<= 1.0x",
                        1.0))
    return rows


# 3: parallelism


def parallelism(n: int, repeats: int, latency: float) -> list[Result]:
    """Creates 4 at a time against one at a time, through the provider server: at `latency`, where the goal
    applies (an API is not local), and at none (context: then the work is CPU-bound)."""
    return [_parallel_round(n, repeats, latency, goal=True), _parallel_round(n, repeats, 0.0, goal=False)]


def _parallel_round(n: int, repeats: int, delay: float, goal: bool) -> Result:
    with emulator(delay) as api, provider_server(api.base_url) as server, ThreadPoolExecutor(4) as pool:
        _, create = engine_requests(server)

        def one_at_a_time() -> None:
            for _ in range(n):
                server.stub.Create(create)

        def four_at_a_time() -> None:
            list(pool.map(lambda _i: server.stub.Create(create), range(n)))

        interleaved(1, {"warm": four_at_a_time}, api.reset)
        timings = interleaved(repeats, {"parallel": four_at_a_time, "serial": one_at_a_time}, api.reset)
    speedup = ratio(timings["serial"].median, timings["parallel"].median)
    return Result(f"parallelism: 4 creates at a time vs one at a time, {delay * 1000:g} ms API latency "
                  "(throughput ratio)", n, timings["parallel"].to_json(), timings["serial"].to_json(), speedup,
                  ">= 3x" if goal else "(context)", speedup >= 3 if goal else None)


# 4: preview cost


def preview_cost(n: int, repeats: int) -> list[Result]:
    with emulator() as api, provider_server(api.base_url) as server:
        checked, _ = server.check(INPUTS)
        state = {**checked, "sid": "61bf923e-5e4d-4595-a110-56190ea18123", "status": "in-progress"}
        news = {**INPUTS, "connector_name": UNKNOWN}
        check = provider_pb2.CheckRequest(urn=server.urn(), olds=serialize(server.with_provider(checked)),
                                          news=serialize(server.with_provider(news)))
        diff = provider_pb2.DiffRequest(id=state["sid"], urn=server.urn(),
                                        olds=serialize(server.with_provider(state)),
                                        news=serialize(server.with_provider(news)))

        def check_and_diff() -> None:
            for _ in range(n):
                server.stub.Check(check)
                server.stub.Diff(diff)

        interleaved(1, {"warm": check_and_diff})
        through_server = interleaved(repeats, {"server": check_and_diff})["server"]

    provider = SiprecSessionProvider()
    number = 20_000
    in_process: dict[str, list[float]] = {"check": [], "deepcopy": []}
    for _ in range(repeats):
        in_process["check"].append(timeit.timeit(lambda: provider.check({}, INPUTS), number=number) / number)
        in_process["deepcopy"].append(timeit.timeit(lambda: copy.deepcopy(INPUTS), number=number) / number)
    check_cost = sorted(in_process["check"])[repeats // 2]
    copy_cost = sorted(in_process["deepcopy"])[repeats // 2]
    versus_copy = ratio(check_cost, copy_cost)
    per_resource = through_server.median / n
    return [
        Result("preview: Check + Diff with unknowns through the server, for all N resources", n,
               {**through_server.to_json(), "per_resource_ms": per_resource * 1000}, None, None, "(context)", None),
        Result("preview: in-process `check` vs one copy.deepcopy of the same inputs", number,
               _per_call(in_process["check"]), _per_call(in_process["deepcopy"]), versus_copy, "< 10x",
               versus_copy < 10),
    ]


def _per_call(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {"median_s": ordered[len(ordered) // 2], "min_s": ordered[0], "max_s": ordered[-1], "samples_s": samples}


# 5: state weight


def state_weight() -> list[Result]:
    session_blob = serialize_provider(SiprecSessionProvider())
    connector_blob = serialize_provider(SiprecConnectorProvider())
    with emulator() as api, provider_server(api.base_url) as server:
        _, create = engine_requests(server)
        response = server.stub.Create(create)
        checked, _ = server.check(INPUTS)
        outputs = deserialize(response.properties)
    # What the engine keeps per resource, less its own bookkeeping (URN, type, parent, provider reference).
    entry = json.dumps({"id": response.id, "inputs": checked, "outputs": outputs}, separators=(",", ":"))
    return [
        Result("state weight: `__provider` of a SiprecSession (base64 characters)", 1,
               {"bytes": len(session_blob)}, None, None, "< 300", len(session_blob) < 300),
        Result("state weight: `__provider` of a SiprecConnector (base64 characters)", 1,
               {"bytes": len(connector_blob)}, None, None, "< 300", len(connector_blob) < 300),
        Result("state weight: a SiprecSession's whole entry (inputs and outputs, JSON)", 1,
               {"bytes": len(entry)}, None, None, "(context)", None),
    ]


# 6: import cost


IMPORTS = {
    "pulumi": "import pulumi",
    "package": "import pulumi_telnyx_siprec",
    "resources": "from pulumi_telnyx_siprec import SiprecConnector, SiprecSession",
}


def import_cost(repeats: int) -> list[Result]:
    # With bytecode caches, as pip leaves an installed package (and pulumi): a machine that sets
    # PYTHONDONTWRITEBYTECODE would compile this package from source at every import, and pulumi not.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for warming in (True, *([False] * repeats * 3)):
        for name, statement in IMPORTS.items():
            code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
            output = subprocess.run(  # noqa: S603 - this interpreter, fixed code
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
            if not warming:
                samples[name].append(float(output.stdout))
    pulumi_alone = _per_call(samples["pulumi"])
    results = []
    for name, label in (("resources", "`from pulumi_telnyx_siprec import SiprecConnector, SiprecSession`"),
                        ("package", "`import pulumi_telnyx_siprec` (public names load on first use)")):
        ours = _per_call(samples[name])
        cost = ratio(ours["median_s"], pulumi_alone["median_s"])
        results.append(Result(f"import: {label} vs `import pulumi`, fresh processes", len(samples[name]), ours,
                              pulumi_alone, cost, "<= 1.15x", cost <= 1.15))
    return results
