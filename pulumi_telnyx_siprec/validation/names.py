"""Property names: their camelCase spelling, close matches for a misspelt one, and names that suggest a credential."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Patterns are compiled on first use (re caches them): a Pulumi program imports this module and never needs them.
_CREDENTIAL_NAME = r"(?i)(api|access|auth|secret|private)[_-]?key|token|secret|passw(or)?d|bearer|authori[sz]ation"


def looks_like_credential(name: str) -> bool:
    """True for property names that suggest someone passed a credential as an input."""
    return bool(re.search(_CREDENTIAL_NAME, name))


def camel_case(name: str) -> str:
    """A property's camelCase name, as Pulumi schemas spell it: `call_sid` is `callSid`, `from_` is `from`."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)



def close_matches(word: str, candidates: Iterable[str], cutoff: float) -> list[str]:
    """The candidate most like `word`, if any is at least `cutoff` alike (difflib's ratio)."""
    import difflib  # only an error message needs it; keep it out of a program's import time

    return difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
