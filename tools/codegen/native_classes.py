"""The native Python classes, generated from the same specs as the dynamic ones: for each resource an Args class and
a resource class registering `telnyx-siprec:index:<Name>`, which the engine serves with the provider plugin; a
`Provider` resource from the plugin's settings; and the package `pulumi_telnyx_siprec.native` that exports them.

They follow how Pulumi's own Python code generator maps names: the Args class is a `@pulumi.input_type` whose
attributes carry their camelCase names (`pulumi.property("callSid")`), and the resource's typed `Output` attributes
carry theirs, so the SDK translates both ways. The names are the plugin's (`plugin/resources.py`), the same ones its
schema declares.
"""

from __future__ import annotations

import re

from pulumi_telnyx_siprec.configuration.settings import Setting
from pulumi_telnyx_siprec.plugin.resources import RESOURCE_TYPES
from pulumi_telnyx_siprec.resources.spec import PACKAGE, ResourceSpec
from pulumi_telnyx_siprec.validation import Kind

from .python_classes import (
    PACKAGE_DIR,
    args_docstring,
    constructor_head,
    field_doc,
    input_annotation,
    output_type,
    property_doc,
)
from .text import LINE_LENGTH, docstring, generated_header

NATIVE_DIR = f"{PACKAGE_DIR}/native"
INIT_PATH = f"{NATIVE_DIR}/__init__.py"
PROVIDER_PATH = f"{NATIVE_DIR}/provider.py"
RESERVED = frozenset({"id", "urn", "package"})
"""Attributes `pulumi.CustomResource` (or `ProviderResource`) already has: no property may be named so."""


TAKEN_MODULES = frozenset({"__init__", "program", "provider"})
"""The modules of `native/` that are not a resource's."""


def module_path(spec: ResourceSpec) -> str:
    """Where a resource's generated native classes live, relative to the repository root."""
    if spec.module_name in TAKEN_MODULES:
        raise ValueError(f"{spec.name}: module name `{spec.module_name}` is taken in pulumi_telnyx_siprec/native/")
    return f"{NATIVE_DIR}/{spec.module_name}.py"


