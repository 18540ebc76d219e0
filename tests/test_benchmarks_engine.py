"""`python -m benchmarks.engine` still runs end to end, with N = 1 and one round. Nothing here is timed: the figures
come from a full run (see the module's docstring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.benchmark_run import run_benchmark
from tests.support.engine import engine_cli, in_ci

pytestmark = pytest.mark.engine
HANG_GUARD = 600
"""Seconds after which a benchmark run counts as hung. Not a time the run must beat: each runs about 20 `pulumi`
commands (about 40 s of CPU); alone that takes under 2 minutes, but at a load of 10 on 2 cores one took over 180 s."""


def require_cli(missing: str, yaml_host: bool = False) -> None:
    """Skips without a usable Pulumi CLI (`missing` says which), except in CI, where that fails the test."""
    try:
        engine_cli(yaml_host=yaml_host)
    except SystemExit as err:
        if in_ci():
            pytest.fail(f"{missing}: {err}")
        pytest.skip(f"{missing}: {err}")


def test_every_engine_measurement_runs_and_is_reported(tmp_path: Path) -> None:
    require_cli("no Pulumi CLI with the YAML host for the engine benchmark", yaml_host=True)
    output = tmp_path / "engine-results.json"
    # One plugin latency, small, and no warm-up round: the shortest run that still goes through every path.
    report, stdout = run_benchmark("benchmarks.engine", ["--sizes", "1", "--repeats", "1", "--no-warmup", "--latency",
                                                         "0.01", "--plugin-latencies", "0.01"], output, HANG_GUARD)
    assert {"cpu", "cores", "python", "pulumi", "pulumi_cli", "pulumi_language_yaml"} <= set(report["machine"])
    names = [r["name"] for r in report["results"]]
    for verb in ("up", "refresh", "destroy"):
        assert any(name.startswith(f"dynamic: `pulumi {verb}`") for name in names), verb
    if report["plugin"] is None:  # the plugin part says why it did not run; in CI it must run
        assert not in_ci(), stdout
        assert "plugin part skipped:" in stdout
    else:
        for prefix in ("plugin (YAML): `pulumi up`", "dynamic (Python): `pulumi destroy`", "plugin vs dynamic:"):
            assert any(name.startswith(prefix) for name in names), prefix
        assert {d["what"] for d in report["diagnostics"]} >= {"plugin: `pulumi up`", "dynamic: `pulumi up`"}
    for measured in report["results"]:
        assert measured["n"] == 1
        assert (measured["ours"] and measured["baseline"]) or measured["notes"], measured["name"]
    assert any(line.split()[:2] == ["measurement", "N"] for line in stdout.splitlines()), "the table's header"
    assert "goals:" in stdout
    assert f"written to {output}" in stdout


def test_the_python_families_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    require_cli("no Pulumi CLI for the Python families benchmark")
    output = tmp_path / "python-families-results.json"
    report, stdout = run_benchmark("benchmarks.python_families", ["--sizes", "1", "--latencies", "0.01", "--repeats",
                                                                "1", "--largest-repeats", "1", "--no-warmup"],
                                   output, HANG_GUARD)
    names = [r["name"] for r in report["results"]]
    for verb in ("up", "refresh", "destroy"):
        for family in ("native (Python)", "dynamic (Python)", "native vs dynamic"):
            assert any(name.startswith(f"{family}: `pulumi {verb}`") for name in names), (family, verb)
    [extra] = report["extras"]
    stacks = {"native", "native floor", "dynamic", "dynamic floor"}
    assert set(extra["peak_memory_kb"]) == stacks
    assert all(kb > 10_000 for kb in extra["peak_memory_kb"].values()), "each provider process was sampled"
    assert set(extra["state"]) == stacks
    assert all(state["session_entry_bytes"] > 500 for state in extra["state"].values())
    assert "goals:" in stdout
