"""`python -m tools.codegen [--write]`: checks (or rewrites) every generated artefact."""

from __future__ import annotations

import argparse
import sys

from .artefacts import stale, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.codegen",
                                     description="Check, or with --write regenerate, every generated artefact.")
    parser.add_argument("--write", action="store_true", help="rewrite the artefacts that are stale")
    args = parser.parse_args(argv)
    if args.write:
        for path in write():
            print(f"wrote {path}")
        return 0
    drifted = stale()
    for path in drifted:
        print(f"stale: {path}")
    if drifted:
        print("run `python -m tools.codegen --write` and commit the result", file=sys.stderr)
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
