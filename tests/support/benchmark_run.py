"""A benchmark command run as its tests run it: small sizes, its JSON report read back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[2]


class BenchmarkRun(NamedTuple):
    report: Any
    """The JSON report the command wrote."""
    stdout: str


def run_benchmark(module: str, args: Sequence[str], output: Path, timeout: float) -> BenchmarkRun:
    """`python -m <module> <args> --json <output>` from the repository root; fails the test unless it exits 0.
    `timeout` only guards against a hang."""
    result = subprocess.run([sys.executable, "-m", module, *args, "--json", str(output)], cwd=ROOT,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return BenchmarkRun(json.loads(output.read_text()), result.stdout)
