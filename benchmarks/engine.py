"""`python -m benchmarks.engine`: what a genuine `pulumi up`/`refresh`/`destroy` of N SiprecSessions costs, against
the engine's own floor (N no-op resources of the same shape), both measured in the same run, interleaved.

1. Dynamic provider (issue 13): a Python program of N SiprecSessions against the same program with N no-op dynamic
   resources, at `--latency` emulated API latency and `--parallel`.
2. Plugin against dynamic provider (issue 16): `up`/`destroy` of N sessions at 0 and 200 ms, `--parallel 64`, through
   the plugin `pulumi-resource-telnyx-siprec` from a YAML program, beside a no-op plugin of ours (YAML has no
   plugin-free resource that is created and deleted), and through the dynamic provider beside its no-op floor.

Stacks run under the genuine CLI (tools/stack.py: Python programs inline through the Automation API, YAML under the
genuine YAML host) on a local backend in a temporary folder, against the emulator in a process of its own (no SIP).
Each figure is the CLI process's time (`pulumi up` itself, not the Automation API's follow-up queries). After the
measurements, one more pass at the largest N says where the time goes: API requests in flight (from the emulator's
log) and CPU seconds.

    python -m benchmarks.engine                                   # everything, as the issues ask (~15 min)
    python -m benchmarks.engine --parts plugin --sizes 100 --plugin-latencies 0.2 --plugin-max-concurrency 64
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import yaml  # type: ignore[import-untyped]

from benchmarks.cases import ACCOUNT, CALL, KEY, EmulatorProcess, Result, emulator, print_results
from benchmarks.measure import Timing, interleaved, machine
from tools.stack import LocalStack, Project, cli_dir

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "engine_programs"
DEFAULT_JSON = HERE / "engine-results.json"
GOAL_N = 100
"""The goals hold at this N (the issues' figure); smaller N are context."""
PLUGIN = "pulumi-resource-telnyx-siprec"
NOOP_PLUGIN = "pulumi-resource-siprec-noop"
DYNAMIC_WORKERS = 4
"""Threads of `pulumi.dynamic`'s provider server (`ThreadPoolExecutor(max_workers=4)` in its `__main__`)."""
PASSPHRASE = "engine-benchmark"  # noqa: S105 - protects only a throwaway local backend

Operation = Callable[[], float]
"""Runs one CLI operation; returns the seconds its CLI process took."""
VERBS = ("up", "refresh", "destroy")


def api_requests(api: EmulatorProcess) -> list[dict[str, Any]]:
    """Every API request the emulator answered since its last reset (its control endpoints are not recorded)."""
    state = requests.get(api.base_url.removesuffix("/v2") + "/_emulator/state", timeout=30)
    state.raise_for_status()
    return list(state.json()["requests"])


def concurrency(entries: Sequence[dict[str, Any]], latency: float) -> dict[str, Any]:
    """Peak API requests in flight and the span from the first request to the last answer. The log holds answer
    times; with a fixed emulated latency each request was in flight for `latency` before it (handling is ~1 ms)."""
    if not entries or latency <= 0:
        return {"requests": len(entries)}
    ends = sorted(datetime.fromisoformat(e["at"]) for e in entries)
    starts = [end - timedelta(seconds=latency) for end in ends]
    # At equal times an answer leaves before a request arrives: back-to-back requests do not overlap.
    events = sorted([(t, 1) for t in starts] + [(t, -1) for t in ends], key=lambda e: (e[0], e[1]))
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return {"requests": len(entries), "peak_in_flight": peak, "api_span_s": (ends[-1] - starts[0]).total_seconds()}


# Stacks


class TimedCommand:
    """The workspace's `PulumiCommand`, timing each `up`/`refresh`/`destroy` process from start to exit."""

    def __init__(self, command: Any, owner: TimedStack) -> None:
        self._command = command
        self._owner = owner

    def run(self, args: list[str], *rest: Any, **options: Any) -> Any:
        if not args or args[0] not in VERBS:
            return self._command.run(args, *rest, **options)
        owner = self._owner
        cpu_before = owner.cpu_probe() if owner.cpu_probe else {}
        started = time.perf_counter()
        try:
            return self._command.run(args, *rest, **options)
        finally:
            owner.cli_s = time.perf_counter() - started
            if owner.cpu_probe:
                owner.cpu_s = {name: used - cpu_before[name] for name, used in owner.cpu_probe().items()}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._command, name)


