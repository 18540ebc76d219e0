"""What the SIP tests share: the rule for SIPp (a test that needs it fails under CI=true without it, and is skipped
elsewhere), a user agent, and a recording request. Running SIPp is the package's (`emulator.srs`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest

from pulumi_telnyx_siprec.emulator.siprec import RecordingRequest, SiprecUserAgent
from pulumi_telnyx_siprec.emulator.srs.sipp import INSTALL_HINT, sipp_binary

WAIT = 10.0
"""Upper bound of every wait in the SIP tests: only reached when something is broken."""


def require_sipp() -> str:
    """The sipp binary; without it the test fails under CI (CI=true), and is skipped elsewhere."""
    binary = sipp_binary()
    if binary:
        return binary
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{INSTALL_HINT}; CI must have it")
    pytest.skip(INSTALL_HINT)


@pytest.fixture
def sipp() -> str:
    return require_sipp()


@pytest.fixture
def agent() -> Iterator[SiprecUserAgent]:
    with SiprecUserAgent(invite_timeout=5.0) as running:
        yield running


def recording_request(port: int, **changes: object) -> RecordingRequest:
    """A recording request to an SRS on 127.0.0.1:`port`, with `changes` to its fields."""
    fields: dict[str, object] = {
        "session_sid": "3f1c2d4e-0000-4000-8000-000000000001", "call_sid": "v3:test-call", "caller": "+15551230001",
        "callee": "+15551230002", "srs_host": "127.0.0.1", "srs_port": port,
    }
    fields.update(changes)
    return RecordingRequest(**fields)  # type: ignore[arg-type]


def wait_until(condition: Callable[[], bool], timeout: float = WAIT) -> bool:
    """Polls `condition` until it holds (True) or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
