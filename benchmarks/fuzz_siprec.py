"""`python -m benchmarks.fuzz_siprec --cases 5000`: the SIPREC client's fuzzer (tests/test_siprec_fuzz.py) at a size
CI does not run. Plays the findings of issue 23 point 2, then N generated hostile-SRS cases through the real UDP, TCP
and TLS paths, each checked for the invariants of tests/support/siprec_fuzz.py, and prints what happened: cases run,
by transport and final state, and how many reached each bound.

The cases are hypothesis's derandomized sequence (as in the tests) unless `--seed` picks another reproducible one. On
a broken invariant, hypothesis shrinks the case, prints it, and this exits 1. Nothing here is timed beyond the
elapsed time it reports; `--json` writes the counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, example, given, seed, settings

from benchmarks.measure import machine
from tests.support.siprec_fuzz import Case, FuzzRig, cases, finding_cases


def play(count: int, chosen_seed: int | None) -> tuple[FuzzRig, BaseException | None]:
    """Runs the findings and `count` generated cases; the rig (with its counts) and the failure, if one."""
    failure: BaseException | None = None
    with FuzzRig() as rig:

        def one_case(case: Case) -> None:
            rig.run(case)

        test = given(cases())(one_case)
        for case in reversed(finding_cases()):
            test = example(case)(test)
        test = settings(max_examples=count, database=None, derandomize=chosen_seed is None, deadline=None,
                        print_blob=True, suppress_health_check=list(HealthCheck))(test)
        if chosen_seed is not None:
            test = seed(chosen_seed)(test)
        try:
            test()
        except Exception as err:  # reported below, with the counts so far
            failure = err
    return rig, failure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz_siprec", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000, help="generated cases to play (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="another reproducible sequence of cases")
    parser.add_argument("--json", type=Path, default=None, help="where to write the counts as JSON")
    args = parser.parse_args(argv)

    started = time.monotonic()
    rig, failure = play(args.cases, args.seed)
    elapsed = time.monotonic() - started
    counts = dict(sorted(rig.counts.items()))
    print(f"machine: {machine()}")
    print(f"cases run: {counts.pop('cases', 0)} ({len(finding_cases())} findings, then up to {args.cases} generated;"
          f" shrinking replays count too) in {elapsed:.0f} s")
    for name, number in counts.items():
        print(f"  {name}: {number}")
    if args.json is not None:
        args.json.write_text(json.dumps({"machine": machine(), "settings": {"cases": args.cases, "seed": args.seed},
                                         "elapsed_s": elapsed, "counts": rig.counts,
                                         "failure": None if failure is None else str(failure)}, indent=2) + "\n")
    if failure is not None:
        # With hypothesis's notes: the smallest failing case, and how to reproduce it.
        print("an invariant failed: " + "".join(traceback.format_exception_only(failure)), file=sys.stderr)
        return 1
    print("every invariant held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
