"""`python -m benchmarks.python_families`: the two Python families under the genuine engine, in the same run.

A Python program of N SiprecSessions on the native classes (`pulumi_telnyx_siprec.native`, served by the plugin
`pulumi-resource-telnyx-siprec`) against its floor, the same program with N resources of the no-op plugin declared
the same way, and against the dynamic classes (served by `pulumi.dynamic`'s provider server) beside their own
floor, N no-op dynamic resources: `pulumi up`, `refresh` and `destroy`, interleaved, at each API latency and N. The
programs run inline through the Automation API (tools/stack.py), on a local file backend, against the emulator in a
process of its own (no SIP); each figure is the CLI process's time.

At the largest N and API latency it also runs the native stack once with `PULUMI_SKIP_CHECKPOINTS=true`. Besides the
times it records, per stack and N: the provider process's peak memory (VmHWM from /proc, sampled every
0.2 s while the CLI runs, among the processes this one started: the plugin, the no-op plugin or the dynamic
provider server), and the state's size
(`pulumi stack export`, compact JSON, and the backend's checkpoint file, which the engine rewrites at each step)
per session.

    python -m benchmarks.python_families                                  # N = 1 10 100 1000, 0 and 200 ms
    python -m benchmarks.python_families --sizes 100 --latencies 0.2 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.cases import Result, emulator, print_results
from benchmarks.engine import (
    DYNAMIC_WORKERS,
    GOAL_N,
    PLUGIN,
    Bench,
    TimedStack,
    cli_versions,
    compared,
    install_launchers,
    measure,
    operation,
    plugin_problem,
    plugin_workers,
    print_diagnostics,
    progress,
    where_time_goes,
)
from benchmarks.measure import Timing, machine
from tools.stack import cli_dir

HERE = Path(__file__).resolve().parent
DEFAULT_JSON = HERE / "python-families-results.json"
VERBS = ("up", "refresh", "destroy")
KINDS = {"native": "native", "native floor": "native-noop", "dynamic": "siprec", "dynamic floor": "noop"}
"""The four stacks, by name, and their program's `kind`."""
PROVIDER_PROCESSES = {"native": PLUGIN, "native floor": "noop_plugin.py", "dynamic": "pulumi.dynamic",
                      "dynamic floor": "pulumi.dynamic"}
"""What the provider process's command line holds, for each stack."""
GOAL_RATIO = 1.2


# The provider process's peak memory


def _command_line(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _peak_kb(pid: str) -> int | None:
    """VmHWM, the process's peak resident set, in kB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _parent(pid: str) -> str:
    try:
        # Field 4 of proc(5)'s stat, after the command name in parentheses (which may hold spaces).
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    except (OSError, IndexError):
        return "0"


class PeakMemory:
    """Samples, every `interval` seconds while it runs, the peak memory of this process's descendants (the CLI and
    the plugins it starts; never another user's processes on a shared machine) whose command line holds `marker`;
    `peak_kb` is the largest seen."""

    def __init__(self, marker: str, interval: float = 0.2) -> None:
        self.marker = marker
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._seen: dict[str, bool] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _ours(self, pid: str) -> bool:
        own = str(os.getpid())
        for _ in range(16):  # the plugins are grandchildren of this process; 16 levels is plenty
            pid = _parent(pid)
            if pid == own:
                return True
            if pid in ("0", "1"):
                return False
        return False

    def _sample(self) -> None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            if pid not in self._seen:
                self._seen[pid] = self.marker in _command_line(pid) and self._ours(pid)
            if self._seen[pid]:
                self.peak_kb = max(self.peak_kb, _peak_kb(pid) or 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# Operations that also record memory and state size


SESSION_TYPES = ("SiprecSession", "Session")
"""A session's type token ends with one of these (the floors': `siprec-noop:index:Session`, `.../bench:NoopSession`)."""
PARTS = {"inputs": ("inputs",), "outputs": ("outputs",), "stack trace and source position (SDK)":
         ("stackTrace", "sourcePosition"), "property dependencies (SDK)": ("propertyDependencies",)}
"""How a session's entry is broken down; the rest (URN, type, id, parent, provider, timestamps) is the engine's."""


def compact(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")))


def state_size(stack: TimedStack, n: int) -> dict[str, Any]:
    """The stack's state: `pulumi stack export` as compact JSON, the checkpoint file the engine rewrites, and the
    mean entry of a session, by part."""
    exported = stack.workspace_stack().export_stack().deployment
    checkpoint = stack.backend / ".pulumi" / "stacks" / stack.project.name / f"{stack.stack}.json"
    sessions = [r for r in exported.get("resources") or [] if r["type"].endswith(SESSION_TYPES)]
    parts = {part: sum(compact({k: r[k] for k in keys if k in r}) - 2 for r in sessions) / max(len(sessions), 1)
             for part, keys in PARTS.items()}
    entry = sum(compact(r) for r in sessions) / max(len(sessions), 1)
    return {"n": n, "export_bytes": compact(exported),
            "checkpoint_bytes": checkpoint.stat().st_size if checkpoint.exists() else 0,
            "session_entry_bytes": entry, "session_parts_bytes": parts}


def recorded(name: str, stack: TimedStack, verb: str, n: int, parallel: int, memory: dict[str, int],
             sizes: dict[str, dict[str, float]]) -> Callable[[], float]:
    """`operation`, with the provider process's peak memory kept in `memory[name]` and, after the first `up`, the
    state's size in `sizes[name]` (taken outside the timed CLI process)."""
    run = operation(stack, verb, n, parallel)

    def timed() -> float:
        with PeakMemory(PROVIDER_PROCESSES[name]) as sampler:
            took = run()
        memory[name] = max(memory.get(name, 0), sampler.peak_kb)
        if verb == "up" and name not in sizes:
            sizes[name] = state_size(stack, n)
        return took

    return timed


