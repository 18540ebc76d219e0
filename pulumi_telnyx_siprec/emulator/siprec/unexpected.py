"""What a thread of the user agent does with an exception nobody expected (a bug): it shows, as an uncaught one would,
and the thread lives on, because the receive threads serve every session and a session's threads must end it."""

from __future__ import annotations

import sys
import threading


def report_unexpected() -> None:
    """Hands the exception being handled to `threading.excepthook` (stderr by default; a test's hook sees it), as if it
    had ended the thread, which it does not."""
    exc_type, exc_value, exc_traceback = sys.exc_info()
    if exc_type is None:
        return
    threading.excepthook(threading.ExceptHookArgs((exc_type, exc_value, exc_traceback, threading.current_thread())))
