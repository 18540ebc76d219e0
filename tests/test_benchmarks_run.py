"""The benchmarks still run, end to end, with tiny sizes. Nothing here is timed: figures come from benchmarks/run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.support.benchmark_run import run_benchmark
from tests.support.siprec_fuzz import finding_cases


def test_every_measurement_runs_and_is_reported(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    report, stdout = run_benchmark("benchmarks", ["-n", "3", "--preview-n", "3", "--repeats", "1", "--latency",
                                                  "0.001", "--no-profile"], output, timeout=300)
    assert {"cpu", "cores", "python", "pulumi"} <= set(report["machine"])
    names = [r["name"] for r in report["results"]]
    for expected in ("create: through the provider server", "create: the provider's own code", "floor:",
                     "peer:", "parallelism:", "preview: Check + Diff", "preview: in-process", "state weight:",
                     "import:"):
        assert any(name.startswith(expected) for name in names), expected
    for measured in report["results"]:
        assert measured["n"] >= 1
        assert measured["ours"] or measured["notes"], measured["name"]
    assert "written to" in stdout


def test_the_http_client_benchmark_runs_and_compares_with_ours(tmp_path: Path) -> None:
    output = tmp_path / "http-clients-results.json"
    report, _ = run_benchmark("benchmarks.http_clients", ["-n", "4", "--repeats", "1", "--latency", "0"], output,
                              timeout=120)
    clients = {r["client"]: r for r in report["results"]}
    installed = {name for name, module in (("httpx AsyncClient", "httpx"), ("aiohttp ClientSession", "aiohttp"))
                 if importlib.util.find_spec(module) is not None}
    assert set(clients) == {"ours (requests on worker threads)", *installed}
    assert clients["ours (requests on worker threads)"]["against_ours"] == 1.0
    assert all(r["cpu_per_start_s"] > 0 for r in report["results"])
    assert report["settings"]["workers"] == 64


def test_the_emulator_memory_measurement_runs(tmp_path: Path) -> None:
    output = tmp_path / "emulator-memory.json"
    report, _ = run_benchmark("benchmarks.emulator_memory", ["-n", "5"], output, timeout=120)
    assert set(report["sessions"]) == {"typical", "60 KB undocumented fields", "60 KB documented Name",
                                       "60 KB of headers"}
    padded = report["sessions"]["60 KB undocumented fields"]
    assert (padded["sessions_kept"], padded["kept_of_100000_starts"]) == (5, 100_000)
    assert set(report["request_records"]) == {"typical", "60 KB of headers"}


def test_the_siprec_fuzzer_runs_and_counts_its_cases(tmp_path: Path) -> None:
    output = tmp_path / "fuzz.json"
    report, stdout = run_benchmark("benchmarks.fuzz_siprec", ["--cases", "3"], output, timeout=300)
    # The findings of issue 23 point 2 are played first, then the generated cases.
    assert report["counts"]["cases"] >= 3 + len(finding_cases())
    assert report["failure"] is None
    assert "every invariant held" in stdout


def test_the_srtp_cost_measurement_runs(tmp_path: Path) -> None:
    output = tmp_path / "srtp.json"
    report, _ = run_benchmark("benchmarks.srtp_cost", ["-n", "20", "--repeats", "1"], output, timeout=120)
    assert set(report["results"]) == {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM",
                                      "AEAD_AES_256_GCM"}
    for sides in report["results"].values():
        assert set(sides) == {"sender", "receiver"}
        assert all(side["ratio"] > 0 for side in sides.values())
