"""Drives the real dynamic provider server (`python -m pulumi.dynamic`) over gRPC, as the Pulumi engine does.

Nothing of the protocol is re-implemented here: requests are the engine's protobuf messages, properties are
serialized with the SDK's own `rpc` helpers, and the server is the SDK's, in a subprocess.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc  # type: ignore[import-untyped]
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

PROVIDER_KEY = "__provider"
UNKNOWN = rpc.UNKNOWN
"""Send this as a property value for a value Pulumi does not know yet (Check and Diff during preview)."""


_WITH_LOGGING = (
    "import logging, runpy; logging.basicConfig(level=logging.{level}); "
    "runpy.run_module('{module}', run_name='__main__', alter_sys=True)"
)


def python_module_command(module: str, log_level: str | None) -> list[str]:
    """`python -u -m module`, or with a log level the same module run with Python logging to stderr."""
    if log_level:
        return [sys.executable, "-u", "-c", _WITH_LOGGING.format(level=log_level, module=module)]
    return [sys.executable, "-u", "-m", module]


def serialize(props: Mapping[str, Any]) -> struct_pb2.Struct:
    # A private loop: asyncio.run would leave the thread without a current loop, which Pulumi's mocks need.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def deserialize(struct: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


class ProviderCallError(Exception):
    """A provider RPC failed; `details` is the traceback text the engine would show, `last_line` its summary."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self.code = code
        self.details = details
        lines = [line for line in details.strip().splitlines() if line.strip()]
        self.last_line = lines[-1] if lines else ""


@dataclass
class DiffOutcome:
    changes: bool | None
    replaces: list[str]
    delete_before_replace: bool


@dataclass
class ProviderServer:
    """One provider server process. Call `configure` first, as the engine does.

    `provider` and `type_token` are defaults for the calls: the `__provider` added to properties that have none,
    and the type in URNs. `calls` lists every RPC made, in order.
    """

    provider: ResourceProvider | None = None
    type_token: str = "pulumi-python:dynamic:Resource"
    env: Mapping[str, str] = field(default_factory=dict)
    project: str = "siprec-tests"
    stderr_lines: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    log_level: str | None = None
    """With a level (e.g. "DEBUG"), the server's Python logging goes to stderr, where the engine collects a
    plugin's logs; the server itself is the same module either way."""

    def command(self) -> list[str]:
        """How the engine starts this server: the dynamic provider's, here; the plugin's in tests/test_plugin.py."""
        return [*python_module_command("pulumi.dynamic", self.log_level), "127.0.0.1:0"]

    def __post_init__(self) -> None:
        self.serialized_provider = serialize_provider(self.provider) if self.provider is not None else None
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELNYX_")}
        env.update(self.env)
        env["PULUMI_PROJECT"] = self.project
        self._process = subprocess.Popen(
            self.command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        # Drained continuously: a full stderr pipe would block the server mid-call.
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()
        port = self._read_port(timeout=60)
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self._channel).result(timeout=30)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    def _drain_stderr(self) -> None:
        assert self._process.stderr is not None
        for line in iter(self._process.stderr.readline, b""):
            self.stderr_lines.append(line.decode(errors="replace"))

    def _read_port(self, timeout: float) -> int:
        assert self._process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            self.close()
            raise RuntimeError(f"provider server printed no port within {timeout} s: {self.stderr_text()}")
        line = self._process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.close()
            raise RuntimeError(f"provider server printed {line!r} instead of a port: {self.stderr_text()}")
        return int(line)

    @property
    def pid(self) -> int:
        return self._process.pid

    def urn(self, name: str = "res") -> str:
        return f"urn:pulumi:test::{self.project}::{self.type_token}::{name}"

    def with_provider(self, props: Mapping[str, Any]) -> dict[str, Any]:
        if PROVIDER_KEY in props or self.serialized_provider is None:
            return dict(props)
        return {**props, PROVIDER_KEY: self.serialized_provider}

    def _call(self, method: str, request: Any) -> Any:
        self.calls.append(method)
        try:
            return getattr(self.stub, method)(request, timeout=120)
        except grpc.RpcError as err:
            raise ProviderCallError(err.code(), err.details() or "") from None

    def configure(self, config: Mapping[str, str], secret_keys: tuple[str, ...] = ("telnyx:apiKey",)) -> None:
        """Sends stack config as the engine does: namespaced keys, secrets wrapped as secret values."""
        args = {k: (rpc.wrap_rpc_secret(v) if k in secret_keys else v) for k, v in config.items()}
        self._call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables=dict(config), args=serialize(args), acceptSecrets=True, acceptResources=True
            ),
        )

    def check(self, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None, name: str = "res",
              urn: str | None = None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self._call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn or self.urn(name), olds=serialize(self.with_provider(olds) if olds else {}),
                news=serialize(self.with_provider(news)),
            ),
        )
        return deserialize(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any], name: str = "res",
             urn: str | None = None) -> DiffOutcome:
        response = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_, urn=urn or self.urn(name), olds=serialize(self.with_provider(olds)),
                news=serialize(self.with_provider(news)),
            ),
        )
        changes = {
            provider_pb2.DiffResponse.DIFF_SOME: True,
            provider_pb2.DiffResponse.DIFF_NONE: False,
        }.get(response.changes)
        return DiffOutcome(changes, list(response.replaces), response.deleteBeforeReplace)

    def create(self, props: Mapping[str, Any], name: str = "res", urn: str | None = None
               ) -> tuple[str, dict[str, Any]]:
        response = self._call(
            "Create",
            provider_pb2.CreateRequest(urn=urn or self.urn(name), properties=serialize(self.with_provider(props))),
        )
        return response.id, deserialize(response.properties)

    def read(self, id_: str, props: Mapping[str, Any], inputs: Mapping[str, Any] | None = None,
             name: str = "res", urn: str | None = None) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self._call(
            "Read",
            provider_pb2.ReadRequest(
                id=id_, urn=urn or self.urn(name), properties=serialize(self.with_provider(props)),
                inputs=serialize(self.with_provider(inputs or {})),
            ),
        )
        return response.id, deserialize(response.properties), deserialize(response.inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any], name: str = "res",
               urn: str | None = None) -> dict[str, Any]:
        response = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_, urn=urn or self.urn(name), olds=serialize(self.with_provider(olds)),
                news=serialize(self.with_provider(news)),
            ),
        )
        return deserialize(response.properties)

    def delete(self, id_: str, props: Mapping[str, Any], name: str = "res", urn: str | None = None) -> None:
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id_, urn=urn or self.urn(name), properties=serialize(self.with_provider(props))
            ),
        )

    def stderr_text(self) -> str:
        """What the server wrote to stderr (logs, warnings); complete once `close` has returned."""
        return "".join(self.stderr_lines)

    def close(self) -> None:
        if getattr(self, "_channel", None) is not None:
            self._channel.close()
        if self._process.poll() is None:
            self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr_reader.join(timeout=10)
        for pipe in (self._process.stdout, self._process.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> ProviderServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
