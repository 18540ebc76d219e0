"""The program side: each resource's type token, Args/keyword forms, declared outputs and pickled provider."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pulumi_telnyx_siprec import SiprecConnector, SiprecConnectorArgs, SiprecSession, SiprecSessionArgs
from pulumi_telnyx_siprec.connector_schema import CONNECTOR_OUTPUTS, CONNECTOR_SCHEMA
from pulumi_telnyx_siprec.schema import Schema
from pulumi_telnyx_siprec.session_schema import SESSION_OUTPUTS, SESSION_SCHEMA
from tests.support.samples import ACCOUNT_SID, CALL_SID, SIPREC_SID

pulumi_test: Callable[[Callable[..., Any]], Callable[..., None]] = pulumi.runtime.test
"""`pulumi.runtime.test`, typed: it has no annotations; the test it wraps returns None once its Output resolved."""


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append(args)
        return SIPREC_SID, {**args.inputs, "sid": SIPREC_SID, "status": "in-progress"}

    def call(self, _args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def mocks() -> RecordingMocks:
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="siprec-tests", stack="test", preview=False)
    return recording


EXAMPLE = SiprecSessionArgs(
    account_sid=ACCOUNT_SID, call_sid=CALL_SID, connector_name="my-srs", track="inbound_track", secure=True,
    sip_transport="tls", status_callback="https://hooks.example.com/siprec",
)


@pulumi_test
def test_registers_the_documented_type_with_the_given_inputs(mocks: RecordingMocks) -> Any:
    session = SiprecSession("recording", EXAMPLE)

    def verify(values: list[Any]) -> None:
        [registered] = mocks.registered
        assert registered.typ == "pulumi-python:dynamic/telnyx:SiprecSession"
        assert registered.name == "recording"
        given = {k: v for k, v in dataclasses.asdict(EXAMPLE).items() if v is not None}
        assert {k: registered.inputs[k] for k in given} == given
        provider_blob = registered.inputs["__provider"]
        assert len(provider_blob) < 300
        assert b"SiprecSessionProvider" in base64.b64decode(provider_blob)
        assert values == [SIPREC_SID, SIPREC_SID, "in-progress", "inbound_track"]

    return pulumi.Output.all(session.id, session.sid, session.status, session.track).apply(verify)


@pulumi_test
def test_keyword_arguments_work_like_args(mocks: RecordingMocks) -> Any:
    session = SiprecSession("recording", **{k: v for k, v in dataclasses.asdict(EXAMPLE).items() if v is not None})

    def verify(_: Any) -> None:
        given = {k: v for k, v in dataclasses.asdict(EXAMPLE).items() if v is not None}
        assert {k: mocks.registered[0].inputs[k] for k in given} == given

    return session.sid.apply(verify)


@pytest.mark.parametrize(
    ("resource", "schema", "outputs"),
    [(SiprecSession, SESSION_SCHEMA, SESSION_OUTPUTS), (SiprecConnector, CONNECTOR_SCHEMA, CONNECTOR_OUTPUTS)],
)
def test_every_input_and_output_is_a_declared_output_attribute(resource: type, schema: Schema,
                                                              outputs: dict[str, str]) -> None:
    annotations = resource.__annotations__
    for name in (*schema.names, *outputs):
        assert name in annotations, name
        assert "pulumi.Output" in str(annotations[name])


@pytest.mark.parametrize(("args", "schema"), [(SiprecSessionArgs, SESSION_SCHEMA),
                                              (SiprecConnectorArgs, CONNECTOR_SCHEMA)])
def test_args_fields_match_the_schema(args: type, schema: Schema) -> None:
    fields = {f.name: f for f in dataclasses.fields(args)}
    assert tuple(fields) == schema.names
    for spec in schema.fields:
        required = fields[spec.name].default is dataclasses.MISSING
        assert required == spec.required, spec.name
        assert f":param {spec.name}: " in (args.__doc__ or "")


@pulumi_test
def test_the_connector_registers_its_type_and_a_small_provider(mocks: RecordingMocks) -> Any:
    connector = SiprecConnector("srs", SiprecConnectorArgs(name="test-srs", host="srs.example.com", port=5061))

    def verify(_: Any) -> None:
        [registered] = mocks.registered
        assert registered.typ == "pulumi-python:dynamic/telnyx:SiprecConnector"
        assert {k: registered.inputs[k] for k in ("name", "host", "port")} == {
            "name": "test-srs", "host": "srs.example.com", "port": 5061}
        assert len(registered.inputs["__provider"]) < 300
        assert b"SiprecConnectorProvider" in base64.b64decode(registered.inputs["__provider"])

    return connector.name.apply(verify)


@pytest.mark.usefixtures("mocks")
def test_a_misspelt_keyword_gets_a_hint() -> None:
    with pytest.raises(TypeError, match=r"SiprecSessionArgs has no input `trak`; did you mean `track`\?"):
        SiprecSession("recording", account_sid="a", call_sid="c", connector_name="n", trak="both_tracks")


@pytest.mark.usefixtures("mocks")
def test_args_and_keywords_together_are_refused() -> None:
    with pytest.raises(TypeError, match="pass either a SiprecSessionArgs or keyword arguments, not both"):
        SiprecSession("recording", EXAMPLE, track="both_tracks")


@pytest.mark.usefixtures("mocks")
def test_a_missing_required_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="connector_name"):
        SiprecSession("recording", account_sid="a", call_sid="c")