class TimedStack(LocalStack):
    """A `LocalStack` whose operations are timed as the CLI process alone: the Automation API follows `up` with
    `stack output` and `stack history` runs (`destroy` with the latter), ~0.8 s that are no part of `pulumi up`
    and would blur every ratio towards 1. An inline program's language server runs during the process: it counts."""

    cli_s: float = 0.0
    cpu_s: dict[str, float] | None = None
    cpu_probe: Callable[[], dict[str, float]] | None = None
    """When set, `cpu_s` is what it counted over the last timed CLI process (see `where_time_goes`)."""

    def workspace_stack(self) -> Any:
        stack = super().workspace_stack()
        if not isinstance(stack.workspace.pulumi_command, TimedCommand):
            stack.workspace.pulumi_command = TimedCommand(stack.workspace.pulumi_command, self)
        return stack


@dataclass
class Bench:
    """The run's temporary folder: one backend, one PULUMI_HOME, the projects and the plugins' launchers."""

    folder: Path
    cli: Path
    stacks: int = 0
    """Stacks made so far: each gets a name of its own, so none inherits another's config."""

    @property
    def bin(self) -> Path:
        return self.folder / "bin"

    def path(self) -> str:
        """Our launchers first, then the CLI, then this interpreter's bin (where pip puts console scripts)."""
        return os.pathsep.join([str(self.bin), str(self.cli), str(Path(sys.executable).parent),
                                os.environ.get("PATH", "")])

    def stack(self, project: Path, name: str, env: dict[str, str] | None = None) -> TimedStack:
        self.stacks += 1
        env = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "PATH": self.path(), **(env or {})}
        return TimedStack(Project.load(project), f"{name}-{self.stacks}", self.folder / "backend",
                          home=self.folder / "pulumi-home", env=env, on_output=None, cli=self.cli)

    def python_project(self) -> Path:
        """A copy of engine_programs/python (stack config files land in the copy), importable by the inline
        program (it runs in this process) and by the provider server (PYTHONPATH, see `python_stack`)."""
        project = self.folder / "python"
        if not project.exists():
            shutil.copytree(PROGRAMS / "python", project, ignore=shutil.ignore_patterns("__pycache__"))
            sys.path.insert(0, str(project))
        return project

    def python_stack(self, kind: str, n: int, api: EmulatorProcess, env: dict[str, str] | None = None
                     ) -> TimedStack:
        """The Python program of N resources of `kind` (see engine_programs/python/__main__.py), with the provider
        config a session of its family needs; a floor gets its family's config too, so that stacks stay alike."""
        project = self.python_project()
        pythonpath = os.pathsep.join(filter(None, [str(project), os.environ.get("PYTHONPATH")]))
        stack = self.stack(project, f"{kind}-{n}", {"PYTHONPATH": pythonpath, **(env or {})})
        # The dynamic provider gets the whole stack config; a plugin, its package's namespace.
        namespace = {"siprec": "telnyx", "noop": "telnyx", "native": "telnyx-siprec",
                     "native-noop": "siprec-noop"}[kind]
        stack.set_config({"count": str(n), "kind": kind, "callSid": CALL, f"{namespace}:baseUrl": api.base_url},
                         {f"{namespace}:apiKey": KEY})
        return stack

    def yaml_stack(self, kind: str, n: int, api: EmulatorProcess, settings: dict[str, str] | None = None
                   ) -> TimedStack:
        """A YAML program of N resources (YAML has no loops: the program is written out per N)."""
        package, token = {"siprec": ("telnyx-siprec", "telnyx-siprec:index:SiprecSession"),
                          "noop": ("siprec-noop", "siprec-noop:index:Session")}[kind]
        project = self.folder / f"yaml-{kind}-{n}"
        if not project.exists():
            project.mkdir()
            properties = {"accountSid": ACCOUNT, "callSid": CALL, "connectorName": "my-srs", "track": "both_tracks"}
            # A copy of the properties each: one shared dict would be dumped as YAML aliases, which pulumi-yaml
            # refuses ("alias nodes are not supported").
            program = {"name": f"siprec-engine-benchmark-yaml-{kind}", "runtime": "yaml",
                       "resources": {f"session-{i}": {"type": token, "properties": dict(properties)}
                                     for i in range(n)}}
            (project / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))
        stack = self.stack(project, f"n{n}")
        stack.set_config({f"{package}:baseUrl": api.base_url,
                          **{f"{package}:{name}": value for name, value in (settings or {}).items()}},
                         {f"{package}:apiKey": KEY})
        return stack


