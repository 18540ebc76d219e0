"""Delivers status callbacks in the background and records each outcome, never blocking an API answer.

One queue per worker, and a session's callbacks always go to the same worker: they arrive in order (started
before stopped) while different sessions' callbacks are delivered in parallel.

As Telnyx sends them (docs/telnyx-api.md section 7): form-encoded fields, signed with Ed25519 over
`{telnyx-timestamp}|{body}` (header `telnyx-signature-ed25519`, base64; `telnyx-timestamp` in Unix seconds), and
any answer but 200 makes one more attempt at the failover URL, when one is configured, not at the same URL.
"""

from __future__ import annotations

import base64
import ipaddress
import queue
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit

from .state import CallbackEvent, PartEvent

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


class CallbackSigner:
    """An Ed25519 key made at start; receivers verify with `public_key` (base64 of the raw 32 bytes, as Telnyx's
    portal shows its key). Needs the `cryptography` package (the `emulator` extra)."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self._key = Ed25519PrivateKey.generate()
        raw = self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode()

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    @classmethod
    def if_available(cls) -> CallbackSigner | None:
        """A signer, or None when `cryptography` is not installed (callbacks then go unsigned)."""
        try:
            return cls()
        except ImportError:
            return None


def signature_headers(signer: CallbackSigner | None, body: bytes, now: Callable[[], float] = time.time
                      ) -> dict[str, str]:
    """The `telnyx-timestamp` and `telnyx-signature-ed25519` headers for a body (none without a signer)."""
    if signer is None:
        return {}
    timestamp = str(int(now()))
    signature = signer.sign(timestamp.encode() + b"|" + body)
    return {"telnyx-timestamp": timestamp, "telnyx-signature-ed25519": base64.b64encode(signature).decode()}


class JsonWebhook(PartEvent):
    """A Call Control webhook to deliver: a JSON body POSTed to `url`, signed as status callbacks are. `shard` (the
    call's id) keeps one call's webhooks in order."""

    def __init__(self, url: str, body: bytes, *, event_type: str, shard: str) -> None:
        self.url = url
        self.body = body
        self.event_type = event_type
        self.shard = shard

    def request(self, url: str, signer: CallbackSigner | None) -> urllib.request.Request:
        # The URL passed the shared schema's http(s)-only rule (or is the emulator's own default).
        return urllib.request.Request(url, data=self.body, method="POST",  # noqa: S310
                                      headers={"Content-Type": "application/json",
                                               **signature_headers(signer, self.body)})

    def record(self) -> dict[str, Any]:
        return {"event": self.event_type, "call_control_id": self.shard, "body": self.body.decode()}


Delivery = CallbackEvent | JsonWebhook


class CallbackDispatcher:
    """A bounded queue and a few worker threads; `record` receives one entry per delivery attempt."""

    def __init__(self, record: Callable[[dict[str, Any]], None], *, allow_any_host: bool = False,
                 signer: CallbackSigner | None = None, failover_url: str | None = None) -> None:
        self._record = record
        self._allow_any_host = allow_any_host
        self.signer = signer
        self._failover_url = failover_url
        self._queues: list[queue.Queue[Delivery | None]] = [queue.Queue(maxsize=QUEUE_SIZE)
                                                                  for _ in range(WORKERS)]
        # Straight to the target: an http_proxy in the environment must not reroute a loopback delivery.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._workers = [threading.Thread(target=self._work, args=(q,), daemon=True, name=f"callbacks-{i}")
                         for i, q in enumerate(self._queues)]
        for worker in self._workers:
            worker.start()

    def submit(self, events: Iterable[Delivery]) -> None:
        for event in events:
            key = event.shard if isinstance(event, JsonWebhook) else event.fields["SiprecSid"]
            shard = zlib.crc32(key.encode()) % len(self._queues)
            try:
                self._queues[shard].put_nowait(event)
            except queue.Full:
                self._outcome(event, event.url, delivered=False,
                              error=f"not delivered: more than {QUEUE_SIZE} callbacks queued")

    def close(self) -> None:
        for pending in self._queues:
            pending.put(None)
        for worker in self._workers:
            worker.join(timeout=TIMEOUT_SECONDS + 1)

    def _work(self, pending: queue.Queue[Delivery | None]) -> None:
        while True:
            event = pending.get()
            if event is None:
                return
            self._deliver(event)

    def _deliver(self, event: Delivery) -> None:
        if not self._attempt(event, event.url) and self._failover_url:
            self._attempt(event, self._failover_url, failover=True)

    def _attempt(self, event: Delivery, url: str, failover: bool = False) -> bool:
        """One delivery to `url`; True when it answered 200 (anything else counts as failed, as at Telnyx)."""
        if not self._allow_any_host and not is_loopback_host(url):
            self._outcome(event, url, delivered=False, failover=failover,
                          error="not delivered: not a loopback host (start the emulator with "
                                "--allow-any-callback-host to deliver anywhere)")
            return False
        if isinstance(event, JsonWebhook):
            request = event.request(url, self.signer)
        elif event.method == "GET":
            encoded = urlencode(event.fields)
            separator = "&" if urlsplit(url).query else "?"
            # The URL passed the shared schema's http(s)-only rule when the session started.
            request = urllib.request.Request(url + separator + encoded, method="GET",  # noqa: S310
                                             headers=signature_headers(self.signer, b""))
        else:
            body = urlencode(event.fields).encode()
            request = urllib.request.Request(  # noqa: S310
                url, data=body, method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", **signature_headers(self.signer, body)},
            )
        try:
            with self._opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                delivered: bool = response.status == 200
                self._outcome(event, url, delivered=delivered, status=response.status, failover=failover,
                              error=None if delivered else f"answered {response.status}")
                return delivered
        except urllib.error.HTTPError as err:
            self._outcome(event, url, delivered=False, status=err.code, error=f"answered {err.code}",
                          failover=failover)
        except (urllib.error.URLError, OSError, ValueError) as err:
            self._outcome(event, url, delivered=False, error=f"{type(err).__name__}: {err}"[:300], failover=failover)
        return False

    def _outcome(self, event: Delivery, url: str, *, delivered: bool, status: int | None = None,
                 error: str | None = None, failover: bool = False) -> None:
        what = event.record() if isinstance(event, JsonWebhook) else {
            "method": event.method, "event": event.fields["SiprecEvent"], "siprec_sid": event.fields["SiprecSid"],
            "fields": dict(event.fields)}
        self._record({
            "url": url, "method": "POST", **what, "delivered": delivered, "status": status, "error": error,
            "failover": failover, "at": datetime.now(timezone.utc).isoformat(),
        })
