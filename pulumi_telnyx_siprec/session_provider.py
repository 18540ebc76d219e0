"""SiprecSessionProvider: Pulumi's resource operations for a SIPREC session, as Telnyx client calls."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from .errors import NotFoundError, TelnyxError
from .provider_base import InputError, TelnyxProvider, is_unknown
from .session_schema import ENDED_CALL_STATUSES, SESSION_OUTPUTS, SESSION_SCHEMA

log = logging.getLogger(__name__)

_CALL_KEYS = ("account_sid", "call_sid")


class CallEndedError(TelnyxError):
    """The session's call has ended (or does not exist), so no session can start on it."""


class SiprecSessionProvider(TelnyxProvider):
    """Starts (create), stops (delete) and validates (check) a Telnyx SIPREC session.

    Every input change replaces the session: Telnyx can only stop one. No API reads a session back, so `read`
    asks about its call instead: a session lives only as long as its call.
    """

    schema = SESSION_SCHEMA
    outputs = SESSION_OUTPUTS

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compares inputs only; any change replaces, deleting first when the new session is on the same call."""
        changed = self.changed_inputs(olds, news)
        # Two forks on one call is not what anyone asked for: stop the old session before starting the new
        # one unless the new one is known to be on another call.
        moves_call = any(key in changed and key in news and not is_unknown(news[key]) for key in _CALL_KEYS)
        return DiffResult(
            changes=bool(changed),
            replaces=changed,
            delete_before_replace=bool(changed) and not moves_call,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Starts the session; the outputs are the checked inputs plus what Telnyx returned."""
        inputs = self.checked(props)
        client = self.client()
        try:
            with self.explained_errors():
                info = client.start_siprec(inputs["account_sid"], inputs["call_sid"], self.schema.to_form(inputs))
        except NotFoundError as err:
            raise self._why_not_found(inputs["account_sid"], inputs["call_sid"], err) from None
        returned = {k: v for k, v in dataclasses.asdict(info).items() if k in SESSION_OUTPUTS}
        return CreateResult(info.sid, self.outputs_of(inputs, returned))

    def _why_not_found(self, account_sid: str, call_sid: str, err: NotFoundError) -> TelnyxError:
        # A start answers 404 for an unknown call and for an ended one alike; the call itself says which.
        try:
            call = self.client().get_call(account_sid, call_sid)
        except NotFoundError:
            return CallEndedError(
                f"{err}; call {call_sid!r} was not found in account {account_sid!r}: check `call_sid` and "
                "`account_sid` (a SIPREC session needs a live call)"
            )
        except TelnyxError:
            return err
        if call.status in ENDED_CALL_STATUSES:
            return CallEndedError(
                f"{err}; call {call_sid!r} has ended (status `{call.status}`): a SIPREC session needs a call in "
                "progress; place a new call and set `call_sid` to it"
            )
        return err

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Keeps the stored state while the session's call is live; drops the session (id "") once the call
        has ended or is gone, since its sessions ended with it."""
        outs, inputs = self.stored_state(props)
        account_sid, call_sid = (_from_state(props, key, "refreshed") for key in _CALL_KEYS)
        client = self.client()
        try:
            with self.explained_errors():
                call = client.get_call(account_sid, call_sid)
        except NotFoundError:
            log.info("call %s is gone, and SIPREC session %s with it", call_sid, id_)
            return ReadResult("", {})
        except TelnyxError as err:
            raise TelnyxError(
                f"refresh of SIPREC session {id_} could not tell whether call {call_sid!r} is still live: {err}"
            ) from None
        if call.status in ENDED_CALL_STATUSES:
            log.info("call %s has ended (%s), and SIPREC session %s with it", call_sid, call.status, id_)
            return ReadResult("", {})
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Unreachable while `diff` replaces on every change. Telnyx cannot change a running session, so this
        returns the session's outputs as they are: complete (nothing wiped) and true (no input claimed that was
        not applied); the next diff then proposes the replacement."""
        self.checked(news)
        outputs = self.outputs_of(self.schema.with_defaults(olds), {k: olds.get(k) for k in SESSION_OUTPUTS})
        changed = self.changed_inputs(outputs, news)
        if changed:
            log.warning("SIPREC session %s cannot change %s in place; it keeps its settings until replaced",
                        id_, ", ".join(changed))
        return UpdateResult(outputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Stops the session; a session or call that is already gone counts as stopped."""
        account_sid, call_sid = (_from_state(props, key, "stopped") for key in _CALL_KEYS)
        try:
            with self.explained_errors():
                self.client().stop_siprec(account_sid, call_sid, id_)
        except NotFoundError:
            log.info("SIPREC session %s on call %s was already gone", id_, call_sid)


def _from_state(props: Mapping[str, Any], key: str, action: str) -> str:
    value = props.get(key)
    if not isinstance(value, str) or not value:
        raise InputError(
            f"the state of this SiprecSession has no `{key}`, so the session cannot be {action}; "
            "if it is already gone, remove it from the state with `pulumi state delete <urn>`"
        )
    return value