# The comparison


def families(bench: Bench, sizes: Sequence[int], repeats: int, largest_repeats: int, latencies: Sequence[float],
             parallel: int, warmup: bool, diagnose: bool
             ) -> tuple[list[Result], list[dict[str, Any]], list[dict[str, Any]]]:
    results: list[Result] = []
    extras: list[dict[str, Any]] = []
    diagnostics: list[dict[str, Any]] = []
    for latency in latencies:
        ms = f"{latency * 1000:g} ms API, --parallel {parallel}"
        with emulator(latency, sip=False) as api:
            for n in sizes:
                api.reset()
                stacks = {name: bench.python_stack(kind, n, api) for name, kind in KINDS.items()}
                memory: dict[str, int] = {}
                state: dict[str, dict[str, float]] = {}
                contenders = {f"{name} {verb}": recorded(name, stack, verb, n, parallel, memory, state)
                              for verb in VERBS for name, stack in stacks.items()}
                rounds = largest_repeats if n == max(sizes) else repeats
                started = time.perf_counter()
                timings = measure(f"Python families, N={n}, {latency * 1000:g} ms", contenders, rounds,
                                  warmup and n != max(sizes))
                at_goal = n == GOAL_N and latency > 0
                for verb in VERBS:
                    results += rows(verb, n, ms, timings, at_goal)
                extras.append({"n": n, "latency_s": latency, "parallel": parallel, "rounds": rounds,
                               "wall_s": time.perf_counter() - started, "peak_memory_kb": memory,
                               "state": state, "timings": {k: v.to_json() for k, v in timings.items()}})
                if n == max(sizes) and latency == max(latencies):
                    extras[-1]["skip_checkpoints"] = without_checkpoints(bench, api, n, parallel)
                if at_goal and diagnose:
                    # One more, unmeasured pass: API requests in flight and CPU seconds (benchmarks/engine.py). The
                    # emulator keeps its last 2,000 requests: it starts the pass empty, so that it counts them all.
                    api.reset()
                    diagnostics += where_time_goes(api, latency, {"native": stacks["native"],
                                                                  "native floor": stacks["native floor"]},
                                                   plugin_workers(), VERBS, n, parallel)
                    diagnostics += where_time_goes(api, latency, {"dynamic": stacks["dynamic"],
                                                                  "dynamic floor": stacks["dynamic floor"]},
                                                   DYNAMIC_WORKERS, VERBS, n, parallel)
    return results, extras, diagnostics


def without_checkpoints(bench: Bench, api: Any, n: int, parallel: int) -> dict[str, float]:
    """One more pass of the native stack with `PULUMI_SKIP_CHECKPOINTS=true` (the engine saves the state once, at
    the end): each operation's CLI time."""
    stack = bench.python_stack("native", n, api, {"PULUMI_SKIP_CHECKPOINTS": "true"})
    progress(f"native with PULUMI_SKIP_CHECKPOINTS=true, N={n}: one pass")
    return {verb: operation(stack, verb, n, parallel)() for verb in VERBS}


def rows(verb: str, n: int, ms: str, timings: dict[str, Timing], at_goal: bool) -> list[Result]:
    return [
        compared(f"native (Python): `pulumi {verb}` of N SiprecSessions vs N no-op plugin resources, {ms}", n,
                 timings[f"native {verb}"], timings[f"native floor {verb}"], f"<= {GOAL_RATIO}x",
                 GOAL_RATIO if at_goal else None),
        compared(f"dynamic (Python): `pulumi {verb}` of N SiprecSessions vs N no-op dynamic resources, {ms}", n,
                 timings[f"dynamic {verb}"], timings[f"dynamic floor {verb}"], "(context)", None),
        compared(f"native vs dynamic: `pulumi {verb}` of N SiprecSessions, speedup of the native classes, {ms}", n,
                 timings[f"native {verb}"], timings[f"dynamic {verb}"], "(context)", None, speedup=True),
    ]


