"""Fixtures for the tests that run stacks through the genuine Pulumi engine (see tests/support/engine.py).

In CI (`CI=true`) a CLI that cannot be had fails these tests; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CALL, KEY, engine_cli, in_ci


def _cli(yaml_host: bool) -> Path:
    try:
        return engine_cli(yaml_host=yaml_host)
    except SystemExit as err:
        if in_ci():
            pytest.fail(f"no Pulumi CLI for the engine tests: {err}")
        pytest.skip(f"no Pulumi CLI for the engine tests: {err}")


@pytest.fixture(scope="session")
def cli() -> Path:
    """The folder with `pulumi` and the dynamic provider's launcher."""
    return _cli(yaml_host=False)


@pytest.fixture(scope="session")
def yaml_cli() -> Path:
    """The same folder, with the YAML language host built too."""
    return _cli(yaml_host=True)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=KEY, calls=[CALL]) as running:
        yield running
