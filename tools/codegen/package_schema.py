"""The Pulumi package schema of `telnyx-siprec` (the plugin's `schema.json`), generated from the resource specs
and the plugin's settings.

Types, descriptions, required inputs and always-set outputs, enums and replace-on-change come from each resource's
spec; provider config from the settings; so a field is described in one place. Defaults are stated in descriptions
but not declared: generated SDKs would otherwise send them from the program, and a declared default for `baseUrl`
would hide the TELNYX_BASE_URL fallback.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pulumi_telnyx_siprec._version import __version__
from pulumi_telnyx_siprec.configuration.settings import PLUGIN_SETTINGS, Setting
from pulumi_telnyx_siprec.plugin.resources import ALL_NAMES, RESOURCE_TYPES, ResourceType
from pulumi_telnyx_siprec.resources.spec import MODULE, PACKAGE, Property
from pulumi_telnyx_siprec.validation import Field, Kind

from .python_classes import field_doc

SCHEMA_PATH = "pulumi_telnyx_siprec/plugin/schema.json"

_PRIMITIVES = {Kind.STRING: "string", Kind.BOOLEAN: "boolean", Kind.INTEGER: "integer"}

REPOSITORY = "github.com/pulumi-telnyx-siprec/pulumi-telnyx-siprec"
"""Where the project lives, without a scheme: also the start of the Go import path. The owner is a placeholder
(there is none yet), the GitHub organisation named after the project, so creating that organisation makes every
name derived from it true. Change it here before the first release: Go programs import the path built from it."""


def pascal(text: str) -> str:
    """`both_tracks` and `both-tracks` are `BothTracks`; `GET` is `Get`; `callSid` is `CallSid`."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    return "".join(w[:1].upper() + (w[1:].lower() if w.isupper() else w[1:]) for w in words)


def enum_token(kind: ResourceType, spec: Field) -> str:
    return f"{PACKAGE}:{MODULE}:{kind.spec.name}{pascal(ALL_NAMES.wire(spec.name))}"


def type_spec(kind: ResourceType, prop: Property) -> dict[str, Any]:
    """A property's type: a primitive, a map of strings, or a reference to its enum type."""
    if prop.input is not None and prop.input.is_enum:
        return {"type": "string", "$ref": f"#/types/{enum_token(kind, prop.input)}"}
    if prop.kind is Kind.STRING_MAP:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    return {"type": _PRIMITIVES[prop.kind]}


def described(prop: Property) -> str:
    return ALL_NAMES.text(field_doc(prop.input) if prop.input is not None else prop.doc)


def resource_spec(kind: ResourceType) -> dict[str, Any]:
    """Inputs, outputs (the inputs as checked, and the output-only properties), and which are always set."""
    spec = kind.spec
    properties = spec.properties
    inputs = {
        kind.names.wire(p.name): {**type_spec(kind, p), "description": described(p),
                                  **({"willReplaceOnChanges": True} if spec.replaces_on(p.name) else {})}
        for p in properties if p.input is not None
    }
    outputs = {kind.names.wire(p.name): {**type_spec(kind, p), "description": described(p)} for p in properties}
    return {
        "description": ALL_NAMES.text(spec.description),
        "inputProperties": inputs,
        "requiredInputs": [kind.names.wire(f.name) for f in spec.inputs.fields if f.required],
        "properties": outputs,
        "required": [kind.names.wire(p.name) for p in properties if p.always_set],
    }


def enum_types() -> dict[str, Any]:
    return {
        enum_token(kind, spec): {
            "type": "string",
            "description": f"Values of `{kind.spec.name}.{kind.names.wire(spec.name)}`.",
            "enum": [{"name": pascal(choice), "value": choice} for choice in spec.choices],
        }
        for kind in RESOURCE_TYPES.values()
        for spec in kind.spec.inputs.fields
        if spec.is_enum
    }


def config_variable(setting: Setting) -> dict[str, Any]:
    kind = "integer" if setting.integer else "number" if setting.client_option else "string"
    text = f"{setting.described} Falls back to the environment variable `{setting.env_var}`"
    text += f", then `{setting.default}`." if setting.default is not None else "."
    prop: dict[str, Any] = {"type": kind, "description": text}
    if setting.secret:
        prop["secret"] = True
    return prop


def config_variables() -> dict[str, Any]:
    return {s.name: config_variable(s) for s in PLUGIN_SETTINGS}


def package_schema() -> dict[str, Any]:
    """The package schema, as the plugin's GetSchema returns it."""
    variables = config_variables()
    return {
        "name": PACKAGE,
        "displayName": "Telnyx SIPREC",
        "version": __version__,
        "description": "Telnyx SIPREC sessions, SIPREC connectors and TeXML test calls as Pulumi resources.",
        "keywords": ["telnyx", "siprec", "category/infrastructure", "kind/native"],
        "license": "Apache-2.0",
        "homepage": f"https://{REPOSITORY}",
        "repository": f"https://{REPOSITORY}",
        "publisher": "pulumi-telnyx-siprec",
        # No `pluginDownloadURL`: `pip install pulumi-telnyx-siprec` installs the plugin; no URL serves it as a
        # tarball, and the SDKs would carry the URL (pulumi-plugin.json `server`) for the engine to download from.
        "config": {"variables": variables},
        "provider": {
            "description": f"The {PACKAGE} provider; its settings fall back to TELNYX_* environment variables.",
            "inputProperties": variables,
            "properties": variables,
        },
        "types": enum_types(),
        "resources": {kind.spec.token: resource_spec(kind) for kind in RESOURCE_TYPES.values()},
        "language": {
            # Unscoped, named as the PyPI distribution and the repository are: codegen's default is `@pulumi/`,
            # Pulumi's own scope; `@telnyx/` is Telnyx's.
            "nodejs": {"packageName": "pulumi-telnyx-siprec", "respectSchemaVersion": True},
            # go.mod's module is this path less its last element (`.../sdk/go`), as in a repository's sdk/go/.
            "go": {
                "importBasePath": f"{REPOSITORY}/sdk/go/telnyxsiprec",
                "generateResourceContainerTypes": True,
                "respectSchemaVersion": True,
            },
            # The default root namespace `Pulumi` makes the assembly and NuGet id `Pulumi.TelnyxSiprec`, a prefix
            # Pulumi reserves on nuget.org; this makes both `TelnyxSiprec.Pulumi`.
            "csharp": {
                "rootNamespace": "TelnyxSiprec",
                "namespaces": {PACKAGE: "Pulumi"},
                "respectSchemaVersion": True,
            },
            # The Python distribution pulumi-telnyx-siprec already owns the import name `pulumi_telnyx_siprec`
            # (its dynamic providers); an SDK generated from this schema must not shadow it.
            "python": {"packageName": "pulumi_telnyx_siprec_sdk", "respectSchemaVersion": True},
        },
    }


def render() -> str:
    """The schema as the checked-in file holds it."""
    return json.dumps(package_schema(), indent=2) + "\n"