def scale_goals(results: list[Result], sizes: Sequence[int]) -> list[Result]:
    """The goal at the largest N: each native ratio to its floor no worse than the same ratio at N = 100."""
    largest = max(sizes)
    if largest <= GOAL_N or GOAL_N not in sizes:
        return results
    at_goal = {r.name: r.ratio for r in results if r.n == GOAL_N and r.name.startswith("native (Python)")}
    checked = []
    for r in results:
        if r.n == largest and r.name in at_goal and r.ratio is not None and at_goal[r.name] is not None:
            bound = at_goal[r.name]
            assert bound is not None
            r = Result(r.name, r.n, r.ours, r.baseline, r.ratio, f"<= {bound:.2f}x (N = {GOAL_N})", r.ratio <= bound,
                       r.notes)
        checked.append(r)
    return checked


def print_extras(extras: Sequence[dict[str, Any]]) -> None:
    print("floor time per resource (median CLI time / N), provider peak memory (MB), state per session (bytes):")
    for e in extras:
        per = {f"{name} {verb}": e["timings"][f"{name} {verb}"]["median_s"] / e["n"] * 1000
               for name in ("native floor", "dynamic floor") for verb in VERBS}
        line = ", ".join(f"{k} {v:.1f} ms" for k, v in per.items())
        memory = ", ".join(f"{k} {v / 1024:.0f}" for k, v in e["peak_memory_kb"].items())
        state = ", ".join(f"{k} {v['session_entry_bytes']:.0f}" for k, v in e["state"].items())
        print(f"  N={e['n']}, {e['latency_s'] * 1000:g} ms ({e['wall_s']:.0f} s): {line}; memory: {memory}; "
              f"state: {state}")
        if "skip_checkpoints" in e:
            skipped = ", ".join(f"{verb} {took:.2f} s" for verb, took in e["skip_checkpoints"].items())
            print(f"  N={e['n']}, {e['latency_s'] * 1000:g} ms, native with PULUMI_SKIP_CHECKPOINTS=true: {skipped}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.python_families", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000], help="N (default 1 10 100 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="measured rounds at each N but the largest (3)")
    parser.add_argument("--largest-repeats", type=int, default=1,
                        help="measured rounds at the largest N (default 1; no warm-up round there)")
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.0, 0.2],
                        help="emulated API latencies, seconds (default 0 0.2)")
    parser.add_argument("--parallel", type=int, default=64, help="`pulumi ... --parallel` (default 64)")
    parser.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=True,
                        help="one unrecorded round before each comparison but the largest N's (default on)")
    parser.add_argument("--diagnose", action=argparse.BooleanOptionalAction, default=True,
                        help=f"one more pass at N = {GOAL_N} and the API latency: requests in flight, CPU (default on)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write results ({DEFAULT_JSON})")
    args = parser.parse_args(argv)

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as pip leaves the package: see benchmarks/engine.py
    cli = cli_dir(yaml_host=False)
    load_before = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="siprec-families-bench-") as folder:
        bench = Bench(Path(folder), cli)
        plugin_runs = install_launchers(bench)
        problem = plugin_problem(bench)
        if problem is not None:
            print(f"not measured: {problem}", flush=True)
            return 1
        progress(f"plugin: {plugin_runs}")
        results, extras, diagnostics = families(bench, args.sizes, args.repeats, args.largest_repeats,
                                                args.latencies, args.parallel, args.warmup, args.diagnose)
    results = scale_goals(results, args.sizes)
    report = {"machine": machine() | cli_versions(cli), "settings": vars(args) | {"json": str(args.json)},
              "timed": "each operation's CLI process (`pulumi up`/`refresh`/`destroy`), from start to exit",
              "plugin": plugin_runs, "wall_s": time.perf_counter() - started,
              "load_average": {"before": load_before, "after": os.getloadavg()},
              "results": [r.to_json() for r in results], "extras": extras, "diagnostics": diagnostics}
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"machine: {report['machine']}; load average before {load_before}, after {os.getloadavg()}")
    print_results(results)
    print_extras(extras)
    print_diagnostics(diagnostics)
    goals = [r for r in results if r.met is not None]
    print(f"goals: {sum(r.met is True for r in goals)} met, {sum(r.met is False for r in goals)} missed")
    print(f"written to {args.json} after {report['wall_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
