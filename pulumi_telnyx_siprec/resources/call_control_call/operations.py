"""A Call Control test call's operations: dial (create), hang up (delete), and refresh from its status."""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from ...client.errors import NotFoundError, TelnyxError
from ..operations import Created, Found, PollingOperations
from .spec import SPEC

if TYPE_CHECKING:
    from ...client.models import CallControlCallInfo
    from ...client.telnyx_client import TelnyxClient

log = logging.getLogger("pulumi_telnyx_siprec.call_control_call")

DEFAULT_RING_SECONDS = 30
"""Telnyx's default `timeout_secs` (docs/telnyx-api.md section 10)."""
RING_MARGIN_SECONDS = 15.0
"""How much longer than the call's ring timeout an `up` waits for an answer before hanging up."""
POLL_SECONDS = 0.5
CLIENT_STATE_PREFIX = "pulumi-telnyx-siprec:"


class CallNotAnsweredError(TelnyxError):
    """The test call ended without being answered, or rang too long."""


def dial_marker() -> str:
    """A `client_state` no other dial has: base64 of `pulumi-telnyx-siprec:<uuid>`."""
    return base64.b64encode(f"{CLIENT_STATE_PREFIX}{uuid.uuid4()}".encode()).decode()


class CallControlCallOperations(PollingOperations):
    """Any input change replaces the call (a placed call cannot be changed), the new one first. The dial is never
    repeated; a call it placed that `up` could not confirm (an answer not read, a wait that failed) is hung up, or
    the error names it."""

    spec = SPEC

    def create(self, props: Mapping[str, Any]) -> Created:
        """Dials and, unless `wait_until_answered` is false, waits until the call is answered."""
        inputs = self.checked(props)
        client = self.client()
        client_state = dial_marker()
        with self.explained_errors():
            call, found = client.dial({**self.inputs.to_json(inputs), "client_state": client_state})
        if found:
            log.warning("the dial's answer was lost; call %s was found among the application's active calls by its "
                        "client_state, and kept", call.call_control_id)
        placed_at = format_datetime(datetime.now(timezone.utc).replace(microsecond=0))
        outputs = self.outputs_of(inputs, {**self._call_outputs(call), "client_state": client_state,
                                           "placed_at": placed_at})
        if inputs["wait_until_answered"]:
            outputs.update(self._call_outputs(self._wait_for_answer(client, call.call_control_id, inputs)))
        return Created(call.call_control_id, outputs)

    def _wait_for_answer(self, client: TelnyxClient, call_control_id: str, inputs: Mapping[str, Any]
                         ) -> CallControlCallInfo:
        ringing = inputs.get("timeout_secs", DEFAULT_RING_SECONDS)
        deadline = self._clock() + ringing + RING_MARGIN_SECONDS
        described = f"the call from {inputs['from_']!r} to {inputs['to']!r} ({call_control_id})"
        while True:
            try:
                with self.explained_errors():
                    call = client.call_status(call_control_id)
            except NotFoundError:
                call = None  # just dialed: not known to the status read yet
            except TelnyxError as err:
                raise TelnyxError(f"{err}; {described} was placed, but whether it was answered could not be read: "
                                  f"{self._hang_up_quietly(client, call_control_id)}") from None
            if call is not None and call.answered:
                return call
            if call is not None and call.ended:
                raise CallNotAnsweredError(
                    f"{described} ended without being answered; Telnyx gives the reason "
                    "(`user_busy`, `timeout`, `call_rejected`...) only in the `call.hangup` webhook's `hangup_cause`, "
                    "sent to `webhook_url` or the application's webhook URL. Check that `to` answers (or set "
                    "`wait_until_answered` to false to keep a call that is not answered yet)"
                )
            if self._clock() >= deadline:
                raise CallNotAnsweredError(
                    f"{described} was still not answered after {ringing} s of ringing and {RING_MARGIN_SECONDS:g} s "
                    f"more: {self._hang_up_quietly(client, call_control_id)}"
                )
            self._sleep(POLL_SECONDS)

    @staticmethod
    def _hang_up_quietly(client: TelnyxClient, call_control_id: str) -> str:
        """Hangs up a call `up` gives up on; says whether it could, so that no call is left the state does not know."""
        try:
            client.hang_up_call(call_control_id, str(uuid.uuid4()))
        except NotFoundError:
            return "it has ended"
        except TelnyxError as err:
            log.warning("could not hang up call %s: %s", call_control_id, err)
            return (f"it could not be hung up ({err}): hang it up with POST <base URL>/calls/{call_control_id}/"
                    "actions/hangup")
        return "it was hung up"

    @staticmethod
    def _call_outputs(call: CallControlCallInfo) -> dict[str, Any]:
        shown = {"call_control_id": call.call_control_id, "call_leg_id": call.call_leg_id,
                 "call_session_id": call.call_session_id, "is_alive": call.is_alive, "start_time": call.start_time}
        return {k: v for k, v in shown.items() if v is not None}

    def read(self, id_: str, props: Mapping[str, Any]) -> Found | None:
        """The call as Telnyx has it now; gone once it has ended (a call cannot be restarted)."""
        outs, inputs = self.stored_state(props)
        call = self.read_unless_gone(lambda client: client.call_status(id_))
        if call is None:
            log.info("call %s is gone", id_)
            return None
        if call.ended or (call.is_alive is not True and outs.get("is_alive") is True):
            log.info("call %s has ended", id_)
            return None
        return Found(id_, {**outs, **self._call_outputs(call)}, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:  # noqa: ARG002
        """Unreachable: every change replaces a call. Returns the outputs as they are."""
        return self.unchanged_outputs(olds, news)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:  # noqa: ARG002
        """Hangs up; a call already ended or gone counts as hung up."""
        try:
            with self.explained_errors():
                self.client().hang_up_call(id_, str(uuid.uuid4()))
        except NotFoundError:
            log.info("call %s had already ended", id_)
