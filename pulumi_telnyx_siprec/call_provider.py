"""TexmlCallProvider: the dynamic provider of `TexmlCall` (its operations are in call_ops.py).

The module and class name are stored in every call's state (`__provider`, pickled by reference): keep them.
"""

from __future__ import annotations

from .call_ops import CallOperations
from .provider_base import TelnyxProvider


class TexmlCallProvider(TelnyxProvider):
    """Places (create), hangs up (delete), refreshes (read) and validates (check) a TeXML test call."""

    operations = CallOperations
