"""Every artefact derived from a resource spec agrees with it, field by field, for every resource: the Python Args
and resource class (dynamic and native), the plugin's schema.json, the reference page. (tests/test_generated.py checks
that each file is what the generators render; this checks that what they render says what the spec says, in each
language's terms.)"""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
import typing
from typing import Any

import pulumi
import pulumi.dynamic
import pytest
from pulumi import _types

import pulumi_telnyx_siprec
import pulumi_telnyx_siprec.native
from pulumi_telnyx_siprec.configuration.settings import PLUGIN_SETTINGS
from pulumi_telnyx_siprec.plugin.provider import SCHEMA_FILE
from pulumi_telnyx_siprec.plugin.resources import RESOURCE_TYPES
from pulumi_telnyx_siprec.resources.registry import SPECS
from pulumi_telnyx_siprec.resources.spec import ResourceSpec
from pulumi_telnyx_siprec.validation import Kind
from tools.codegen.artefacts import ROOT
from tools.codegen.docs_pages import page_path

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
PYTHON_TYPES: dict[Kind, Any] = {Kind.STRING: str, Kind.BOOLEAN: bool, Kind.INTEGER: int,
                                 Kind.STRING_MAP: dict[str, str]}
SCHEMA_TYPES = {Kind.STRING: "string", Kind.BOOLEAN: "boolean", Kind.INTEGER: "integer", Kind.STRING_MAP: "object"}
by_name = pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)


def hints(cls: type) -> dict[str, Any]:
    """The class's own annotations, evaluated in its module (pulumi's base classes have some that do not resolve)."""
    namespace = vars(sys.modules[cls.__module__])
    return {name: eval(text, namespace) if isinstance(text, str) else text  # noqa: S307 - our generated source
            for name, text in vars(cls)["__annotations__"].items()}


def output_of(annotation: Any) -> tuple[Any, bool]:
    """(the value type, always set) of `pulumi.Output[T]` or `pulumi.Output[T | None]`."""
    assert typing.get_origin(annotation) is pulumi.Output, annotation
    [inner] = typing.get_args(annotation)
    members = typing.get_args(inner) if typing.get_origin(inner) in (typing.Union, type(int | None)) else ()
    if type(None) in members:
        [value] = [m for m in members if m is not type(None)]
        return value, False
    return inner, True


@by_name
def test_the_python_resource_types_every_property_as_the_spec_does(spec: ResourceSpec) -> None:
    annotations = hints(getattr(pulumi_telnyx_siprec, spec.name))
    for prop in spec.properties:
        value, always = output_of(annotations[prop.name])
        assert value == PYTHON_TYPES[prop.kind], prop.name
        assert always is prop.always_set, prop.name


@by_name
def test_the_python_args_take_every_input_as_the_spec_does(spec: ResourceSpec) -> None:
    args = getattr(pulumi_telnyx_siprec, f"{spec.name}Args")
    fields = {f.name: f for f in dataclasses.fields(args)}
    assert tuple(fields) == spec.inputs.names
    for field in spec.inputs.fields:
        assert (fields[field.name].default is dataclasses.MISSING) is field.required, field.name
        assert f":param {field.name}: ({'required' if field.required else 'optional'}) {field.doc}" in (
            " ".join((args.__doc__ or "").split())), field.name


@by_name
def test_schema_json_has_every_property_with_the_spec_s_type_and_presence(spec: ResourceSpec) -> None:
    resource = SCHEMA["resources"][spec.token]
    names = RESOURCE_TYPES[spec.token].names
    for prop in spec.properties:
        wire = names.wire(prop.name)
        declared = resource["properties"][wire]
        assert declared["type"] == SCHEMA_TYPES[prop.kind], prop.name
        assert (wire in resource["required"]) is prop.always_set, prop.name
        if prop.input is not None:
            assert resource["inputProperties"][wire]["type"] == SCHEMA_TYPES[prop.kind], prop.name
            assert (wire in resource["requiredInputs"]) is prop.input.required, prop.name
            assert resource["inputProperties"][wire].get("willReplaceOnChanges", False) is spec.replaces_on(prop.name)
            if prop.input.is_enum:
                enum = SCHEMA["types"][declared["$ref"].removeprefix("#/types/")]
                assert [v["value"] for v in enum["enum"]] == list(prop.input.choices)
    assert set(resource["properties"]) == {names.wire(p.name) for p in spec.properties}


@by_name
def test_the_reference_page_has_a_row_for_every_property(spec: ResourceSpec) -> None:
    page = (ROOT / page_path(spec)).read_text(encoding="utf-8")
    for prop in spec.properties:
        assert f"\n| `{prop.name}` | `{RESOURCE_TYPES[spec.token].names.wire(prop.name)}` |" in page, prop.name


def test_the_package_exports_each_resource_its_args_and_its_provider() -> None:
    expected = {f"{spec.name}{suffix}" for spec in SPECS for suffix in ("", "Args", "Provider")}
    assert expected | {"__version__"} == set(pulumi_telnyx_siprec.__all__)


