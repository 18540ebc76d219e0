"""How a command's main thread waits until SIGTERM or SIGINT asks it to stop."""

from __future__ import annotations

import signal
import time
from types import FrameType


class TerminationSignals:
    """Records SIGTERM and SIGINT from the moment it is made (make it before telling anyone the command is ready,
    so that a signal sent at once stops it cleanly instead of killing it), and waits for one.

    The handler only records the signal: it takes no lock. One that set a `threading.Event` could deadlock, since it
    runs in the main thread between two bytecodes, possibly while that thread holds the event's own lock inside
    `Event.wait` (seen: an emulator that ignored a second SIGTERM for good).
    """

    def __init__(self) -> None:
        self._received: list[int] = []
        signal.signal(signal.SIGTERM, self._record)
        signal.signal(signal.SIGINT, self._record)

    def _record(self, signum: int, _frame: FrameType | None) -> None:
        self._received.append(signum)

    def wait(self, poll: float = 0.2) -> int:
        """Blocks until a signal has arrived (or returns at once if one has); its number."""
        while not self._received:
            time.sleep(poll)
        return self._received[0]
