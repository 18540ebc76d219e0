"""The engine benchmark's no-op floors store what a real session stores: the same property names, of the same types.

The engine writes a stack's whole state at every step, so its cost grows with what each resource holds; a floor
that held less would put part of the engine's own cost on the real provider's side of the ratio.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pulumi
import pytest

from pulumi_telnyx_siprec import SiprecSessionProvider, native
from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.plugin_server import PluginServer
from tests.support.samples import ACCOUNT_SID, API_KEY

PROGRAMS = Path(__file__).resolve().parents[1] / "benchmarks" / "engine_programs"
CALL = "v3:benchmark-floor-call"
INPUTS = {"accountSid": ACCOUNT_SID, "callSid": CALL, "connectorName": "my-srs", "track": "both_tracks"}
"""What every resource of the benchmark's stacks is given (see `benchmarks/engine.py`)."""


def shape(values: Mapping[str, Any]) -> dict[str, str]:
    """Each property's name and the type of its value."""
    return {name: type(value).__name__ for name, value in values.items()}


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the SDK resolves a resource class's annotations in its module's globals
    spec.loader.exec_module(module)
    return module


@dataclass
class NoopPluginServer(PluginServer):
    """The no-op plugin, started as the engine starts it, with calls aimed at its resource type."""

    type_token: str = "siprec-noop:index:Session"

    def command(self) -> list[str]:
        return [sys.executable, "-u", str(PROGRAMS / "noop_plugin.py"), "127.0.0.1:0"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(calls=[CALL]) as running:
        yield running


def test_the_plugin_floor_stores_a_real_sessions_properties(emulator: Emulator) -> None:
    with PluginServer() as real:
        real.configure({"apiKey": API_KEY, "baseUrl": emulator.base_url})
        real_inputs, failures = real.check(INPUTS)
        assert failures == []
        _, real_outputs = real.create(real_inputs)
    with NoopPluginServer() as noop:
        noop.configure({"apiKey": API_KEY, "baseUrl": emulator.base_url})
        noop_inputs, failures = noop.check(INPUTS)
        assert failures == []
        _, noop_outputs = noop.create(noop_inputs)
    assert shape(noop_inputs) == shape(real_inputs)
    assert shape(noop_outputs) == shape(real_outputs)
    assert len(noop_outputs["uri"]) == len(real_outputs["uri"])


def test_the_dynamic_floor_stores_a_real_sessions_properties(emulator: Emulator, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", API_KEY)
    monkeypatch.setenv("TELNYX_BASE_URL", emulator.base_url)
    given = {"account_sid": ACCOUNT_SID, "call_sid": CALL, "connector_name": "my-srs", "track": "both_tracks"}
    real = SiprecSessionProvider()
    real_inputs = real.check({}, given).inputs
    real_outputs = real.create(real_inputs).outs
    assert real_outputs is not None
    noop = load(PROGRAMS / "python" / "benchmark_noop.py").NoopProvider()
    noop_inputs = noop.check({}, given).inputs
    noop_outputs = noop.create(noop_inputs).outs
    assert shape(noop_inputs) == shape(real_inputs)
    assert shape(noop_outputs) == shape(real_outputs)
    assert len(noop_outputs["uri"]) == len(real_outputs["uri"])


class Registrations(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.inputs: list[dict[str, Any]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.inputs.append(dict(args.inputs))
        return "id", dict(args.inputs)

    def call(self, _args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def test_the_native_floor_is_declared_as_a_native_session_is() -> None:
    """The Python program's native floor sends what a native SiprecSession sends, under the same names."""
    mocks = Registrations()
    pulumi.runtime.set_mocks(mocks, project="floors", stack="test", preview=False)
    noop = load(PROGRAMS / "python" / "benchmark_noop.py")
    given = {"account_sid": ACCOUNT_SID, "call_sid": CALL, "connector_name": "my-srs", "track": "both_tracks"}

    def register() -> Any:
        real = native.SiprecSession("real", native.SiprecSessionArgs(
            account_sid=ACCOUNT_SID, call_sid=CALL, connector_name="my-srs", track="both_tracks"))
        floor = noop.NativeNoopSession("floor", **given)
        return pulumi.Output.all(real.urn, floor.urn)

    runtime_test: Callable[[Callable[[], Any]], Callable[[], None]] = pulumi.runtime.test
    runtime_test(register)()
    assert mocks.inputs[0] == mocks.inputs[1] == INPUTS
