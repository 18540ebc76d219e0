"""The tests' rule for SIPp: a test that needs it fails under CI (CI=true) without it, and is skipped elsewhere.

Running SIPp is the package's (`pulumi_telnyx_siprec.emulator.sipp`, `local_srs`).
"""

from __future__ import annotations

import os

import pytest

from pulumi_telnyx_siprec.emulator.sipp import INSTALL_HINT, sipp_binary


def require_sipp() -> str:
    """The sipp binary; without it the test fails under CI (CI=true), and is skipped elsewhere."""
    binary = sipp_binary()
    if binary:
        return binary
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{INSTALL_HINT}; CI must have it")
    pytest.skip(INSTALL_HINT)
