"""The Call Control resources' operations against the emulator, where the adapters add nothing: a session start on a
call not answered yet, a test call that rings too long or whose status cannot be read, and what a refresh sees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_telnyx_siprec.client.errors import TelnyxError
from pulumi_telnyx_siprec.configuration.clients import build_client
from pulumi_telnyx_siprec.configuration.settings import ProviderSettings
from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.resources.call_control_call.operations import CallControlCallOperations, CallNotAnsweredError
from pulumi_telnyx_siprec.resources.call_control_siprec_session.operations import CallControlSessionOperations
from tests.support.samples import API_KEY

CALL_INPUTS = {"connection_id": "cc-app", "to": "+15550100002", "from_": "+15550100001"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY, sip=False) as running:
        yield running


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def settings(emulator: Emulator, **extra: str) -> ProviderSettings:
    values = {"telnyx:apiKey": API_KEY, "telnyx:baseUrl": emulator.base_url, "telnyx:maxRetryWait": "0", **extra}
    return ProviderSettings.resolve(values.get)


def routes(emulator: Emulator) -> list[tuple[str, int]]:
    return [(r["route"], r["status"]) for r in emulator.state()["requests"]]


def call_ops(emulator: Emulator, clock: FakeClock | None = None, extra: dict[str, str] | None = None
             ) -> CallControlCallOperations:
    resolved = settings(emulator, **(extra or {}))
    client = build_client(resolved)
    if clock is None:
        return CallControlCallOperations(resolved, lambda: client)
    return CallControlCallOperations(resolved, lambda: client, sleep=clock.sleep, clock=clock)


def test_a_session_start_on_a_ringing_call_waits_for_the_answer(emulator: Emulator) -> None:
    emulator.configure(call_answer_delay=1.0)  # the start comes long before
    placed = call_ops(emulator).create(call_ops(emulator).checked({**CALL_INPUTS, "wait_until_answered": False}))
    resolved = settings(emulator)
    client = build_client(resolved)
    ops = CallControlSessionOperations(resolved, lambda: client)
    created = ops.create(ops.checked({"call_control_id": placed.id, "connector_name": "srs"}))
    starts = [status for route, status in routes(emulator) if route == "call_control.siprec_start"]
    assert starts[0] == 422, "refused while ringing (90034)"
    assert starts[-1] == 200
    assert (created.id, created.outputs["result"], created.outputs["call_leg_id"]) == (
        placed.id, "ok", placed.outputs["call_leg_id"])


def test_a_call_that_rings_too_long_is_hung_up_and_fails_create(emulator: Emulator) -> None:
    emulator.configure(call_answer_delay=3600)
    clock = FakeClock()
    ops = call_ops(emulator, clock)
    with pytest.raises(CallNotAnsweredError, match=r"was still not answered after 5 s of ringing and 15 s more: it "
                                                   r"was hung up"):
        ops.create(ops.checked({**CALL_INPUTS, "timeout_secs": 5}))
    [call] = emulator.state()["call_control_calls"].values()
    assert (call["state"], call["hangup_cause"]) == ("ended", "originator_cancel")


def test_a_call_whose_answer_cannot_be_read_is_hung_up_and_the_error_says_so(emulator: Emulator) -> None:
    emulator.configure(call_answer_delay=3600)
    emulator.inject("call_control.status", "status", status=500, count=10)
    ops = call_ops(emulator, extra={"telnyx:maxRetries": "1"})
    with pytest.raises(TelnyxError) as failed:
        ops.create(ops.checked(CALL_INPUTS))
    message = str(failed.value)
    assert "read call status failed: GET /calls/" in message
    assert "was placed, but whether it was answered could not be read: it was hung up" in message
    [call] = emulator.state()["call_control_calls"].values()
    assert call["state"] == "ended", "no call left ringing that the state does not know"


def test_refresh_keeps_a_ringing_call_and_drops_it_once_ended(emulator: Emulator) -> None:
    emulator.configure(call_answer_delay=3600)
    ops = call_ops(emulator)
    created = ops.create(ops.checked({**CALL_INPUTS, "wait_until_answered": False}))
    found = ops.read(created.id, created.outputs)
    assert found is not None
    assert found.outputs["is_alive"] is False
    emulator.end_call_control_call(created.id)
    assert ops.read(created.id, created.outputs) is None
    ops.delete(created.id, created.outputs)  # an ended call counts as hung up
    assert routes(emulator)[-1] == ("call_control.hangup", 422)
