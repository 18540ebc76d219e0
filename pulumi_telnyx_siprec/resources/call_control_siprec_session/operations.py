"""A Call Control SIPREC session's operations: `siprec_start` (create), `siprec_stop` (delete), and refresh by
reading its call's status. Telnyx addresses the session by its call alone (docs/telnyx-api.md section 10)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...client.errors import (
    CallNotAnsweredYetError,
    InvalidRequestError,
    NotFoundError,
    TelnyxError,
)
from ...telnyx_api import SECURE_PORT
from ...validation import never_unknown
from ..operations import Created, Found, InputError, IsUnknown, Plan, PollingOperations
from .spec import SPEC

if TYPE_CHECKING:
    from ...client.telnyx_client import TelnyxClient

log = logging.getLogger("pulumi_telnyx_siprec.call_control_session")

ANSWER_WAIT_SECONDS = 30.0
"""How long a start refused with 90034 (the call is not answered yet) is sent again: nothing was started, so
repeating it is safe."""
POLL_SECONDS = 0.5


class CallEndedError(TelnyxError):
    """The session's call has ended (or Telnyx does not know it), so no session can start on it."""


class CallControlSessionOperations(PollingOperations):
    """Every input change replaces the session. On the same call the old session is stopped first: `siprec_stop`
    names no session, so stopping the old one after the new one started would stop the new one (or Telnyx would
    have refused the second start). On another call the new session starts first, as on the TeXML side."""

    spec = SPEC

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any], is_unknown: IsUnknown = never_unknown
             ) -> Plan:
        plan = super().diff(olds, news, is_unknown)
        if not plan.replaces:
            return plan
        new_call = news.get("call_control_id")
        moves_call = ("call_control_id" in plan.changed and isinstance(new_call, str) and not is_unknown(new_call))
        return Plan(plan.changed, plan.replaces, delete_before_replace=not moves_call)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Starts the session (waiting for a call not answered yet); the outputs are the checked inputs, Telnyx's
        `result`, and the call's leg and session ids when its status can be read."""
        inputs = self.checked(props)
        call_control_id = inputs["call_control_id"]
        client = self.client()
        if inputs["secure"] and inputs.get("connector_name"):
            self._check_secure_port(client, inputs["connector_name"])
        body = self.inputs.to_json(inputs)
        deadline = self._clock() + ANSWER_WAIT_SECONDS
        while True:
            try:
                with self.explained_errors():
                    result = client.start_call_siprec(call_control_id, body)
                break
            except NotFoundError as err:
                raise CallEndedError(
                    f"{err}; call {call_control_id!r} has ended or Telnyx does not know it: a SIPREC session needs a "
                    "live call; place a new call and set `call_control_id` to it"
                ) from None
            except CallNotAnsweredYetError as err:
                if self._clock() >= deadline:
                    raise TelnyxError(
                        f"{err}; call {call_control_id!r} was still not answered after {ANSWER_WAIT_SECONDS:g} s: "
                        "a SIPREC session needs an answered call; check that the call's `to` answers"
                    ) from None
                self._sleep(POLL_SECONDS)
        returned: dict[str, Any] = {"result": result}
        try:
            call = client.call_status(call_control_id)
        except TelnyxError as err:  # the session runs: its ids are only a convenience
            log.warning("SIPREC session started on call %s; its status could not be read: %s", call_control_id, err)
        else:
            returned.update(call_leg_id=call.call_leg_id, call_session_id=call.call_session_id)
        return Created(call_control_id, self.outputs_of(inputs, returned))

    def _check_secure_port(self, client: TelnyxClient, connector_name: str) -> None:
        with self.explained_errors():
            try:
                connector = client.get_connector(connector_name)
            except NotFoundError:
                raise InputError(
                    f"property `connector_name`: Telnyx has no SIPREC connector named {connector_name!r}; create it "
                    "(a `SiprecConnector`) or correct the name"
                ) from None
        if connector.port != SECURE_PORT:
            raise InputError(
                f"property `secure`: connector {connector_name!r} has port {connector.port}; a secure session (SRTP "
                f"and TLS) needs the connector's port to be {SECURE_PORT}: set its port to {SECURE_PORT}, or set "
                "`secure` to false"
            )

    def read(self, id_: str, props: Mapping[str, Any]) -> Found | None:
        """Keeps the session while its call is alive (its ids refreshed); gone once the call has ended."""
        outs, inputs = self.stored_state(props)
        try:
            call = self.read_unless_gone(lambda client: client.call_status(id_))
        except TelnyxError as err:
            raise TelnyxError(
                f"refresh of the SIPREC session on call {id_!r} could not tell whether the call is still live: {err}"
            ) from None
        if call is None:
            log.info("call %s is gone, and its SIPREC session with it", id_)
            return None
        if not call.answered:
            log.info("call %s is no longer alive, and its SIPREC session ended with it", id_)
            return None
        ids = {k: v for k, v in (("call_leg_id", call.call_leg_id), ("call_session_id", call.call_session_id)) if v}
        return Found(id_, {**outs, **ids}, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:  # noqa: ARG002
        """Unreachable while `diff` replaces on every change (Telnyx cannot change a running session); returns the
        outputs as they are, so the next diff proposes the replacement."""
        return self.unchanged_outputs(olds, news)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:  # noqa: ARG002
        """Stops the call's session. A call that has ended counts as stopped; so does a refusal for a live call,
        which can only mean no session is running (it failed, or was stopped elsewhere): the stop names nothing
        else a refusal could be about."""
        command_id = str(uuid.uuid4())  # the same for a repeat of this stop: Telnyx ignores the duplicate
        try:
            with self.explained_errors():
                self.client().stop_call_siprec(id_, command_id)
        except NotFoundError:
            log.info("call %s has ended, and its SIPREC session with it", id_)
        except InvalidRequestError as err:
            log.warning("no SIPREC session was running on call %s, so there was nothing to stop: %s", id_, err)
