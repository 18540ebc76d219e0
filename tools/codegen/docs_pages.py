"""Reference docs generated from the specs and settings: a page per resource, the table of resources, and the
table of provider settings."""

from __future__ import annotations

from pulumi_telnyx_siprec.client.http import Timeouts
from pulumi_telnyx_siprec.client.retry import RetrySettings
from pulumi_telnyx_siprec.configuration.settings import PLUGIN_SETTINGS
from pulumi_telnyx_siprec.plugin.resources import RESOURCE_TYPES
from pulumi_telnyx_siprec.resources.spec import Property, ResourceSpec
from pulumi_telnyx_siprec.validation import Field

from .python_classes import field_doc
from .text import cell


def page_path(spec: ResourceSpec) -> str:
    """Where a resource's reference page lives, relative to the repository root."""
    return f"docs/resources/{spec.module_name.replace('_', '-')}.md"


def _default(spec: Field) -> str:
    if spec.required:
        return "required"
    if spec.default is None:
        return "optional"
    shown = ("true" if spec.default else "false") if isinstance(spec.default, bool) else str(spec.default)
    return f"default `{shown}`" + (f" when `{spec.default_when}` is set" if spec.default_when else "")


def _type(prop: Property) -> str:
    return prop.kind.value


def resource_page(spec: ResourceSpec) -> str:
    """A resource's reference page: what it is, how each language declares it, its inputs and its outputs."""
    names = RESOURCE_TYPES[spec.token].names
    lines = [
        f"<!-- Generated from pulumi_telnyx_siprec/resources/{spec.module_name}/spec.py by "
        "`python -m tools.codegen --write`: edit the spec, not this page. -->",
        f"# {spec.name}",
        "",
        spec.description.strip(),
        "",
        "| program | declare it as | served by |",
        "|---|---|---|",
        f"| Python | `pulumi_telnyx_siprec.{spec.name}` | the dynamic provider, type `{spec.dynamic_token}` |",
        f"| Python, native classes ([which to choose](../python-families.md)) | "
        f"`pulumi_telnyx_siprec.native.{spec.name}` | the provider plugin `pulumi-resource-telnyx-siprec`, type "
        f"`{spec.token}` |",
        f"| YAML, TypeScript, Go, C#, Java | `{spec.token}` | the provider plugin `pulumi-resource-telnyx-siprec` |",
        "",
        "## Inputs",
        "",
        "Python names first; YAML and the other languages use the camelCase name. Every input is also an output, as "
        "checked (defaults filled in).",
        "",
        "| input | other languages | type | sent as | required / default | on change | what it does |",
        "|---|---|---|---|---|---|---|",
    ]
    for field in spec.inputs.fields:
        sent = f"`{field.wire_key}`" if field.wire_key else "not a body field"
        change = "replaces" if spec.replaces_on(field.name) else "updates in place"
        lines.append(f"| `{field.name}` | `{names.wire(field.name)}` | {field.kind.value} | {sent} | "
                     f"{_default(field)} | {change} | {cell(field_doc(field))} |")
    lines += [
        "",
        "## Outputs",
        "",
        "Besides the inputs. \"Always set\" outputs are typed as such in every language's SDK; the others may be "
        "absent (what Telnyx answers is read leniently).",
        "",
        "| output | other languages | type | always set | what it holds |",
        "|---|---|---|---|---|",
    ]
    for prop in spec.properties:
        if prop.input is None:
            lines.append(f"| `{prop.name}` | `{names.wire(prop.name)}` | {_type(prop)} | "
                         f"{'yes' if prop.always_set else 'no'} | {cell(prop.doc)} |")
    always = [f"`{p.name}`" for p in spec.properties if p.input is not None and p.always_set]
    lines += ["", f"The resource id is `{spec.id_property}`. Inputs always set in the outputs: {', '.join(always)}."]
    return "\n".join(lines) + "\n"


def resources_table(link_prefix: str) -> str:
    """One row per resource: its name (linking its page) and what it is. `link_prefix` is the path from the file
    that holds the table to `docs/` (`"docs/"` from the repository root, `""` from a page in `docs/`)."""
    rows = ["| resource | what it is |", "|---|---|"]
    for kind in RESOURCE_TYPES.values():
        spec = kind.spec
        link = link_prefix + page_path(spec).removeprefix("docs/")
        rows.append(f"| [`{spec.name}`]({link}) | {cell(spec.summary)} |")
    return "\n".join(rows)


def settings_table() -> str:
    """The provider settings: their names for Python and for other languages, variables, defaults."""
    rows = ["| Python, dynamic classes (stack config) | native classes, YAML, other languages (provider config) | "
            "environment variable | default | what it does |", "|---|---|---|---|---|"]
    client_defaults = {"timeouts": Timeouts(), "retry": RetrySettings()}
    for setting in PLUGIN_SETTINGS:
        default = f"`{setting.default}`" if setting.default else "none"
        if setting.client_option:
            group, name = setting.client_option
            default = f"`{getattr(client_defaults[group], name):g}`"
        python = f"`{setting.config_key}`" if setting.client_option or setting.name in ("apiKey", "baseUrl") else "-"
        rows.append(f"| {python} | `telnyx-siprec:{setting.name}` | `{setting.env_var}` | {default} | "
                    f"{setting.described} |")
    return "\n".join(rows)