def test_schema_json_names_the_sdks_of_every_language_as_a_published_provider_would() -> None:
    """Without these, an SDK generated from the schema (`pulumi package add`) is `@pulumi/telnyx-siprec` (Pulumi's
    npm scope), `example.com/...` in Go and `Pulumi.TelnyxSiprec` (a reserved NuGet prefix), as tried with the
    v3.274.1 code generators."""
    language = SCHEMA["language"]
    assert language["nodejs"]["packageName"] == "pulumi-telnyx-siprec"
    repository = SCHEMA["repository"].removeprefix("https://")
    assert language["go"]["importBasePath"] == f"{repository}/sdk/go/telnyxsiprec"
    assert not language["go"]["importBasePath"].startswith("example.com/")
    assert language["csharp"]["rootNamespace"] == "TelnyxSiprec"
    assert language["python"]["packageName"] == "pulumi_telnyx_siprec_sdk", "never the dynamic package's import name"
    assert SCHEMA["homepage"].startswith("https://")
    assert SCHEMA["publisher"]
    assert SCHEMA["license"] == "Apache-2.0"
    assert "pluginDownloadURL" not in SCHEMA, "the plugin comes with pip; no URL serves it"


def test_every_enum_value_has_a_name_for_the_sdks() -> None:
    names = {value["value"]: value["name"] for enum in SCHEMA["types"].values() for value in enum["enum"]}
    assert names["both_tracks"] == "BothTracks"
    assert names["outbound_track"] == "OutboundTrack"
    assert names["udp"] == "Udp"
    assert names["GET"] == "Get"
    assert all(name.isidentifier() and name[0].isupper() for name in names.values())


# The native classes (pulumi_telnyx_siprec.native): the same Python surface, the plugin's names on the wire.


@by_name
def test_the_native_resource_types_every_property_as_the_dynamic_one_does(spec: ResourceSpec) -> None:
    native, dynamic = getattr(pulumi_telnyx_siprec.native, spec.name), getattr(pulumi_telnyx_siprec, spec.name)
    assert hints(native) == hints(dynamic)
    assert native.__doc__ == dynamic.__doc__
    assert issubclass(native, pulumi.CustomResource)
    assert not issubclass(native, pulumi.dynamic.Resource)


@by_name
def test_the_native_args_take_every_input_as_the_dynamic_args_do(spec: ResourceSpec) -> None:
    native = getattr(pulumi_telnyx_siprec.native, f"{spec.name}Args")
    dynamic = getattr(pulumi_telnyx_siprec, f"{spec.name}Args")
    assert native.__doc__ == dynamic.__doc__
    parameters = inspect.signature(native).parameters
    assert tuple(parameters) == spec.inputs.names
    for field in spec.inputs.fields:
        assert parameters[field.name].kind is inspect.Parameter.KEYWORD_ONLY
        assert (parameters[field.name].default is inspect.Parameter.empty) is field.required, field.name
    assert hints(native) == hints(dynamic)


@by_name
def test_the_native_classes_use_the_schema_s_names_both_ways(spec: ResourceSpec) -> None:
    """What the SDK translates with: Args attributes to the names sent, the engine's names to resource attributes."""
    resource = SCHEMA["resources"][spec.token]
    native = getattr(pulumi_telnyx_siprec.native, spec.name)
    sent = _types.input_type_py_to_pulumi_names(getattr(pulumi_telnyx_siprec.native, f"{spec.name}Args"))
    assert sorted(sent.values()) == sorted(resource["inputProperties"])
    received = _types.resource_pulumi_to_py_names(native)
    assert set(received) == set(resource["properties"])
    assert set(received.values()) == {p.name for p in spec.properties}
    assert all(sent[python] == wire for wire, python in received.items() if python in sent)


def test_the_native_provider_takes_every_plugin_setting_under_its_config_name() -> None:
    native = pulumi_telnyx_siprec.native
    names = _types.input_type_py_to_pulumi_names(native.ProviderArgs)
    assert list(names.values()) == [s.name for s in PLUGIN_SETTINGS]
    assert set(names.values()) == set(SCHEMA["provider"]["inputProperties"]) == set(SCHEMA["config"]["variables"])
    assert tuple(inspect.signature(native.ProviderArgs).parameters) == tuple(names)
    assert issubclass(native.Provider, pulumi.ProviderResource)
    secret = {s.name for s in PLUGIN_SETTINGS if s.secret}
    assert set(native.provider.SECRETS.values()) == secret == {"apiKey"}


def test_the_native_package_exports_each_resource_its_args_and_the_provider() -> None:
    expected = {f"{spec.name}{suffix}" for spec in SPECS for suffix in ("", "Args")} | {"Provider", "ProviderArgs"}
    assert set(pulumi_telnyx_siprec.native.__all__) == expected
