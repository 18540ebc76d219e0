"""A SIPREC session's operations: start (create), stop (delete), and refresh by asking about its call."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from ...client.errors import InvalidRequestError, NotFoundError, TelnyxError
from ...telnyx_api import ENDED_CALL_STATUSES
from ...validation import never_unknown
from ..operations import Created, Found, ResourceOperations, required_from_state, reworded
from ..texml import JUST_STARTED_SECONDS, seconds_since
from .spec import SPEC

log = logging.getLogger("pulumi_telnyx_siprec.session")


class CallEndedError(TelnyxError):
    """The session's call has ended (or does not exist), so no session can start on it."""


class SessionFailedError(TelnyxError):
    """Telnyx answered the start with a session that failed: its SRS refused the recording or did not answer."""


class SessionOperations(ResourceOperations):
    """Every input change replaces the session (Telnyx can only stop one); the new session starts before the
    old one stops, so the call is never left unrecorded. No API reads a session back, so `read` asks about its
    call instead: a session lives only as long as its call."""

    spec = SPEC

    def create(self, props: Mapping[str, Any]) -> Created:
        """Starts the session; the outputs are the checked inputs plus what Telnyx returned."""
        inputs = self.checked(props)
        client = self.client()
        account_sid = self._account_sid(inputs)
        call_sid = inputs["call_sid"]
        try:
            with self.explained_errors():
                info = client.start_siprec(account_sid, call_sid, self.inputs.to_form(inputs))
        except NotFoundError as err:
            raise self._why_not_found(account_sid, call_sid, err) from None
        except InvalidRequestError as err:
            if "call_sid" not in self.properties_named(err):
                raise
            raise reworded(err, (
                f"{err}. Telnyx refused a second SIPREC session on call {call_sid!r}: if this start replaces a "
                "session on the same call, the old session is still recording and stays in the state. To accept a "
                "gap in the recording instead (stop the old session, then start the new one), give the resource "
                "`opts=pulumi.ResourceOptions(delete_before_replace=True)` (in YAML: `options: deleteBeforeReplace: "
                "true`)"
            )) from None
        if info.status == "failed":
            # The start answer carries `status` and `error_code` (docs/telnyx-api.md section 5); a session that
            # failed at once is not recording, so there is nothing to keep in the state or to stop later.
            raise SessionFailedError(
                f"start SIPREC session {info.sid} on call {call_sid!r}: Telnyx reports it `failed` (error_code "
                f"`{info.error_code}`, the SRS's SIP answer when it is a SIP status code): the Session Recording "
                f"Server behind connector `{inputs['connector_name']}` refused the recording or did not answer; "
                f"check that it accepts SIPREC (RFC 7866) INVITEs over `{inputs['sip_transport']}` at the "
                "connector's host and port"
            )
        returned = {k: v for k, v in dataclasses.asdict(info).items() if k in self.spec.output_names}
        return Created(info.sid, self.outputs_of({**inputs, "account_sid": account_sid}, returned))

    def _account_sid(self, props: Mapping[str, Any]) -> str:
        """The state's account id; for a session the state knows only by its inputs (a pending create imported
        with `pulumi refresh --import-pending-creates`), the account's, looked up."""
        account_sid = props.get("account_sid")
        if isinstance(account_sid, str) and account_sid:
            return account_sid
        with self.explained_errors():
            return self.client().account_sid()

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

    def read(self, id_: str, props: Mapping[str, Any]) -> Found | None:
        """Keeps the stored state while the session's call is live; the session is gone once its call has ended
        or is gone, since its sessions ended with it."""
        outs, inputs = self.stored_state(props)
        call_sid = required_from_state(props, "call_sid", "SiprecSession", "refreshed")
        age = seconds_since(props.get("start_time"))
        client = self.client()
        account_sid = self._account_sid(props)
        try:
            with self.explained_errors():
                just_started = age is not None and age < JUST_STARTED_SECONDS
                call = client.get_call(account_sid, call_sid, just_placed=just_started)
        except NotFoundError:
            log.info("call %s is gone, and SIPREC session %s with it", call_sid, id_)
            return None
        except TelnyxError as err:
            raise TelnyxError(
                f"refresh of SIPREC session {id_} could not tell whether call {call_sid!r} is still live: {err}"
            ) from None
        if call.status in ENDED_CALL_STATUSES:
            log.info("call %s has ended (%s), and SIPREC session %s with it", call_sid, call.status, id_)
            return None
        return Found(id_, outs, inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """Unreachable while `diff` replaces on every change. Telnyx cannot change a running session, so this
        returns the session's outputs as they are: complete (nothing wiped) and true (no input claimed that was
        not applied); the next diff then proposes the replacement."""
        self.checked(news)
        outputs = self.outputs_of(self.inputs.with_defaults(olds), {k: olds.get(k) for k in self.spec.output_names})
        changed = self.changed_inputs(outputs, news, never_unknown)
        if changed:
            log.warning("SIPREC session %s cannot change %s in place; it keeps its settings until replaced",
                        id_, ", ".join(changed))
        return outputs

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        """Stops the session; a session or call that is already gone counts as stopped."""
        call_sid = required_from_state(props, "call_sid", "SiprecSession", "stopped")
        account_sid = self._account_sid(props)
        try:
            with self.explained_errors():
                self.client().stop_siprec(account_sid, call_sid, id_)
        except NotFoundError:
            log.info("SIPREC session %s on call %s was already gone", id_, call_sid)
