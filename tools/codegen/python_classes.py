"""The program-side Python classes of each resource, generated from its spec: the Args dataclass, the resource
class with typed `Output` attributes, and its dynamic provider; and the package's lazy exports."""

from __future__ import annotations

from pulumi_telnyx_siprec.resources.spec import Property, ResourceSpec
from pulumi_telnyx_siprec.validation import Field, Kind

from .text import docstring, generated_header

PACKAGE_DIR = "pulumi_telnyx_siprec"

_PYTHON_TYPES = {Kind.STRING: "str", Kind.BOOLEAN: "bool", Kind.INTEGER: "int", Kind.STRING_MAP: "dict[str, str]"}


def module_path(spec: ResourceSpec) -> str:
    """Where a resource's generated dynamic classes live, relative to the repository root."""
    return f"{PACKAGE_DIR}/dynamic/{spec.module_name}.py"


def input_annotation(spec: Field) -> str:
    """The annotation of an Args field: what a program may pass (values or outputs); optional ones may be None."""
    inner = "Mapping[str, pulumi.Input[str]]" if spec.kind is Kind.STRING_MAP else _PYTHON_TYPES[spec.kind]
    annotation = f"pulumi.Input[{inner}]"
    return annotation if spec.required else f"{annotation} | None"


def input_type(spec: Field) -> str:
    """An Args dataclass field: its annotation, and None as the default of an optional one."""
    return input_annotation(spec) if spec.required else f"{input_annotation(spec)} = None"


def output_type(prop: Property) -> str:
    """The annotation of a resource attribute: `Output[T]` when always set, else `Output[T | None]`."""
    python = _PYTHON_TYPES[prop.kind]
    return f"pulumi.Output[{python}]" if prop.always_set else f"pulumi.Output[{python} | None]"


def property_doc(prop: Property) -> str:
    """A resource attribute's documentation: its input's when it echoes one, else its own."""
    return field_doc(prop.input) if prop.input else prop.doc


def args_docstring(spec: ResourceSpec) -> list[str]:
    """The docstring of a resource's generated Args class (dynamic or native): every input, required or not."""
    params = [f":param {f.name}: ({'required' if f.required else 'optional'}) {field_doc(f)}"
              for f in spec.inputs.fields]
    return docstring([f"Inputs of a `{spec.name}`; every one is also an output, as checked (defaults filled in).",
                      params], "    ")


def constructor_head(name: str, fields: str) -> list[str]:
    """The start of a generated resource class's `__init__` (dynamic, native or `Provider`): an `<name>Args` or the
    same keyword arguments, read into `resolved` against `fields` (the expression naming the allowed inputs)."""
    return [
        "    def __init__(",
        "        self,",
        "        resource_name: str,",
        f"        args: {name}Args | None = None,",
        "        opts: pulumi.ResourceOptions | None = None,",
        "        **kwargs: Any,",
        "    ) -> None:",
        *docstring(f"Declares a `{name}`; pass a `{name}Args` or the same keyword arguments.", "        "),
        f"        resolved = args_from({name}Args, {fields}, args, kwargs)",
    ]


def field_doc(spec: Field) -> str:
    """An input's documentation with its allowed values and default, as every generated artefact states them."""
    text = spec.doc
    if spec.choices:
        listing = ", ".join(f"`{c}`" for c in spec.choices)
        text += f" One of {listing}." if spec.is_enum else f" Any of {listing}, separated by spaces."
    if spec.default is not None:
        shown = ("true" if spec.default else "false") if isinstance(spec.default, bool) else str(spec.default)
        condition = f" when `{spec.default_when}` is set" if spec.default_when else ""
        text += f" Default{condition}: `{shown}`."
    return text


