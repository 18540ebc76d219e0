"""The Pulumi package schema of `telnyx-siprec`, generated from the input schemas and settings.

Types, descriptions, required inputs, enums and replace-on-change all come from each resource's `Schema` and
`ResourceOperations`, and provider config from the package's settings, so a field is described in one place.
Defaults are stated in descriptions but not declared: generated SDKs would otherwise send them from the program,
and a declared default for `baseUrl` would hide the TELNYX_BASE_URL fallback.

`python -m pulumi_telnyx_siprec.plugin.package_schema --write` regenerates the checked-in `schema.json`;
without `--write` it prints the schema.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .._version import __version__
from ..schema import Field, InvalidValueError, Kind
from ..settings import PLUGIN_SETTINGS, Setting
from .resources import ALL_NAMES, MODULE, PACKAGE, RESOURCE_TYPES, ResourceType

SCHEMA_FILE = Path(__file__).with_name("schema.json")

_PRIMITIVES = {Kind.STRING: "string", Kind.BOOLEAN: "boolean", Kind.INTEGER: "integer"}


def _pascal(name: str) -> str:
    wire = ALL_NAMES.wire(name)
    return wire[:1].upper() + wire[1:]


def is_enum(spec: Field) -> bool:
    """True when a field's `choices` are its only allowed values. They may instead be the words of a list (a
    TeXML `StatusCallbackEvent` is `initiated answered`), which the field's own rules then accept."""
    if spec.kind is not Kind.STRING or not spec.choices:
        return False
    try:
        spec.validate(" ".join(spec.choices[:2]))
    except InvalidValueError:
        return True
    return len(spec.choices) == 1


def enum_token(kind: ResourceType, spec: Field) -> str:
    return f"{PACKAGE}:{MODULE}:{kind.name}{_pascal(spec.name)}"


def type_spec(kind: ResourceType, spec: Field) -> dict[str, Any]:
    """A field's type: a primitive, a map of strings, or a reference to its enum type."""
    if is_enum(spec):
        return {"type": "string", "$ref": f"#/types/{enum_token(kind, spec)}"}
    if spec.kind is Kind.STRING_MAP:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    return {"type": _PRIMITIVES[spec.kind]}


def description(spec: Field) -> str:
    text = spec.doc
    if spec.default is not None:
        shown = spec.default if isinstance(spec.default, str) else json.dumps(spec.default)
        condition = f" when `{spec.default_when}` is set" if spec.default_when else ""
        text += f" Default{condition}: `{shown}`."
    return ALL_NAMES.text(text)


def input_property(kind: ResourceType, spec: Field) -> dict[str, Any]:
    prop = {**type_spec(kind, spec), "description": description(spec)}
    replaced_on = kind.operations.replaced_on
    if replaced_on is None or spec.name in replaced_on:
        prop["willReplaceOnChanges"] = True
    return prop


def resource_spec(kind: ResourceType) -> dict[str, Any]:
    """Inputs, outputs (the inputs as checked, and the output-only properties), and which are always set."""
    ops = kind.operations
    fields = ops.schema.fields
    inputs = {kind.names.wire(f.name): input_property(kind, f) for f in fields}
    outputs = {
        **{name: {k: v for k, v in prop.items() if k != "willReplaceOnChanges"} for name, prop in inputs.items()},
        **{kind.names.wire(name): {"type": "string", "description": ALL_NAMES.text(doc)}
           for name, doc in ops.outputs.items()},
    }
    always_set = [f for f in fields if f.required or (f.default is not None and f.default_when is None)]
    return {
        "description": ALL_NAMES.text(_first_paragraph(ops.__doc__ or kind.name)),
        "inputProperties": inputs,
        "requiredInputs": [kind.names.wire(f.name) for f in fields if f.required],
        "properties": outputs,
        "required": [kind.names.wire(f.name) for f in always_set],
    }


def enum_types() -> dict[str, Any]:
    return {
        enum_token(kind, spec): {
            "type": "string",
            "description": f"Values of `{kind.name}.{kind.names.wire(spec.name)}`.",
            "enum": [{"value": choice} for choice in spec.choices],
        }
        for kind in RESOURCE_TYPES.values()
        for spec in kind.operations.schema.fields
        if is_enum(spec)
    }


def config_variable(setting: Setting) -> dict[str, Any]:
    kind = "integer" if setting.integer else "number" if setting.client_option else "string"
    text = f"{setting.doc} Falls back to the environment variable `{setting.env_var}`"
    text += f", then `{setting.default}`." if setting.default is not None else "."
    prop: dict[str, Any] = {"type": kind, "description": text}
    if setting.secret:
        prop["secret"] = True
    return prop


def config_variables() -> dict[str, Any]:
    return {s.name: config_variable(s) for s in PLUGIN_SETTINGS}


def package_schema() -> dict[str, Any]:
    """The package schema, as GetSchema returns it."""
    variables = config_variables()
    return {
        "name": PACKAGE,
        "displayName": "Telnyx SIPREC",
        "version": __version__,
        "description": "Telnyx SIPREC sessions, SIPREC connectors and TeXML test calls as Pulumi resources.",
        "keywords": ["telnyx", "siprec", "category/infrastructure", "kind/native"],
        "license": "Apache-2.0",
        "config": {"variables": variables},
        "provider": {
            "description": f"The {PACKAGE} provider; its settings fall back to TELNYX_* environment variables.",
            "inputProperties": variables,
            "properties": variables,
        },
        "types": enum_types(),
        "resources": {kind.token: resource_spec(kind) for kind in RESOURCE_TYPES.values()},
        "language": {
            # The Python distribution pulumi-telnyx-siprec already owns the import name `pulumi_telnyx_siprec`
            # (its dynamic providers); an SDK generated from this schema must not shadow it.
            "python": {"packageName": "pulumi_telnyx_siprec_sdk"},
        },
    }


def rendered() -> str:
    """The schema as the checked-in file holds it."""
    return json.dumps(package_schema(), indent=2, sort_keys=False) + "\n"


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulumi_telnyx_siprec.plugin.package_schema",
                                     description="Print the telnyx-siprec package schema, or write schema.json.")
    parser.add_argument("--write", action="store_true", help=f"write it to {SCHEMA_FILE}")
    args = parser.parse_args(argv)
    if args.write:
        SCHEMA_FILE.write_text(rendered(), encoding="utf-8")
        print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
    else:
        sys.stdout.write(rendered())
    return 0


if __name__ == "__main__":
    sys.exit(main())
