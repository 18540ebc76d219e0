"""Delivers status callbacks in the background and records each outcome, never blocking an API answer.

One queue per worker, and a session's callbacks always go to the same worker: they arrive in order (started
before stopped) while different sessions' callbacks are delivered in parallel.
"""

from __future__ import annotations

import ipaddress
import queue
import threading
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit

from .state import CallbackEvent

QUEUE_SIZE = 128
"""Per worker."""
WORKERS = 2
TIMEOUT_SECONDS = 5.0


def is_loopback_host(url: str) -> bool:
    """True when the URL's host is loopback by name or address (no DNS lookup is made)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CallbackDispatcher:
    """A bounded queue and a few worker threads; `record` receives one entry per callback."""

    def __init__(self, record: Callable[[dict[str, Any]], None], *, allow_any_host: bool = False) -> None:
        self._record = record
        self._allow_any_host = allow_any_host
        self._queues: list[queue.Queue[CallbackEvent | None]] = [queue.Queue(maxsize=QUEUE_SIZE)
                                                                  for _ in range(WORKERS)]
        # Straight to the target: an http_proxy in the environment must not reroute a loopback delivery.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._workers = [threading.Thread(target=self._work, args=(q,), daemon=True, name=f"callbacks-{i}")
                         for i, q in enumerate(self._queues)]
        for worker in self._workers:
            worker.start()

    def submit(self, events: Iterable[CallbackEvent]) -> None:
        for event in events:
            if not self._allow_any_host and not is_loopback_host(event.url):
                self._outcome(event, delivered=False,
                              error="not delivered: not a loopback host (start the emulator with "
                                    "--allow-any-callback-host to deliver anywhere)")
                continue
            shard = zlib.crc32(event.fields["SiprecSid"].encode()) % len(self._queues)
            try:
                self._queues[shard].put_nowait(event)
            except queue.Full:
                self._outcome(event, delivered=False, error=f"not delivered: more than {QUEUE_SIZE} callbacks queued")

    def close(self) -> None:
        for pending in self._queues:
            pending.put(None)
        for worker in self._workers:
            worker.join(timeout=TIMEOUT_SECONDS + 1)

    def _work(self, pending: queue.Queue[CallbackEvent | None]) -> None:
        while True:
            event = pending.get()
            if event is None:
                return
            self._deliver(event)

    def _deliver(self, event: CallbackEvent) -> None:
        encoded = urlencode(event.fields)
        if event.method == "GET":
            separator = "&" if urlsplit(event.url).query else "?"
            # The URL passed the shared schema's http(s)-only rule when the session started.
            request = urllib.request.Request(event.url + separator + encoded, method="GET")  # noqa: S310
        else:
            request = urllib.request.Request(  # noqa: S310
                event.url, data=encoded.encode(), method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        try:
            with self._opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                self._outcome(event, delivered=200 <= response.status < 300, status=response.status)
        except urllib.error.HTTPError as err:
            self._outcome(event, delivered=False, status=err.code, error=f"answered {err.code}")
        except (urllib.error.URLError, OSError, ValueError) as err:
            self._outcome(event, delivered=False, error=f"{type(err).__name__}: {err}"[:300])

    def _outcome(self, event: CallbackEvent, *, delivered: bool, status: int | None = None,
                 error: str | None = None) -> None:
        self._record({
            "url": event.url, "method": event.method, "event": event.fields["SiprecEvent"],
            "siprec_sid": event.fields["SiprecSid"], "fields": dict(event.fields), "delivered": delivered,
            "status": status, "error": error, "at": datetime.now(timezone.utc).isoformat(),
        })