def render_module(spec: ResourceSpec) -> str:
    """The source of `pulumi_telnyx_siprec/dynamic/<module>.py` for `spec`."""
    name = spec.name
    uses_mapping = any(f.kind is Kind.STRING_MAP for f in spec.inputs.fields)
    lines = [
        *generated_header(f"pulumi_telnyx_siprec/resources/{spec.module_name}/spec.py"),
        *docstring(f"{name}: {spec.summary}", ""),
        "",
        "from __future__ import annotations",
        "",
        *(["from collections.abc import Mapping"] if uses_mapping else []),
        "from dataclasses import dataclass",
        "from typing import Any",
        "",
        "import pulumi",
        "import pulumi.dynamic",
        "",
        f"from ..resources.{spec.module_name}.spec import SPEC",
        "from .program import args_from, dynamic_properties",
        "from .provider import DynamicProvider",
        "",
        f'__all__ = ["{name}", "{name}Args", "{name}Provider"]',
        "",
        "",
        f"class {name}Provider(DynamicProvider):",
        *docstring(f"The dynamic provider of `{name}`. Its module and class name are stored in the state of every "
                   f"`{name}` (the pickled `__provider`): keep them importable.", "    "),
        "",
        "    spec = SPEC",
        "",
        "",
        "@dataclass(kw_only=True)",
        f"class {name}Args:",
    ]
    lines += args_docstring(spec)
    lines.append("")
    for f in spec.inputs.fields:
        lines.append(f"    {f.name}: {input_type(f)}")
        lines += docstring(field_doc(f), "    ")
    lines += [
        "",
        "",
        f'class {name}(pulumi.dynamic.Resource, module="{_dynamic_module(spec)}", name="{name}"):',
        *docstring(spec.description, "    "),
        "",
    ]
    for prop in spec.properties:
        lines.append(f"    {prop.name}: {output_type(prop)}")
        lines += docstring(property_doc(prop), "    ")
    lines += [
        "",
        *constructor_head(name, "SPEC"),
        "        # Registered as `pulumi.dynamic.Resource` would register it, from one constructor frame less: see",
        "        # `dynamic/program.py`.",
        f"        props = dynamic_properties({name}Provider, SPEC, resolved)",
        "        pulumi.CustomResource.__init__(self, SPEC.dynamic_token, resource_name, props, opts)",
    ]
    return "\n".join(lines) + "\n"


def _dynamic_module(spec: ResourceSpec) -> str:
    return spec.dynamic_token.split("/", 1)[1].split(":", 1)[0]


def render_package_init(specs: tuple[ResourceSpec, ...]) -> str:
    """The source of `pulumi_telnyx_siprec/__init__.py`: every resource's classes, loaded on first use."""
    exports = sorted((f"{spec.name}{suffix}", spec.module_name)
                     for spec in specs for suffix in ("", "Args", "Provider"))
    lines = [
        *generated_header("the resource specs (pulumi_telnyx_siprec/resources/registry.py)"),
        '"""Pulumi resources for Telnyx SIPREC: declare call-recording forks to a Session Recording Server, the '
        "connectors",
        "they send media to, and test calls to record.",
        "",
        "The public names load on first use, so that the standard-library emulator (`pulumi_telnyx_siprec.emulator`) "
        "runs",
        "without importing Pulumi or requests.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import importlib",
        "from typing import TYPE_CHECKING, Any",
        "",
        "from ._version import __version__",
        "",
        "if TYPE_CHECKING:",
    ]
    for spec in sorted(specs, key=lambda s: s.module_name):  # in ruff's import order
        names = (spec.name, f"{spec.name}Args", f"{spec.name}Provider")
        line = f"    from .dynamic.{spec.module_name} import {', '.join(names)}"
        if len(line) <= 120:
            lines.append(line)
        else:  # as ruff wraps it
            lines += [f"    from .dynamic.{spec.module_name} import (", *(f"        {n}," for n in names), "    )"]
    lines += ["", "_EXPORTS = {"]
    lines += [f'    "{export}": ".dynamic.{module}",' for export, module in exports]
    lines += ["}", "", "__all__ = ["]
    lines += [f'    "{export}",' for export, _ in exports]
    lines += [
        '    "__version__",',
        "]",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        "    module = _EXPORTS.get(name)",
        "    if module is None:",
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        "    value = getattr(importlib.import_module(module, __name__), name)",
        "    globals()[name] = value",
        "    return value",
        "",
        "",
        "def __dir__() -> list[str]:",
        "    return sorted({*globals(), *_EXPORTS})",
    ]
    return "\n".join(lines) + "\n"
