"""A SIPREC connector's operations: create, read back (drift shows), update in place, delete."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...client.errors import ConnectorMayExistError, NotFoundError
from ..operations import Created, Found, ResourceOperations
from .spec import SPEC

if TYPE_CHECKING:
    from ...client.models import ConnectorInfo

log = logging.getLogger("pulumi_telnyx_siprec.connector")


def _output_values(info: ConnectorInfo) -> dict[str, Any]:
    return {name: getattr(info, name) for name in SPEC.output_names}


class ConnectorOperations(ResourceOperations):
    """Its name is its id: changing it replaces the connector; `host`, `port` and `app_subdomain` change in place.
    `read` fetches the connector, so `pulumi refresh` shows changes made outside Pulumi."""

    spec = SPEC

    def create(self, props: Mapping[str, Any]) -> Created:
        """Creates the connector; the outputs are the checked inputs plus what Telnyx added."""
        inputs = self.checked(props)
        try:
            with self.explained_errors():
                info = self.client().create_connector(self.inputs.to_json(inputs))
        except ConnectorMayExistError as err:
            raise ConnectorMayExistError(f"{err}. Run `pulumi up` again: it adopts the connector if it was created "
                                         "with these settings") from None
        return Created(info.name, self.outputs_of(inputs, _output_values(info)))

    def read(self, id_: str, props: Mapping[str, Any]) -> Found | None:  # noqa: ARG002
        """Fetches the connector: outputs and inputs come from Telnyx, so drift shows; gone means None."""
        try:
            with self.explained_errors():
                info = self.client().get_connector(id_)
        except NotFoundError:
            log.info("SIPREC connector %s no longer exists", id_)
            return None
        inputs = {name: getattr(info, name) for name in self.inputs.names if getattr(info, name) is not None}
        outputs = {**inputs, **{k: v for k, v in _output_values(info).items() if v is not None}}
        return Found(info.name, outputs, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:  # noqa: ARG002
        """PUTs the connector with create's body (`name`, `host`, `port` all required by the API, and
        `app_subdomain` when set); returns complete outputs."""
        inputs = self.checked(news)
        with self.explained_errors():
            info = self.client().update_connector(id_, self.inputs.to_json(inputs))
        return self.outputs_of(inputs, {**_output_values(info), "app_subdomain": info.app_subdomain})

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:  # noqa: ARG002
        """Deletes the connector; one already gone counts as deleted."""
        try:
            with self.explained_errors():
                self.client().delete_connector(id_)
        except NotFoundError:
            log.info("SIPREC connector %s was already gone", id_)
