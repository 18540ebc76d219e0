"""The program side: each resource's type token, Args/keyword forms, declared outputs and pickled provider, in both
Python families (the dynamic classes, and the native ones on the plugin)."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

import pulumi_telnyx_siprec
from pulumi_telnyx_siprec import SiprecConnector, SiprecConnectorArgs, SiprecSession, SiprecSessionArgs, native
from pulumi_telnyx_siprec.resources.registry import SPECS
from pulumi_telnyx_siprec.resources.spec import ResourceSpec
from tests.support.samples import ACCOUNT_SID, API_KEY, CALL_SID, SIPREC_SID

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


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_every_input_and_output_is_a_declared_output_attribute(spec: ResourceSpec) -> None:
    annotations = getattr(pulumi_telnyx_siprec, spec.name).__annotations__
    for prop in spec.properties:
        assert prop.name in annotations, prop.name
        assert "pulumi.Output" in str(annotations[prop.name])


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_args_fields_match_the_spec(spec: ResourceSpec) -> None:
    args = getattr(pulumi_telnyx_siprec, f"{spec.name}Args")
    fields = {f.name: f for f in dataclasses.fields(args)}
    assert tuple(fields) == spec.inputs.names
    for field in spec.inputs.fields:
        required = fields[field.name].default is dataclasses.MISSING
        assert required == field.required, field.name
        assert f":param {field.name}: " in (args.__doc__ or "")


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


@pytest.mark.parametrize(("old_module", "spec"), [
    ("pulumi_telnyx_siprec.session_provider", SPECS[0]),
    ("pulumi_telnyx_siprec.connector_provider", SPECS[1]),
    ("pulumi_telnyx_siprec.call_provider", SPECS[2]),
], ids=lambda value: getattr(value, "name", value))
def test_the_provider_paths_of_0_1_0_state_still_unpickle_to_the_provider(old_module: str, spec: ResourceSpec) -> None:
    """State written by 0.1.0 holds `__provider` pickled as these module and class names (by reference)."""
    import pickle

    provider_name = f"{spec.name}Provider"
    # GLOBAL module name, an empty tuple, REDUCE: the class called with no arguments, as `__reduce__` pickles it.
    old_blob = f"c{old_module}\n{provider_name}\n)R.".encode()
    provider = pickle.loads(old_blob)  # noqa: S301 - our own class reference, as the state holds it
    assert type(provider) is getattr(pulumi_telnyx_siprec, provider_name)
    assert type(provider).spec is spec


# The native classes (pulumi_telnyx_siprec.native): what they register for the plugin, and what they resolve.


class CamelCaseMocks(RecordingMocks):
    """Answers as the plugin would: the inputs it was sent, and Telnyx's answer, under camelCase names."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append(args)
        if args.typ.startswith("pulumi:providers:"):
            return "provider-id", dict(args.inputs)
        return SIPREC_SID, {**args.inputs, "sid": SIPREC_SID, "accountSid": ACCOUNT_SID,
                            "startTime": "Fri, 04 Dec 2026 16:19:13 +0000"}


@pytest.fixture
def camel_mocks() -> CamelCaseMocks:
    recording = CamelCaseMocks()
    pulumi.runtime.set_mocks(recording, project="siprec-tests", stack="test", preview=False)
    return recording


@pulumi_test
def test_a_native_session_registers_the_plugin_type_with_camel_case_names(camel_mocks: CamelCaseMocks) -> Any:
    session = native.SiprecSession("recording", call_sid=CALL_SID, connector_name="my-srs", secure=True)

    def verify(values: list[Any]) -> None:
        [registered] = camel_mocks.registered
        assert registered.typ == "telnyx-siprec:index:SiprecSession"
        assert registered.inputs == {"callSid": CALL_SID, "connectorName": "my-srs", "secure": True}
        assert values == [SIPREC_SID, CALL_SID, ACCOUNT_SID, "Fri, 04 Dec 2026 16:19:13 +0000", None]

    return pulumi.Output.all(session.sid, session.call_sid, session.account_sid, session.start_time,
                             session.status).apply(verify)


@pulumi_test
def test_a_native_call_sends_from_as_from_and_its_header_names_as_given(camel_mocks: CamelCaseMocks) -> Any:
    headers = {"X-Test-Run": "7", "call_sid": "a header, not the property"}
    call = native.TexmlCall("call", native.TexmlCallArgs(connection_id="1", to="+15550100002", from_="+15550100001",
                                                         custom_headers=headers))

    def verify(values: list[Any]) -> None:
        [registered] = camel_mocks.registered
        assert registered.inputs == {"connectionId": "1", "to": "+15550100002", "from": "+15550100001",
                                     "customHeaders": headers}
        assert values == ["+15550100001", headers]

    return pulumi.Output.all(call.from_, call.custom_headers).apply(verify)


@pulumi_test
def test_a_native_provider_registers_its_settings_by_config_name_the_key_as_a_secret(
        camel_mocks: CamelCaseMocks) -> Any:
    provider = native.Provider("second", api_key=API_KEY, base_url="http://127.0.0.1:9/v2", max_concurrency=8)
    session = native.SiprecSession("recording", call_sid=CALL_SID, connector_name="my-srs",
                                   opts=pulumi.ResourceOptions(provider=provider))

    def verify(_: Any) -> None:
        registered, used = camel_mocks.registered
        assert registered.typ == "pulumi:providers:telnyx-siprec"
        assert registered.name == "second"
        assert set(registered.inputs) == {"apiKey", "baseUrl", "maxConcurrency"}
        assert pulumi.runtime.rpc.is_rpc_secret(registered.inputs["apiKey"])
        assert (used.provider or "").endswith("pulumi:providers:telnyx-siprec::second::provider-id")

    return session.sid.apply(verify)


@pytest.mark.usefixtures("camel_mocks")
def test_a_misspelt_native_keyword_gets_a_hint() -> None:
    with pytest.raises(TypeError, match=r"SiprecSessionArgs has no input `trak`; did you mean `track`\?"):
        native.SiprecSession("recording", call_sid="c", connector_name="n", trak="both_tracks")
    with pytest.raises(TypeError, match=r"ProviderArgs has no input `apikey`; did you mean `api_key`\?"):
        native.Provider("p", apikey=API_KEY)
