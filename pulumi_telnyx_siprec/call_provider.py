"""Where the first release (0.1) defined `TexmlCallProvider`. The state of every `TexmlCall` it created holds this
module and class name (the pickled `__provider`), so they stay importable. The class is in `dynamic/texml_call.py`."""

from .dynamic.texml_call import TexmlCallProvider

__all__ = ["TexmlCallProvider"]
