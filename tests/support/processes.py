"""Commands that tests start as processes: piped, stopped by a signal, and never left running."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.sipp import WAIT


@contextmanager
def piped_process(args: Sequence[str], cwd: Path | None = None) -> Iterator[subprocess.Popen[str]]:
    """The command running with its stdout and stderr piped as text; killed at the end if still running, so that a
    failed test leaves no process behind."""
    process = subprocess.Popen(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def stopped(process: subprocess.Popen[str], stop_signal: signal.Signals = signal.SIGTERM) -> tuple[str, str]:
    """Sends `stop_signal` and waits (at most WAIT) for the process to exit: what it printed, stdout and stderr."""
    process.send_signal(stop_signal)
    return process.communicate(timeout=WAIT)
