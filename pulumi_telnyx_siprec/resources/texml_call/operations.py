"""A test call's operations: place it (create), hang it up (delete), and refresh it from the call fetch."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from ...client.errors import NotFoundError, TelnyxError
from ...telnyx_api import ENDED_CALL_STATUSES
from ..operations import Created, Found, PollingOperations, required_from_state
from ..texml import JUST_STARTED_SECONDS, seconds_since
from .spec import DEFAULT_RING_SECONDS, RING_MARGIN_SECONDS, SPEC

if TYPE_CHECKING:
    from ...client.models import CallInfo
    from ...client.telnyx_client import TelnyxClient

log = logging.getLogger("pulumi_telnyx_siprec.call")

POLL_SECONDS = 0.5


class CallNotAnsweredError(TelnyxError):
    """The test call ended without being answered (busy, no answer, failed), or rang too long."""


class CallUnconfirmedError(TelnyxError):
    """The test call was placed, but whether it was answered could not be read; `up` does not keep it."""


class CallOperations(PollingOperations):
    """Any input change replaces the call (a placed call cannot be changed). The create is never repeated: a lost
    answer fails, saying how to find and hang up the call it may have placed."""

    spec = SPEC

    def create(self, props: Mapping[str, Any]) -> Created:
        """Places the call and, unless `wait_until_answered` is false, waits until it is answered."""
        inputs = self.checked(props)
        client = self.client()
        with self.explained_errors():
            account_sid = inputs.get("account_sid") or client.account_sid()
            placed = client.place_call(inputs["connection_id"], self.inputs.to_json(inputs))
        placed_at = format_datetime(datetime.now(timezone.utc).replace(microsecond=0))
        outputs = self.outputs_of({**inputs, "account_sid": account_sid},
                                  {"call_sid": placed.call_sid, "status": placed.status, "placed_at": placed_at})
        if inputs["wait_until_answered"]:
            call = self._wait_for_answer(client, account_sid, placed.call_sid, inputs)
            outputs.update(self._read_outputs(call))
        return Created(placed.call_sid, outputs)

    def _wait_for_answer(self, client: TelnyxClient, account_sid: str, call_sid: str,
                         inputs: Mapping[str, Any]) -> CallInfo:
        deadline = self._clock() + inputs.get("timeout", DEFAULT_RING_SECONDS) + RING_MARGIN_SECONDS
        while True:
            try:
                with self.explained_errors():
                    call = client.get_call(account_sid, call_sid, just_placed=True)
            except TelnyxError as err:
                # The call exists (its create was answered) but the state will not hold it: `up` fails. So that
                # nothing is left ringing that nobody tracks, it is hung up, or the error says how to end it.
                raise self._given_up(client, account_sid, call_sid, CallUnconfirmedError(
                    f"the call from {inputs['from_']!r} to {inputs['to']!r} ({call_sid}) was placed, but whether it "
                    f"was answered could not be read: {err}")) from None
            if call.status in ENDED_CALL_STATUSES:
                raise CallNotAnsweredError(
                    f"the call from {inputs['from_']!r} to {inputs['to']!r} ({call_sid}) ended without being "
                    f"answered: status `{call.status}`; check that `to` answers (or set `wait_until_answered` "
                    "to false to keep a call that is not answered yet)"
                )
            if call.status not in ("queued", "ringing", "initiated"):
                return call
            if self._clock() >= deadline:
                raise self._given_up(client, account_sid, call_sid, CallNotAnsweredError(
                    f"the call from {inputs['from_']!r} to {inputs['to']!r} ({call_sid}) was still "
                    f"`{call.status}` after {inputs.get('timeout', DEFAULT_RING_SECONDS)} s of ringing and "
                    f"{RING_MARGIN_SECONDS:g} s more"))
            self._sleep(POLL_SECONDS)

    @staticmethod
    def _given_up(client: TelnyxClient, account_sid: str, call_sid: str, failure: TelnyxError) -> TelnyxError:
        """`failure`, for a call `up` will not keep, once the call is hung up; its message says whether it was, and
        how to end it when it could not be."""
        try:
            client.hang_up(account_sid, call_sid)
        except NotFoundError:
            outcome = "it has ended already"
        except TelnyxError as err:
            log.warning("could not hang up call %s: %s", call_sid, err)
            outcome = (f"hanging it up failed too ({err}), so it may still be up, and the state does not hold it: "
                       f"end it with POST Status=completed to {client.call_url(account_sid, call_sid)}, or in the "
                       "Mission Control portal")
        else:
            outcome = "it was hung up"
        return type(failure)(f"{failure}; {outcome}")

    @staticmethod
    def _read_outputs(call: CallInfo) -> dict[str, Any]:
        return {k: v for k, v in (("status", call.status), ("start_time", call.start_time)) if v is not None}

    def read(self, id_: str, props: Mapping[str, Any]) -> Found | None:
        """The call as Telnyx has it now; gone once it has ended (a call cannot be restarted)."""
        outs, inputs = self.stored_state(props)
        account_sid = required_from_state(props, "account_sid", "TexmlCall", "refreshed")
        age = seconds_since(props.get("placed_at"))
        try:
            with self.explained_errors():
                call = self.client().get_call(account_sid, id_,
                                              just_placed=age is not None and age < JUST_STARTED_SECONDS)
        except NotFoundError:
            log.info("call %s is gone", id_)
            return None
        if call.status in ENDED_CALL_STATUSES:
            log.info("call %s has ended (%s)", id_, call.status)
            return None
        return Found(id_, {**outs, **self._read_outputs(call)}, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:  # noqa: ARG002
        """Unreachable: every change replaces a call. Returns the outputs as they are."""
        return self.unchanged_outputs(olds, news)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Hangs up; a call already ended or gone counts as hung up."""
        account_sid = required_from_state(props, "account_sid", "TexmlCall", "hung up")
        try:
            with self.explained_errors():
                call = self.client().hang_up(account_sid, id_)
        except NotFoundError:
            log.info("call %s was already gone", id_)
            return
        log.info("call %s hung up (status %s)", id_, call.status)
