"""SiprecSessionProvider: Pulumi's resource operations for a SIPREC session, as Telnyx client calls."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from .errors import NotFoundError
from .provider_base import PROVIDER_KEY, InputError, TelnyxProvider, is_unknown
from .session_schema import SESSION_OUTPUTS, SESSION_SCHEMA

log = logging.getLogger(__name__)

_CALL_KEYS = ("account_sid", "call_sid")


def same_value(old: Any, new: Any) -> bool:
    """Equality as the engine's values mean it: 1800 == 1800.0, but True is not 1."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    return bool(old == new)


class SiprecSessionProvider(TelnyxProvider):
    """Starts (create), stops (delete) and validates (check) a Telnyx SIPREC session.

    Every input change replaces the session: Telnyx can only stop one. There is no API to read a session
    back, so `read` returns the stored state.
    """

    schema = SESSION_SCHEMA

    def output_names(self) -> tuple[str, ...]:
        return tuple(SESSION_OUTPUTS)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compares inputs only; any change replaces, deleting first when the new session is on the same call."""
        old_inputs = self.schema.with_defaults(olds)
        changed = [
            name
            for name in self.schema.names
            if (name in news) != (name in old_inputs)
            or (name in news and (is_unknown(news[name]) or not same_value(old_inputs[name], news[name])))
        ]
        # Two forks on one call is not what anyone asked for: stop the old session before starting the new
        # one unless the new one is known to be on another call.
        moves_call = any(
            key in changed and key in news and not is_unknown(news[key]) for key in _CALL_KEYS
        )
        return DiffResult(
            changes=bool(changed),
            replaces=changed,
            delete_before_replace=bool(changed) and not moves_call,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Starts the session; the outputs are the checked inputs plus what Telnyx returned."""
        inputs = self.checked(props)
        with self.explained_errors():
            info = self.client().start_siprec(
                inputs["account_sid"], inputs["call_sid"], self.schema.to_form(inputs)
            )
        returned = {
            "sid": info.sid,
            "status": info.status,
            "start_time": info.start_time,
            "date_created": info.date_created,
            "date_updated": info.date_updated,
            "uri": info.uri,
            "error_code": info.error_code,
        }
        return CreateResult(info.sid, self._outputs(inputs, returned))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """No API reads a session back: returns the stored outputs and inputs unchanged."""
        outs = {k: v for k, v in props.items() if k != PROVIDER_KEY}
        inputs = {k: v for k, v in outs.items() if k in self.schema.names}
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Unreachable while `diff` replaces on every change. Telnyx cannot change a running session, so this
        returns the session's outputs as they are: complete (nothing wiped) and true (no input claimed that was
        not applied); the next diff then proposes the replacement."""
        inputs = self.checked(news)
        outputs = self._outputs(self.schema.with_defaults(olds), {k: olds.get(k) for k in SESSION_OUTPUTS})
        changed = [n for n in self.schema.names if not same_value(outputs.get(n), inputs.get(n))]
        if changed:
            log.warning("SIPREC session %s cannot change %s in place; it keeps its settings until replaced",
                        id_, ", ".join(changed))
        return UpdateResult(outputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Stops the session; a session or call that is already gone counts as stopped."""
        account_sid, call_sid = (_from_state(props, key) for key in _CALL_KEYS)
        try:
            with self.explained_errors():
                self.client().stop_siprec(account_sid, call_sid, id_)
        except NotFoundError:
            log.info("SIPREC session %s on call %s was already gone", id_, call_sid)

    @staticmethod
    def _outputs(inputs: Mapping[str, Any], returned: Mapping[str, Any]) -> dict[str, Any]:
        # A returned value never overwrites an input-named output: that would make every later diff differ.
        outputs = dict(inputs)
        for name, value in returned.items():
            if name not in outputs and value is not None:
                outputs[name] = value
        return outputs


def _from_state(props: Mapping[str, Any], key: str) -> str:
    value = props.get(key)
    if not isinstance(value, str) or not value:
        raise InputError(
            f"the state of this SiprecSession has no `{key}`, so the session cannot be stopped; "
            "if it is already gone, remove it from the state with `pulumi state delete <urn>`"
        )
    return value
