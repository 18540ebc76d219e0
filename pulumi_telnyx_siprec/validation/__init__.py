"""Input validation that knows neither HTTP nor Pulumi: fields, the rules their values obey, and field sets that
check a resource's inputs all at once. Standard library only, so the emulator and property tests use it as is."""

from .field_set import FieldSet, never_unknown
from .fields import CheckOutcome, Failure, Field, InvalidValueError, Kind, Problem, Rule, describe
from .names import camel_case, looks_like_credential

__all__ = [
    "CheckOutcome",
    "Failure",
    "Field",
    "FieldSet",
    "InvalidValueError",
    "Kind",
    "Problem",
    "Rule",
    "camel_case",
    "describe",
    "looks_like_credential",
    "never_unknown",
]
