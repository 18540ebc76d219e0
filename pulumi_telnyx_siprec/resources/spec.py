"""The declaration of a resource: everything about it that is not how it talks to Telnyx, written once.

A `ResourceSpec` holds a resource's name, documentation, input fields (with their rules), output fields (with
their types and whether they are always set), what replaces it, and which class runs its operations. Everything
else derives from the specs in `registry.py`: the program-side Python classes (generated), the dynamic and plugin
adapters, the plugin's package schema and the reference docs. Pure: it imports neither HTTP nor Pulumi, so the
emulator validates what it receives with the same input fields.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..validation import Field, FieldSet, Kind

if TYPE_CHECKING:
    from .operations import ResourceOperations

PACKAGE = "telnyx-siprec"
"""The Pulumi package name: plugin type tokens (`telnyx-siprec:index:SiprecSession`), provider config keys
(`telnyx-siprec:apiKey`) and the plugin executable (`pulumi-resource-telnyx-siprec`) all derive from it."""
MODULE = "index"
"""The Pulumi module of every plugin type token."""
DYNAMIC_MODULE = "telnyx"
"""The module of every dynamic type token: `pulumi-python:dynamic/telnyx:SiprecSession`. Part of every URN."""


@dataclass(frozen=True)
class OutputField:
    """A property the resource gives back that is not an input: its name, JSON kind and what it holds."""

    name: str
    kind: Kind
    doc: str
    always_set: bool = False
    """True only when every create and read sets it (the resource id, a value the provider itself makes): what
    Telnyx answers is read leniently, so a field its answer may lack is not always set."""


@dataclass(frozen=True)
class Property:
    """One property of the resource's state (an input as checked, or an output), as outputs describe it."""

    name: str
    kind: Kind
    doc: str
    always_set: bool
    input: Field | None
    """The input field it comes from; None for output-only properties."""


@dataclass(frozen=True)
class ResourceSpec:
    """Everything about one resource type that is not its operations' code."""

    name: str
    """The type name: the Python class, the plugin token's last part and the dynamic token's."""
    module_name: str
    """The snake_case name of its modules (`siprec_session`)."""
    description: str
    """Markdown; its first paragraph is the summary tables and package schemas show."""
    inputs: FieldSet
    outputs: tuple[OutputField, ...]
    """Output-only properties. Every input is an output too, as checked (defaults filled in)."""
    id_property: str
    """The property that is also the resource id."""
    operations_path: str
    """`module:Class` of its `ResourceOperations`, imported on first use (the spec stays free of HTTP)."""
    replaced_on: frozenset[str] | None = None
    """Inputs whose change replaces the resource; None: every input."""
    filled_in: frozenset[str] = frozenset()
    """Optional inputs the provider fills in at create when absent (an account id it looks up): always set as
    outputs, and their later absence from the program is not a change."""
    kept_when_absent: frozenset[str] = frozenset()
    """Other optional inputs whose absence from the program keeps what the resource has (one the API cannot
    clear): their absence is not a change."""
    examples: tuple[str, ...] = field(default=())
    """Python snippets for the reference docs."""

    def __post_init__(self) -> None:
        names = set(self.inputs.names)
        unknown = (self.filled_in | self.kept_when_absent | (self.replaced_on or frozenset())) - names
        if unknown:
            raise ValueError(f"{self.name}: {sorted(unknown)} are not inputs")
        clashes = names & {o.name for o in self.outputs}
        if clashes:
            raise ValueError(f"{self.name}: {sorted(clashes)} are both inputs and output-only properties")
        if self.id_property not in names | {o.name for o in self.outputs}:
            raise ValueError(f"{self.name}: id property `{self.id_property}` is not a property")

    @property
    def token(self) -> str:
        """The plugin type token, e.g. `telnyx-siprec:index:SiprecSession`."""
        return f"{PACKAGE}:{MODULE}:{self.name}"

    @property
    def dynamic_token(self) -> str:
        """The dynamic provider's type token, e.g. `pulumi-python:dynamic/telnyx:SiprecSession`."""
        return f"pulumi-python:dynamic/{DYNAMIC_MODULE}:{self.name}"

    @property
    def summary(self) -> str:
        """The description's first paragraph, on one line."""
        return " ".join(self.description.strip().split("\n\n")[0].split())

    @property
    def unchanged_when_absent(self) -> frozenset[str]:
        """Inputs whose absence from the program is not a change: filled in, or kept."""
        return self.filled_in | self.kept_when_absent

    def input_always_set(self, spec: Field) -> bool:
        """Whether an input is set in every state: required, defaulted unconditionally, or filled in."""
        return spec.required or (spec.default is not None and spec.default_when is None) or spec.name in self.filled_in

    @cached_property
    def properties(self) -> tuple[Property, ...]:
        """Every property of the state: the inputs (as checked), then the output-only ones."""
        from_inputs = tuple(Property(f.name, f.kind, f.doc, self.input_always_set(f), f) for f in self.inputs.fields)
        outputs = tuple(Property(o.name, o.kind, o.doc, o.always_set or o.name == self.id_property, None)
                        for o in self.outputs)
        return from_inputs + outputs

    @property
    def output_names(self) -> tuple[str, ...]:
        """The output-only property names."""
        return tuple(o.name for o in self.outputs)

    def replaces_on(self, name: str) -> bool:
        """Whether a change of input `name` replaces the resource."""
        return self.replaced_on is None or name in self.replaced_on

    @cached_property
    def operations(self) -> type[ResourceOperations]:
        """Its operations class, imported on first use."""
        module_name, _, class_name = self.operations_path.partition(":")
        found: type[ResourceOperations] = getattr(importlib.import_module(module_name), class_name)
        return found
