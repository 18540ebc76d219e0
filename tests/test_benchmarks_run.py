"""The benchmarks still run, end to end, with tiny sizes. Nothing here is timed: figures come from benchmarks/run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_measurement_runs_and_is_reported(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "-n", "3", "--preview-n", "3", "--repeats", "1", "--latency", "0.001",
         "--no-profile", "--json", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(output.read_text())
    assert {"cpu", "cores", "python", "pulumi"} <= set(report["machine"])
    names = [r["name"] for r in report["results"]]
    for expected in ("create: through the provider server", "create: the provider's own code", "floor:",
                     "peer:", "parallelism:", "preview: Check + Diff", "preview: in-process", "state weight:",
                     "import:"):
        assert any(name.startswith(expected) for name in names), expected
    for measured in report["results"]:
        assert measured["n"] >= 1
        assert measured["ours"] or measured["notes"], measured["name"]
    assert "written to" in result.stdout
