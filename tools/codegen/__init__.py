"""Everything the repository generates from the resource specs and the benchmark results, in one place.

`python -m tools.codegen --write` regenerates every artefact; `python -m tools.codegen` checks that none has
drifted (tests/test_generated.py runs the same check). See `artefacts.py` for the list.
"""
