"""The faults the reliability matrix injects into the emulator, by name: what Telnyx (or the network) may do to a
request. The fault matrix (tests/test_reliability.py) and the parity matrix (tests/test_parity.py) share them."""

from __future__ import annotations

from typing import Any

READ_TIMEOUT = 0.3
"""The provider's read timeout in these tests: the slow answer waits twice as long."""

FAULTS: dict[str, dict[str, Any]] = {
    "429 with Retry-After": {"kind": "status", "status": 429, "headers": {"Retry-After": "1"}},
    "429 with only x-ratelimit-reset": {"kind": "status", "status": 429, "headers": {
        "x-ratelimit-limit": "20", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "0.2"}},
    "500": {"kind": "status", "status": 500},
    "502": {"kind": "status", "status": 502},
    "503": {"kind": "status", "status": 503},
    "slow answer past the read timeout": {"kind": "delay", "seconds": READ_TIMEOUT * 2},
    "dropped before the request was read": {"kind": "drop", "process": False},
    "dropped after the request was carried out": {"kind": "drop", "process": True},
    "malformed JSON body": {"kind": "malformed"},
    "HTML body with a 200": {"kind": "html", "status": 200},
    "200 without sid": {"kind": "missing_sid"},
}
