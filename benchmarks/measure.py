"""Timing helpers: repeated, interleaved measurements summarised as median and spread, and the machine they ran on."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any


@dataclass
class Timing:
    """Seconds per repetition of one measured thing."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def to_json(self) -> dict[str, Any]:
        return {"median_s": self.median, "min_s": min(self.samples), "max_s": max(self.samples),
                "samples_s": self.samples}


def interleaved(repeats: int, contenders: dict[str, Callable[[], None]],
                before_each: Callable[[], None] = lambda: None) -> dict[str, Timing]:
    """Times each contender `repeats` times, alternating between them so that drifts in machine load hit all."""
    timings = {name: Timing() for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            before_each()
            started = time.perf_counter()
            run()
            timings[name].samples.append(time.perf_counter() - started)
    return timings


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) process `pid` has used so far (Linux /proc); OSError once it is gone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # Fields 14 and 15 (utime, stime) of proc(5); the split above starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, Any]:
    """What the figures were taken on."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pulumi": version("pulumi"),
        "requests": version("requests"),
        "taken": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def describe(timing: dict[str, object] | None) -> str:
    """A measurement for a table: `median (min-max)` in a readable unit, or a size."""
    if not timing:
        return "-"
    if "bytes" in timing:
        return f"{timing['bytes']} B"
    median, low, high = (float(timing[k]) for k in ("median_s", "min_s", "max_s"))  # type: ignore[arg-type]
    unit, scale = next(((u, f) for u, f in (("s", 1.0), ("ms", 1e3)) if median * f >= 1), ("µs", 1e6))
    return f"{_figure(median * scale)} {unit} ({_figure(low * scale)}-{_figure(high * scale)})"


def _figure(value: float) -> str:
    """Three significant digits, never in exponent notation."""
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"
