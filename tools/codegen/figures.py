"""Tables of measured figures: the reliability figures (from the constants the reliability tests assert) and the
benchmark results (from the JSON files the benchmarks write)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def reliability_table() -> str:
    """The reliability figures, from the constants the reliability tests assert."""
    from tests import test_api_key, test_bad_input, test_check_properties, test_reliability, test_siprec_fuzz
    from tests.support.faults import FAULTS
    from tests.support.siprec_fuzz import finding_cases

    cases = len(test_reliability.CASES)
    ambiguous = sum(len(fails) for fails in test_reliability.AMBIGUOUS.values())
    check_bags = 2 * len(test_check_properties.PROVIDERS) * test_check_properties.EXAMPLES
    sent = 2 * test_bad_input.ACCEPTED_EXAMPLES
    paths = 2 * test_bad_input.PATH_EXAMPLES
    concurrent = test_reliability.CONCURRENT_OPERATIONS
    rows = [
        "| figure | value | reproduce with |",
        "|---|---|---|",
        f"| fault x operation cases, through the provider server | {cases} ({len(FAULTS)} faults x "
        f"{len(test_reliability.OPERATIONS)} operations; no sid only on the starts, stops and call creates) | "
        f"`{RELIABILITY} -k matrix` |",
        f"| recovered (retried, read back, repeated, or a lost Dial found again) | {cases - ambiguous} | same |",
        f"| failed with \"a session (or call) may exist\" and how to stop it | {ambiguous} (a start or call create "
        "after 5xx, timeout, drop, or an unreadable 200; a Dial that was not carried out) | same |",
        "| duplicate sessions or calls made by a retry | 0 | same |",
        f"| retry bounds held (`telnyx:maxRetryWait` {test_reliability.MAX_RETRY_WAIT:g} s, `telnyx:maxRetries` "
        f"{test_reliability.MAX_RETRIES}) | gave up after 2 attempts when a second 3 s wait would pass the budget, "
        f"and after {1 + test_reliability.MAX_RETRIES} attempts of 429s asking no wait | `{RELIABILITY} -k bounded` |",
        f"| generated inputs tried per run | {check_bags + sent + paths}: {check_bags} property bags into `check`, "
        f"{sent} valid inputs sent to the emulator, {paths} hostile ids sent as path segments | "
        f"`{PYTEST} tests/test_check_properties.py tests/test_bad_input.py` |",
        "| API key leaks found (pickled providers, returned properties, error texts, provider log output, "
        "emulator records) | 0 | `" + RELIABILITY + "` |",
        f"| generated API keys tried per run (control characters, NUL, non-ASCII, short, pieces of our words, "
        f"5,000 characters), each through all {len(test_api_key.OPERATIONS)} operations of the 3 resources | "
        f"{test_api_key.GENERATED_KEYS}: every operation failed with one of our messages, word for word the message "
        "any other key of its kind gets (so it holds the key no more often than it does a random one: a key shaped "
        "like a Telnyx key, never), never a traceback | `" + PYTEST + " tests/test_api_key.py` |",
        f"| concurrent operations, 4 at a time, ~{test_reliability.REJECTED_SHARE:.0%} answered 429 | "
        f"{2 * concurrent}/{2 * concurrent} succeeded ({concurrent} creates, {concurrent} deletes), 0 duplicates | "
        f"`{RELIABILITY} -k concurrent` |",
        f"| hostile SRS answers played through the emulator's SIPREC client per run, over UDP, TCP and TLS | "
        f"{len(finding_cases()) + test_siprec_fuzz.CI_CASES} ({len(finding_cases())} explicit: issue 23's findings "
        "and the fuzzer's, "
        f"{test_siprec_fuzz.CI_CASES} generated): no thread died, every session ended in a defined state within its "
        "bounds, the next session to a well-behaved SRS was established | "
        f"`{PYTEST} tests/test_siprec_fuzz.py`; thousands: `.venv/bin/python -m benchmarks.fuzz_siprec --cases 5000` |",
    ]
    return "\n".join(rows)


BENCHMARK_RESULTS = ROOT / "benchmarks" / "results.json"
ENGINE_RESULTS = ROOT / "benchmarks" / "engine-results.json"
SIP_RESULTS = ROOT / "benchmarks" / "sip-results.json"
HTTP_CLIENT_RESULTS = ROOT / "benchmarks" / "http-clients-results.json"
PYTHON_FAMILIES_RESULTS = ROOT / "benchmarks" / "python-families-results.json"


def benchmark_table(results: Path = BENCHMARK_RESULTS) -> str:
    """Benchmark results (benchmarks/*results.json) and the machine they were taken on."""
    from benchmarks.measure import describe

    report = json.loads(results.read_text())
    machine, settings = report["machine"], report["settings"]
    versions = f"pulumi {machine['pulumi']}"
    if "pulumi_cli" in machine:
        versions += f", Pulumi CLI {machine['pulumi_cli']}, pulumi-language-yaml {machine['pulumi_language_yaml']}"
    lines = [
        f"Taken {machine['taken']} on {machine['cpu']} ({machine['cores']} cores), {machine['system']}, Python "
        f"{machine['python']}, {versions}: medians of {settings['repeats']} repetitions, (min-max).",
        "",
        "| measurement | N | ours | baseline | ratio | goal |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        verdict = "" if r["met"] is None else (" met" if r["met"] else " **missed**")
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
        ours = describe(r["ours"]) if r["ours"] else "; ".join(r["notes"])
        baseline = describe(r["baseline"])
        lines.append(f"| {r['name']} | {r['n']} | {ours} | {baseline} | {ratio} | {r['goal']}{verdict} |")
    return "\n".join(lines)


def engine_diagnostics_table(results: Path = ENGINE_RESULTS) -> str:
    """Where the engine benchmark's time went at the largest N: requests in flight, API span, CPU."""
    report = json.loads(results.read_text())
    n = report["diagnostics"][0]["n"] if report["diagnostics"] else 100
    lines = [f"| run (N = {n}) | took | Telnyx requests | at most in flight | first request to last answer | least "
             "possible at that concurrency | CPU of the CLI and its plugins |", "|---|---|---|---|---|---|---|"]
    for d in report["diagnostics"]:
        cpu = d.get("cpu_s", {}).get("cli_and_plugins")
        in_flight = d.get("peak_in_flight", "-")
        span = f"{d['api_span_s']:.2f} s" if "api_span_s" in d else "-"
        least = f"{d['least_api_s']:.2f} s" if d["requests"] else "-"
        lines.append(f"| {d['what']}, {d['latency_s'] * 1000:g} ms API, --parallel {d['parallel']} | "
                     f"{d['operation_s']:.2f} s | {d['requests']} | {in_flight} | {span} | {least} | "
                     + (f"{cpu:.2f} s |" if cpu is not None else "- |"))
    return "\n".join(lines)


def sip_table() -> str:
    """The SIP benchmark (benchmarks/sip-results.json): our SIPREC client against SIPp's own UAC."""
    report = json.loads(SIP_RESULTS.read_text())
    machine, settings = report["machine"], report["settings"]
    lines = [f"Taken {machine['taken']} on {machine['cpu']} ({machine['cores']} cores), {machine['system']}, Python "
             f"{machine['python']}: {settings['repeats']} runs per size, {settings['hold']:g} s of RTP per session, "
             f"track {settings['track']}; setup: median (p95) over every session; CPU: median over runs.", "",
             "| concurrent sessions | INVITE to 200, ours | SIPp UAC (floor) | ratio | CPU per session, ours | SIPp "
             "UAC | ratio |", "|---|---|---|---|---|---|---|"]
    for r in report["results"]:
        lines.append(f"| {r['sessions']} | {r['ours_setup_median_s'] * 1000:.2f} ms "
                     f"({r['ours_setup_p95_s'] * 1000:.2f}) | {r['sipp_setup_median_s'] * 1000:.2f} ms "
                     f"({r['sipp_setup_p95_s'] * 1000:.2f}) | "
                     f"{r['setup_ratio']:.2f}x | {r['ours_cpu_per_session_s'] * 1000:.2f} ms | "
                     f"{r['sipp_cpu_per_session_s'] * 1000:.2f} ms | {r['cpu_ratio']:.2f}x |")
    return "\n".join(lines)


def http_clients_table() -> str:
    """The HTTP client benchmark (benchmarks/http-clients-results.json): CPU per session start, per client."""
    report = json.loads(HTTP_CLIENT_RESULTS.read_text())
    machine, settings = report["machine"], report["settings"]
    clients = ", ".join(f"{name} {machine[name]}" for name in ("requests", "httpx", "aiohttp") if name in machine)
    lines = [f"Taken {machine['taken']} on {machine['cpu']} ({machine['cores']} cores), Python {machine['python']}, "
             f"{clients}: {settings['n']} starts in flight, {settings['latency'] * 1000:g} ms API, "
             f"{settings['workers']} threads or connections; median of {settings['repeats']} rounds (min-max).", "",
             "| client | CPU per session start | against ours |", "|---|---|---|"]
    for r in report["results"]:
        lines.append(f"| {r['client']} | {r['cpu_per_start_s'] * 1000:.2f} ms ({r['min_s'] * 1000:.2f}-"
                     f"{r['max_s'] * 1000:.2f}) | {r['against_ours']:.2f}x |")
    return "\n".join(lines)


def profile_table() -> str:
    """Where the provider server's busy time went in the latest benchmark run (py-spy samples)."""
    sampled = json.loads(BENCHMARK_RESULTS.read_text())["profile"]
    if not sampled:
        return "(not sampled: py-spy was not installed)"
    lines = [f"| owner of the code running ({sampled['samples']} busy samples, {sampled['pairs']} Check + Create "
             "pairs) | share |", "|---|---|"]
    lines += [f"| {name} | {share:.0%} |" for name, share in sampled["shares"].items()]
    return "\n".join(lines)


PYTEST = ".venv/bin/python -m pytest"
RELIABILITY = f"{PYTEST} tests/test_reliability.py"


def _families_header(report: dict[str, Any]) -> str:
    machine, settings = report["machine"], report["settings"]
    load = report["load_average"]
    return (f"Taken {machine['taken']} on {machine['cpu']} ({machine['cores']} cores, shared: load average "
            f"{load['before'][0]:.1f} before, {load['after'][0]:.1f} after), {machine['system']}, Python "
            f"{machine['python']}, pulumi {machine['pulumi']}, Pulumi CLI {machine['pulumi_cli']}: medians of "
            f"{settings['repeats']} repetitions ({settings['largest_repeats']} at N = {max(settings['sizes'])}), "
            f"(min-max); the whole run took {report['wall_s'] / 60:.0f} minutes.")


def python_families_table() -> str:
    """The Python families benchmark (benchmarks/python-families-results.json): each family against its floor."""
    from benchmarks.measure import describe

    report = json.loads(PYTHON_FAMILIES_RESULTS.read_text())
    lines = [_families_header(report), "", "| measurement | N | ours | baseline | ratio | goal |",
             "|---|---|---|---|---|---|"]
    for r in report["results"]:
        verdict = "" if r["met"] is None else (" met" if r["met"] else " **missed**")
        lines.append(f"| {r['name']} | {r['n']} | {describe(r['ours'])} | {describe(r['baseline'])} | "
                     f"{r['ratio']:.2f}x | {r['goal']}{verdict} |")
    return "\n".join(lines)


def _per_resource(extra: dict[str, Any], stack: str, verb: str) -> str:
    return f"{extra['timings'][f'{stack} {verb}']['median_s'] / extra['n'] * 1000:.1f} ms"


def python_families_scaling_table() -> str:
    """How the floors grow with N, the provider processes' peak memory and the state per session."""
    report = json.loads(PYTHON_FAMILIES_RESULTS.read_text())
    lines = ["| API latency | N | native floor, per resource: up / refresh / destroy | dynamic floor, per resource: "
             "up / refresh / destroy | provider peak memory (MB): plugin / no-op plugin / dynamic server | state "
             "per session (bytes): native / dynamic |", "|---|---|---|---|---|---|"]
    for e in report["extras"]:
        floors = [" / ".join(_per_resource(e, stack, verb) for verb in ("up", "refresh", "destroy"))
                  for stack in ("native floor", "dynamic floor")]
        memory = " / ".join(f"{e['peak_memory_kb'][s] / 1024:.0f}" for s in ("native", "native floor", "dynamic"))
        state = " / ".join(f"{e['state'][s]['session_entry_bytes']:.0f}" for s in ("native", "dynamic"))
        lines.append(f"| {e['latency_s'] * 1000:g} ms | {e['n']} | {floors[0]} | {floors[1]} | {memory} | {state} |")
    return "\n".join(lines)


def python_families_state_table() -> str:
    """What a session's state entry holds, by part, in each family (largest N of the run, last latency)."""
    report = json.loads(PYTHON_FAMILIES_RESULTS.read_text())
    extra = report["extras"][-1]
    parts = list(extra["state"]["native"]["session_parts_bytes"])
    lines = ["| bytes per session (N = " + f"{extra['n']}) | " + " | ".join(parts) + " | the engine's (URN, type, "
             "id, parent, provider, times) | whole entry |", "|---" * (len(parts) + 3) + "|"]
    for stack in ("native", "dynamic"):
        state = extra["state"][stack]
        shares = [state["session_parts_bytes"][part] for part in parts]
        rest = state["session_entry_bytes"] - sum(shares)
        lines.append(f"| {stack} | " + " | ".join(f"{v:.0f}" for v in shares) + f" | {rest:.0f} | "
                     f"{state['session_entry_bytes']:.0f} |")
    return "\n".join(lines)


def python_families_summary() -> str:
    """For the README: the three CLI operations of each family at N = 100 and the largest N, at the largest API
    latency, with the native floor beside them."""
    from benchmarks.measure import describe

    report = json.loads(PYTHON_FAMILIES_RESULTS.read_text())
    latency = max(report["settings"]["latencies"])
    shown = [e for e in report["extras"] if e["latency_s"] == latency and e["n"] >= 100]
    lines = [f"| {latency * 1000:g} ms API, --parallel {report['settings']['parallel']} | N | native classes | "
             "dynamic classes | no-op floor (native) |", "|---|---|---|---|---|"]
    for e in shown:
        for verb in ("up", "refresh", "destroy"):
            cells = [describe(e["timings"][f"{stack} {verb}"]).split(" (")[0]
                     for stack in ("native", "dynamic", "native floor")]
            lines.append(f"| `pulumi {verb}` | {e['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
