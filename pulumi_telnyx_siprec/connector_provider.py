"""SiprecConnectorProvider: Pulumi's resource operations for a SIPREC connector, as Telnyx client calls."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from .connector_schema import CONNECTOR_OUTPUTS, CONNECTOR_SCHEMA, REPLACED_ON
from .errors import NotFoundError
from .provider_base import TelnyxProvider

if TYPE_CHECKING:
    from .models import ConnectorInfo

log = logging.getLogger(__name__)


def _output_values(info: ConnectorInfo) -> dict[str, Any]:
    return {name: getattr(info, name) for name in CONNECTOR_OUTPUTS}


class SiprecConnectorProvider(TelnyxProvider):
    """Creates, reads, updates and deletes a Telnyx SIPREC connector (where a session's media goes).

    Its name is its id: changing it replaces the connector; `host`, `port` and `app_subdomain` change in place.
    `read` fetches the connector, so `pulumi refresh` shows changes made outside Pulumi.
    """

    schema = CONNECTOR_SCHEMA
    outputs = CONNECTOR_OUTPUTS

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compares inputs only; a new name replaces (the new connector is created first), the rest updates."""
        changed = self.changed_inputs(olds, news)
        return DiffResult(
            changes=bool(changed),
            replaces=[name for name in changed if name in REPLACED_ON],
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Creates the connector; the outputs are the checked inputs plus what Telnyx added."""
        inputs = self.checked(props)
        with self.explained_errors():
            info = self.client().create_connector(self.schema.to_json(inputs))
        return CreateResult(info.name, self.outputs_of(inputs, _output_values(info)))

    def read(self, id_: str, _props: dict[str, Any]) -> ReadResult:
        """Fetches the connector: outputs and inputs come from Telnyx, so drift shows; gone means id ""."""
        try:
            with self.explained_errors():
                info = self.client().get_connector(id_)
        except NotFoundError:
            log.info("SIPREC connector %s no longer exists", id_)
            return ReadResult("", {})
        inputs = {name: getattr(info, name) for name in self.schema.names if getattr(info, name) is not None}
        return ReadResult(info.name, {**inputs, **{k: v for k, v in _output_values(info).items() if v is not None}},
                          inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Changes `host`, `port` and `app_subdomain` in place; returns complete outputs."""
        inputs = self.checked(news)
        body = self.schema.to_json(inputs)
        body.pop("name", None)
        # A PUT replaces the settings: an optional input the program no longer sets is cleared, not kept.
        body.setdefault("app_subdomain", None)
        with self.explained_errors():
            info = self.client().update_connector(id_, body)
        return UpdateResult(self.outputs_of(inputs, _output_values(info)))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Deletes the connector; one already gone counts as deleted."""
        try:
            with self.explained_errors():
                self.client().delete_connector(id_)
        except NotFoundError:
            log.info("SIPREC connector %s was already gone", id_)