def python_name(setting_name: str) -> str:
    """A setting's Python name: `apiKey` is `api_key`."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", setting_name).lower()


def _named(name: str, annotation: str, pulumi_name: str) -> list[str]:
    """A class attribute with its Pulumi name, on two lines when one would be too long."""
    line = f'    {name}: {annotation} = pulumi.property("{pulumi_name}")'
    if len(line) <= LINE_LENGTH:
        return [line]
    return [f"    {name}: {annotation} = pulumi.property(", f'        "{pulumi_name}")']


def _init(params: list[tuple[str, str, bool]], indent: str = "    ") -> list[str]:
    """A keyword-only `__init__` that stores each parameter (name, annotation, required) as an attribute."""
    lines = [f"{indent}def __init__(", f"{indent}    self,", f"{indent}    *,"]
    lines += [f"{indent}    {name}: {annotation}{'' if required else ' = None'},"
              for name, annotation, required in params]
    lines.append(f"{indent}) -> None:")
    lines += [f"{indent}    self.{name} = {name}" for name, _, _ in params]
    return lines


def _imports(spec_import: str, program_name: str, *, uses_mapping: bool = False) -> list[str]:
    """The imports of a generated native module: `spec_import` (what it is generated from) and `program_name` of
    `native/program.py` beside what every one uses."""
    return [
        "from __future__ import annotations",
        "",
        *(["from collections.abc import Mapping"] if uses_mapping else []),
        "from typing import Any",
        "",
        "import pulumi",
        "",
        "from ..resources.arguments import args_from",
        spec_import,
        f"from .program import {program_name}",
    ]


def render_module(spec: ResourceSpec) -> str:
    """The source of `pulumi_telnyx_siprec/native/<module>.py` for `spec`."""
    name = spec.name
    names = RESOURCE_TYPES[spec.token].names
    clashes = sorted(RESERVED & {p.name for p in spec.properties})
    if clashes:
        raise ValueError(f"{name}: properties {clashes} would hide pulumi.CustomResource attributes; rename them")
    uses_mapping = any(f.kind is Kind.STRING_MAP for f in spec.inputs.fields)
    lines = [
        *generated_header(f"pulumi_telnyx_siprec/resources/{spec.module_name}/spec.py"),
        *docstring([f"{name}: {spec.summary}",
                    f"Native class: registers `{spec.token}`, which the engine serves with the provider plugin "
                    f"`pulumi-resource-{PACKAGE}` (see `pulumi_telnyx_siprec.native`)."], ""),
        "",
        *_imports(f"from ..resources.{spec.module_name}.spec import SPEC", "registered", uses_mapping=uses_mapping),
        "",
        f'__all__ = ["{name}", "{name}Args"]',
        "",
        "",
        "@pulumi.input_type",
        f"class {name}Args:",
    ]
    lines += args_docstring(spec)
    lines.append("")
    for f in spec.inputs.fields:
        lines += _named(f.name, input_annotation(f), names.wire(f.name))
        lines += docstring(field_doc(f), "    ")
    lines.append("")
    lines += _init([(f.name, input_annotation(f), f.required) for f in spec.inputs.fields])
    lines += [
        "",
        "",
        f"class {name}(pulumi.CustomResource):",
        *docstring(spec.description, "    "),
        "",
    ]
    for prop in spec.properties:
        lines += _named(prop.name, output_type(prop), names.wire(prop.name))
        lines += docstring(property_doc(prop), "    ")
    lines += [
        "",
        *constructor_head(name, "SPEC"),
        "        super().__init__(SPEC.token, resource_name, registered(SPEC, resolved), opts)",
    ]
    return "\n".join(lines) + "\n"


def _setting_annotation(setting: Setting) -> str:
    kind = "int" if setting.integer else "float" if setting.client_option else "str"
    return f"pulumi.Input[{kind}] | None"


def _setting_doc(setting: Setting) -> str:
    text = f"{setting.doc} Falls back to the environment variable `{setting.env_var}`"
    return text + (f", then `{setting.default}`." if setting.default is not None else ".")


def render_provider(settings: tuple[Setting, ...]) -> str:
    """The source of `pulumi_telnyx_siprec/native/provider.py`: the explicit provider resource and its Args."""
    lines = [
        *generated_header("the plugin's settings (pulumi_telnyx_siprec/configuration/settings.py)"),
        *docstring([f"Provider: an explicit instance of the provider plugin `pulumi-resource-{PACKAGE}`.",
                    "Resources given `opts=pulumi.ResourceOptions(provider=...)` use it instead of the default "
                    f"provider, which reads the stack config `{PACKAGE}:*`: for a stack that talks to two Telnyx "
                    "accounts, or to the emulator and to Telnyx at once."], ""),
        "",
        *_imports("from ..resources.spec import PACKAGE", "registered_settings"),
        "",
        '__all__ = ["Provider", "ProviderArgs"]',
        "",
        "SETTINGS = (",
        *(f'    "{python_name(s.name)}",' for s in settings),
        ")",
        "SECRETS = {" + ", ".join(f'"{python_name(s.name)}": "{s.name}"' for s in settings if s.secret) + "}",
        '"""The settings the state keeps only as ciphertext, with their config names."""',
        "",
        "",
        "@pulumi.input_type",
        "class ProviderArgs:",
    ]
    params = [f":param {python_name(s.name)}: (optional) {_setting_doc(s)}" for s in settings]
    lines += docstring([f"Settings of a `Provider`, as the stack config `{PACKAGE}:*` sets the default provider's.",
                        params], "    ")
    lines.append("")
    for s in settings:
        lines += _named(python_name(s.name), _setting_annotation(s), s.name)
        lines += docstring(_setting_doc(s), "    ")
    lines.append("")
    lines += _init([(python_name(s.name), _setting_annotation(s), False) for s in settings])
    lines += [
        "",
        "",
        "class Provider(pulumi.ProviderResource):",
        *docstring([f"An instance of the `{PACKAGE}` provider plugin with its own settings.",
                    "Unset settings fall back to their environment variables, then to their defaults, as the "
                    f"default provider's do; they do not fall back to the stack config `{PACKAGE}:*`. Secrets are "
                    "stored as ciphertext."], "    "),
        "",
        *constructor_head("Provider", "SETTINGS"),
        "        secret = pulumi.ResourceOptions(additional_secret_outputs=list(SECRETS.values()))",
        "        props = registered_settings(resolved, tuple(SECRETS))",
        "        super().__init__(PACKAGE, resource_name, props, pulumi.ResourceOptions.merge(opts, secret))",
    ]
    return "\n".join(lines) + "\n"


def render_init(specs: tuple[ResourceSpec, ...]) -> str:
    """The source of `pulumi_telnyx_siprec/native/__init__.py`: every resource's native classes and `Provider`."""
    lines = [
        *generated_header("the resource specs (pulumi_telnyx_siprec/resources/registry.py)"),
        *docstring([
            f"Native classes: the package's resources for Python programs, served by the provider plugin "
            f"`pulumi-resource-{PACKAGE}` rather than by the dynamic provider.",
            "The same class names, Args, docstrings and typed outputs as `pulumi_telnyx_siprec` (the dynamic "
            f"classes), registering `{PACKAGE}:index:<Name>` with camelCase properties as the plugin's schema does. "
            f"The default provider reads the stack config `{PACKAGE}:*`; `Provider` is an explicit one. The plugin "
            "has no cap of 4 calls in flight (`maxConcurrency`, default 64), so `up`, `refresh` and `destroy` of "
            "many resources run at the engine's own pace.",
            "Opt in by importing from here. The two families have different type tokens, so moving a stack from "
            "one to the other means new URNs: the engine creates the new resources and deletes the old ones "
            "(docs/python-families.md). The engine must find `pulumi-resource-telnyx-siprec` on PATH (the "
            "virtualenv's `bin`, where pip puts it).",
        ], ""),
        "",
        "from __future__ import annotations",
        "",
    ]
    for spec in sorted(specs, key=lambda s: s.module_name):  # in ruff's import order
        if spec.module_name < "provider":
            lines.append(f"from .{spec.module_name} import {spec.name}, {spec.name}Args")
    lines.append("from .provider import Provider, ProviderArgs")
    for spec in sorted(specs, key=lambda s: s.module_name):
        if spec.module_name > "provider":
            lines.append(f"from .{spec.module_name} import {spec.name}, {spec.name}Args")
    exports = sorted([*(f"{spec.name}{suffix}" for spec in specs for suffix in ("", "Args")), "Provider",
                      "ProviderArgs"])
    lines += ["", "__all__ = ["]
    lines += [f'    "{export}",' for export in exports]
    lines.append("]")
    return "\n".join(lines) + "\n"
