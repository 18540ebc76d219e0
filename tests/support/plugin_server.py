"""The provider plugin in a subprocess, started as the engine starts `pulumi-resource-telnyx-siprec <engine
address>`, and called over gRPC with the engine's protobuf messages."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from pulumi_telnyx_siprec.resources.spec import PACKAGE
from tests.support.provider_server import ProviderServer, deserialize, python_module_command, serialize

SESSION = f"{PACKAGE}:index:SiprecSession"
CONNECTOR = f"{PACKAGE}:index:SiprecConnector"
CALL = f"{PACKAGE}:index:TexmlCall"

@dataclass
class PluginServer(ProviderServer):
    """The plugin in a subprocess, started as the engine starts `pulumi-resource-telnyx-siprec <engine address>`;
    the calls of `ProviderServer` apply, with camelCase properties and no `__provider`."""

    type_token: str = SESSION

    if TYPE_CHECKING:
        def __enter__(self) -> PluginServer: ...

    def command(self) -> list[str]:
        return [*python_module_command("pulumi_telnyx_siprec.plugin", self.log_level), "127.0.0.1:0",
                "--logtostderr", "-v=9"]

    def configure(self, config: Mapping[str, Any], secret_keys: tuple[str, ...] = ("apiKey",)) -> None:
        """Sends provider config as the engine does: `args` by bare name (secrets wrapped) and the older
        `variables` keyed `telnyx-siprec:config:<name>`."""
        args = {k: (rpc.wrap_rpc_secret(v) if k in secret_keys else v) for k, v in config.items()}
        self.configure_response = self._call("Configure", provider_pb2.ConfigureRequest(
            variables={f"{PACKAGE}:config:{k}": str(v) for k, v in config.items()}, args=serialize(args),
            acceptSecrets=True, acceptResources=True,
        ))

    def create_preview(self, props: Mapping[str, Any], name: str = "res") -> tuple[str, dict[str, Any]]:
        response = self._call("Create", provider_pb2.CreateRequest(urn=self.urn(name), properties=serialize(props),
                                                                    preview=True))
        return response.id, deserialize(response.properties)

    def update_preview(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        response = self._call("Update", provider_pb2.UpdateRequest(
            id=id_, urn=self.urn(), olds=serialize(olds), news=serialize(news), preview=True))
        return deserialize(response.properties)

    def diff_response(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        return self._call("Diff", provider_pb2.DiffRequest(id=id_, urn=self.urn(), olds=serialize(olds),
                                                            news=serialize(news)))

    def create_future(self, props: Mapping[str, Any], name: str) -> Any:
        return self.stub.Create.future(
            provider_pb2.CreateRequest(urn=self.urn(name), properties=serialize(props)), timeout=120)

    def schema(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self._call("GetSchema", provider_pb2.GetSchemaRequest(version=0)).schema)
        return result

    def typed(self, type_token: str) -> PluginServer:
        """This server, with calls aimed at another resource type."""
        self.type_token = type_token
        return self
