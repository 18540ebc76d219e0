from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from pulumi_telnyx_siprec.configuration.settings import ALL_SETTINGS

# The SIP tests' fixtures (`sipp`, `agent`).
pytest_plugins = ["tests.support.sipp"]


@pytest.fixture(autouse=True)
def _no_telnyx_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own Telnyx settings."""
    for setting in ALL_SETTINGS:
        monkeypatch.delenv(setting.env_var, raising=False)


ENGINE_TESTS = Path(__file__).parent / "engine"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/engine/ runs the genuine engine: it is marked `engine`."""
    for item in items:
        if ENGINE_TESTS in item.path.parents:
            item.add_marker(pytest.mark.engine)


# Tests stay deterministic: the same generated cases on every run. `HYPOTHESIS_PROFILE=explore` searches afresh.
settings.register_profile("default", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