def operation(stack: TimedStack, verb: str, n: int, parallel: int) -> Operation:
    """One CLI operation; it checks (in memory, from the CLI's summary) that the N resources were handled."""
    expected = {"up": "create", "destroy": "delete"}.get(verb)

    def run() -> float:
        result = getattr(stack, verb)(parallel=parallel)
        changes = result.summary.resource_changes or {}
        if expected and changes.get(expected, 0) < n:
            raise RuntimeError(f"pulumi {verb} of {stack.project.name}/{stack.stack}: {changes}, expected {n} "
                               f"{expected}s")
        return stack.cli_s

    return run


def progress(text: str) -> None:
    print(f"[engine] {text}", file=sys.stderr, flush=True)


def measure(label: str, contenders: dict[str, Operation], repeats: int, warmup: bool) -> dict[str, Timing]:
    """`interleaved` rounds, after one unrecorded round (first start of each plugin, bytecode caches). The
    samples are the CLI processes' times (see `TimedStack`), not `interleaved`'s own, which include the Automation
    API's follow-up queries."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}

    def recording(name: str, into: list[float]) -> Callable[[], None]:
        return lambda: into.append(contenders[name]())

    if warmup:
        progress(f"{label}: warm-up round")
        interleaved(1, {name: recording(name, []) for name in contenders})
    progress(f"{label}: {repeats} measured round(s) of {', '.join(contenders)}")
    interleaved(repeats, {name: recording(name, samples[name]) for name in contenders})
    return {name: Timing(taken) for name, taken in samples.items()}


def compared(name: str, n: int, ours: Timing, baseline: Timing, goal: str, limit: float | None,
             speedup: bool = False) -> Result:
    """A row: ours against the baseline; `speedup` rows hold baseline/ours to at least `limit`."""
    value = baseline.median / ours.median if speedup else ours.median / baseline.median
    met = None if limit is None else (value >= limit if speedup else value <= limit)
    return Result(name, n, ours.to_json(), baseline.to_json(), value, goal if limit is not None else "(context)", met)


# 1: the dynamic provider against N no-op dynamic resources


def dynamic_vs_floor(bench: Bench, sizes: Sequence[int], repeats: int, latency: float, parallel: int,
                     warmup: bool) -> tuple[list[Result], list[dict[str, Any]]]:
    verbs = VERBS
    results, diagnostics = [], []
    with emulator(latency, sip=False) as api:
        for n in sizes:
            api.reset()
            stacks = {kind: bench.python_stack(kind, n, api) for kind in ("siprec", "noop")}
            contenders = {f"{kind} {verb}": operation(stacks[kind], verb, n, parallel)
                          for verb in verbs for kind in stacks}
            timings = measure(f"dynamic provider, N={n}, {latency * 1000:g} ms", contenders, repeats, warmup)
            for verb in verbs:
                at_goal = n == GOAL_N
                results.append(compared(
                    f"dynamic: `pulumi {verb}` of N SiprecSessions vs N no-op dynamic resources, "
                    f"{latency * 1000:g} ms API, --parallel {parallel}",
                    n, timings[f"siprec {verb}"], timings[f"noop {verb}"], "<= 1.3x", 1.3 if at_goal else None))
            if n == max(sizes):
                diagnostics += where_time_goes(api, latency, {"dynamic provider": stacks["siprec"],
                                                              "its floor": stacks["noop"]},
                                               DYNAMIC_WORKERS, verbs, n, parallel)
    return results, diagnostics


def cpu_seconds(api: EmulatorProcess) -> dict[str, float]:
    """CPU seconds used so far: by the CLI and what it started (the language host, the plugins; counted once they
    have exited), by this process (the Automation API, and a Python program run inline) and by the emulator."""
    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    return {"cli_and_plugins": children.ru_utime + children.ru_stime, "driver": own.ru_utime + own.ru_stime,
            "emulator": api.cpu_s()}


def where_time_goes(api: EmulatorProcess, latency: float, stacks: dict[str, TimedStack], workers: int | None,
                    verbs: Sequence[str], n: int, parallel: int) -> list[dict[str, Any]]:
    """One more, unmeasured pass of `verbs` over `stacks` (ours first, then its floor): each operation's time and
    the CPU seconds it took; from the emulator's log the API requests, the most in flight at once and the span they
    took, against the least time the provider's `workers` threads (and --parallel) allow: one `latency` per `cap`."""
    cap = min(workers or parallel, parallel)
    found = []
    for verb in verbs:
        for label, stack in stacks.items():
            before = len(api_requests(api))
            stack.cpu_probe = lambda: cpu_seconds(api)
            try:
                took = operation(stack, verb, n, parallel)()
            finally:
                stack.cpu_probe = None
            cpu = stack.cpu_s or {}
            seen = concurrency(api_requests(api)[before:], latency)
            waves = -(-seen["requests"] // cap)
            found.append({"what": f"{label}: `pulumi {verb}`", "n": n, "latency_s": latency, "parallel": parallel,
                          "workers": workers, "cap": cap, "operation_s": took, "cpu_s": cpu,
                          "least_api_s": waves * latency if seen["requests"] else 0.0, **seen})
    return found


# 2: the plugin (YAML) against the dynamic provider (Python), each beside its floor


def plugin_problem(bench: Bench) -> str | None:
    """Why the plugin part cannot run (None: it can): the plugin must import and serve, the YAML host be built."""
    if importlib.util.find_spec("pulumi_telnyx_siprec.plugin.__main__") is None:
        return "pulumi_telnyx_siprec.plugin is not importable yet"
    launcher = shutil.which(PLUGIN, path=bench.path())
    if launcher is None:
        return f"no {PLUGIN} on PATH"
    # Started as the engine starts it, less the engine's address: it must print its port on the first line.
    process = subprocess.Popen([launcher], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline().strip() if ready else ""
        if not line.isdigit():
            process.kill()
            _, err = process.communicate(timeout=30)
            return f"{PLUGIN} did not print its port (got {line!r}): {err.strip()[-500:]}"
    finally:
        if process.poll() is None:
            process.terminate()
            process.communicate(timeout=30)
    return None


def plugin_workers() -> int | None:
    """The plugin's worker threads with no `maxConcurrency` configured (the benchmark configures none), as the
    plugin itself resolves it; None when that cannot be read (the plugin is still changing)."""
    try:
        from pulumi_telnyx_siprec.plugin.config import PluginConfig

        return int(PluginConfig.resolve(environ={}).max_concurrency)
    except Exception:  # a diagnostic's detail: the measurements do not depend on it
        return None


def install_launchers(bench: Bench) -> str:
    """The no-op plugin's launcher, and the plugin's unless pip's console script exists; says which plugin runs."""
    bench.bin.mkdir(parents=True, exist_ok=True)
    scripts = {NOOP_PLUGIN: f'exec "{sys.executable}" "{PROGRAMS / "noop_plugin.py"}" "$@"\n'}
    console_script = Path(sys.executable).parent / PLUGIN
    if not console_script.exists():
        scripts[PLUGIN] = f'exec "{sys.executable}" -m pulumi_telnyx_siprec.plugin "$@"\n'
    for name, line in scripts.items():
        script = bench.bin / name
        script.write_text("#!/bin/sh\n" + line)
        script.chmod(0o755)
    return str(console_script) if console_script.exists() else f"{bench.bin / PLUGIN} (python -m ...plugin)"


def plugin_vs_dynamic(bench: Bench, sizes: Sequence[int], repeats: int, latencies: Sequence[float], parallel: int,
                      warmup: bool, max_concurrency: int | None) -> tuple[list[Result], list[dict[str, Any]]]:
    results, diagnostics = [], []
    # Both plugins get the setting, so that their stack config stays alike; only ours reads it.
    settings = {} if max_concurrency is None else {"maxConcurrency": str(max_concurrency)}
    verbs = ("up", "destroy")
    for latency in latencies:
        ms = f"{latency * 1000:g} ms API, --parallel {parallel}"
        with emulator(latency, sip=False) as api:
            for n in sizes:
                api.reset()
                stacks = {"plugin": bench.yaml_stack("siprec", n, api, settings),
                          "plugin floor": bench.yaml_stack("noop", n, api, settings),
                          "dynamic": bench.python_stack("siprec", n, api),
                          "dynamic floor": bench.python_stack("noop", n, api)}
                contenders = {f"{name} {verb}": operation(stack, verb, n, parallel)
                              for verb in verbs for name, stack in stacks.items()}
                timings = measure(f"plugin vs dynamic, N={n}, {latency * 1000:g} ms", contenders, repeats, warmup)
                at_goal = n == GOAL_N and latency == max(latencies) and latency > 0
                for verb in verbs:
                    results += [
                        compared(f"plugin (YAML): `pulumi {verb}` of N SiprecSessions vs N no-op plugin resources, "
                                 f"{ms}", n, timings[f"plugin {verb}"], timings[f"plugin floor {verb}"], "<= 1.2x",
                                 1.2 if at_goal else None),
                        compared(f"dynamic (Python): `pulumi {verb}` of N SiprecSessions vs N no-op dynamic "
                                 f"resources, {ms}", n, timings[f"dynamic {verb}"], timings[f"dynamic floor {verb}"],
                                 "(context)", None),
                        compared(f"plugin vs dynamic: `pulumi {verb}` of N SiprecSessions, speedup of the plugin, "
                                 f"{ms}", n, timings[f"plugin {verb}"], timings[f"dynamic {verb}"], ">= 3x",
                                 3.0 if at_goal else None, speedup=True),
                        # The no-op plugin does no work at all, so no plugin can beat its speedup: the bound on the
                        # row above that this machine's engine sets.
                        compared(f"plugin floor vs dynamic: `pulumi {verb}`, speedup of N no-op plugin resources "
                                 f"over N SiprecSessions (the most any plugin reaches here), {ms}", n,
                                 timings[f"plugin floor {verb}"], timings[f"dynamic {verb}"], "(context)", None,
                                 speedup=True),
                    ]
                if n == max(sizes) and latency > 0:
                    diagnostics += where_time_goes(api, latency, {"plugin": stacks["plugin"],
                                                                  "plugin floor": stacks["plugin floor"]},
                                                   max_concurrency or plugin_workers(), verbs, n, parallel)
                    diagnostics += where_time_goes(api, latency, {"dynamic": stacks["dynamic"],
                                                                  "dynamic floor": stacks["dynamic floor"]},
                                                   DYNAMIC_WORKERS, verbs, n, parallel)
    return results, diagnostics


def skipped(reason: str, sizes: Sequence[int]) -> list[Result]:
    return [Result("plugin (YAML) vs its floor and vs the dynamic provider", n, {}, None, None, "<= 1.2x, >= 3x",
                   None, [f"not measured: {reason}"]) for n in sizes]


# Report


def cli_versions(cli: Path) -> dict[str, str]:
    """The CLI's version, and the YAML host's from the Go build information in its binary (it has no flag)."""
    try:
        done = subprocess.run([str(cli / "pulumi"), "version"], capture_output=True, text=True, timeout=60,  # noqa: S603
                              check=True)
        found = {"pulumi_cli": done.stdout.strip()}
    except (OSError, subprocess.SubprocessError):
        found = {"pulumi_cli": "unavailable"}
    try:
        binary = (cli / "pulumi-language-yaml").read_bytes()
        marker = b"github.com/pulumi/pulumi-yaml\t"
        start = binary.index(marker) + len(marker)
        found["pulumi_language_yaml"] = binary[start:binary.index(b"\t", start)].decode()
    except (OSError, ValueError):
        found["pulumi_language_yaml"] = "unknown"
    return found


def print_table(report: dict[str, Any], results: Sequence[Result], diagnostics: Sequence[dict[str, Any]]) -> None:
    print(f"machine: {report['machine']}")
    print_results(results)
    print_diagnostics(diagnostics)
    goals = [r for r in results if r.met is not None]
    print(f"goals: {sum(r.met is True for r in goals)} met, {sum(r.met is False for r in goals)} missed")


def print_diagnostics(diagnostics: Sequence[dict[str, Any]]) -> None:
    if diagnostics:
        print("where the time goes (one more, unmeasured pass; API requests from the emulator's log; CPU seconds of "
              f"the CLI with its plugins / this process / the emulator, on {os.cpu_count()} cores):")
        for d in diagnostics:
            cpu = d["cpu_s"]
            line = (f"  {d['what']}, N={d['n']}, {d['latency_s'] * 1000:g} ms API, --parallel {d['parallel']}: "
                    f"{d['operation_s']:.2f} s, CPU {sum(cpu.values()):.2f} s ({cpu['cli_and_plugins']:.2f} / "
                    f"{cpu['driver']:.2f} / {cpu['emulator']:.2f})")
            if d["requests"]:
                line += (f"; {d['requests']} API requests, at most {d.get('peak_in_flight', '-')} in flight, first "
                         f"request to last answer {d.get('api_span_s', 0):.2f} s; {d['cap']} at a time (the "
                         f"provider's {d['workers'] or '?'} worker threads, --parallel {d['parallel']}) need at least "
                         f"{d['least_api_s']:.2f} s")
            print(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100], help="N (default 1 10 100)")
    parser.add_argument("--repeats", type=int, default=3, help="measured rounds of each comparison (default 3)")
    parser.add_argument("--latency", type=float, default=0.05,
                        help="emulated API latency of the dynamic-provider part, seconds (default 0.05)")
    parser.add_argument("--parallel", type=int, default=16, help="--parallel of the dynamic-provider part")
    parser.add_argument("--plugin-latencies", type=float, nargs="+", default=[0.0, 0.2],
                        help="emulated API latencies of the plugin part, seconds (default 0 0.2)")
    parser.add_argument("--plugin-parallel", type=int, default=64, help="--parallel of the plugin part")
    parser.add_argument("--plugin-max-concurrency", type=int, default=None, metavar="N",
                        help="set `telnyx-siprec:maxConcurrency` on the plugin's stacks (default: the plugin's own)")
    parser.add_argument("--parts", nargs="+", choices=("dynamic", "plugin"), default=["dynamic", "plugin"],
                        help="which comparisons to run (default both)")
    parser.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=True,
                        help="one unrecorded round before each comparison (default on)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write results ({DEFAULT_JSON})")
    args = parser.parse_args(argv)

    # Plugins and provider servers import this package as pip leaves it installed, from bytecode caches: a
    # machine that sets PYTHONDONTWRITEBYTECODE would compile it from source at every plugin start.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    cli = cli_dir(yaml_host=True)
    with tempfile.TemporaryDirectory(prefix="siprec-engine-bench-") as folder:
        bench = Bench(Path(folder), cli)
        plugin_runs = install_launchers(bench)
        results: list[Result] = []
        diagnostics: list[dict[str, Any]] = []
        if "dynamic" in args.parts:
            results, diagnostics = dynamic_vs_floor(bench, args.sizes, args.repeats, args.latency, args.parallel,
                                                    args.warmup)
        plugin_ran = None
        if "plugin" in args.parts:
            problem = plugin_problem(bench)
            if problem is None:
                progress(f"plugin: {plugin_runs}")
                more, seen = plugin_vs_dynamic(bench, args.sizes, args.repeats, args.plugin_latencies,
                                               args.plugin_parallel, args.warmup, args.plugin_max_concurrency)
                results, diagnostics, plugin_ran = results + more, diagnostics + seen, plugin_runs
            else:
                print(f"plugin part skipped: {problem}", flush=True)
                results += skipped(problem, args.sizes)

    report = {"machine": machine() | cli_versions(cli), "settings": vars(args) | {"json": str(args.json)},
              "timed": "each operation's CLI process (`pulumi up`/`refresh`/`destroy`), from start to exit",
              "plugin": plugin_ran,
              "results": [r.to_json() for r in results], "diagnostics": diagnostics}
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report, results, diagnostics)
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
