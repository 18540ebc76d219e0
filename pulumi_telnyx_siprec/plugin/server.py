"""Serves the provider over gRPC as a Pulumi plugin: the SDK's servicer, with our errors shown as their message.

The SDK's servicer (`pulumi.provider.experimental.server`) turns any exception into its message followed by a
stack trace. For a `ReportedError` the user needs the message alone, so each RPC is wrapped: the SDK raises its own
exception while handling ours (ours is its `__context__`), and the wrapper aborts the call with our message.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc  # type: ignore[import-untyped]
import grpc.aio  # type: ignore[import-untyped]
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from .._version import __version__
from .provider import PluginProvider, ReportedError


def reported_error(err: BaseException) -> ReportedError | None:
    """The `ReportedError` that `err` is, or was raised while handling."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ReportedError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


REPORTING_RPCS = ("Configure", "GetSchema", "CheckConfig", "DiffConfig", "Check", "Diff", "Create", "Read", "Update",
                  "Delete")


def _reporting(name: str) -> Callable[[ProviderServicer, Any, Any], Awaitable[Any]]:
    """The SDK servicer's RPC `name`, with a `ReportedError` sent as a status whose details are its message."""
    sdk_rpc = getattr(ProviderServicer, name)

    async def rpc(self: ProviderServicer, request: Any, context: Any) -> Any:
        try:
            return await sdk_rpc(self, request, context)
        except grpc.aio.AbortError:
            raise
        except Exception as err:
            ours = reported_error(err)
            if ours is None:
                raise
            await context.abort(grpc.StatusCode.UNKNOWN, str(ours))

    rpc.__name__ = rpc.__qualname__ = name
    return rpc


class Servicer(ProviderServicer):
    """The SDK's servicer; an error of ours reaches the engine as our message, with no traceback."""


for _name in REPORTING_RPCS:
    setattr(Servicer, _name, _reporting(_name))


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The engine starts a plugin as `pulumi-resource-<name> <engine address> [logging flags]`."""
    parser = argparse.ArgumentParser(prog="pulumi-resource-telnyx-siprec",
                                     description="Pulumi resource provider plugin for Telnyx SIPREC (gRPC server).")
    parser.add_argument("engine", nargs="?", default="", help="the Pulumi engine's address (given by the engine)")
    known, _ = parser.parse_known_args(argv)  # the engine may add flags such as --logtostderr or -v=9
    return known


async def serve(argv: Sequence[str], provider: PluginProvider | None = None) -> None:
    """Serves until terminated; the first line on stdout is the port, which is how the engine finds it."""
    args = parse_args(argv)
    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
    servicer = Servicer(list(argv), __version__, provider or PluginProvider(), engine_address=args.engine)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await server.wait_for_termination()


def run(argv: Sequence[str]) -> None:
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C when run by hand: stop without a traceback
        asyncio.run(serve(argv))
