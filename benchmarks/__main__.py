"""`python -m benchmarks`: runs every measurement, prints a table, and writes it as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks import cases
from benchmarks.measure import machine
from benchmarks.profile import profile

DEFAULT_JSON = Path(__file__).resolve().parent / "results.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("-n", type=int, default=300, help="resources per create measurement (default 300)")
    parser.add_argument("--preview-n", type=int, default=1000, help="resources in the preview measurement")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions of each measurement (default 5)")
    parser.add_argument("--latency", type=float, default=0.02,
                        help="API round trip the emulator adds in the latency measurements, seconds (default 0.02)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write results ({DEFAULT_JSON})")
    parser.add_argument("--no-profile", action="store_true", help="skip sampling the provider server with py-spy")
    args = parser.parse_args(argv)

    results = [
        *cases.create_overhead(args.n, args.repeats, args.latency),
        *cases.parallelism(args.n, args.repeats, args.latency),
        *cases.preview_cost(args.preview_n, args.repeats),
        *cases.state_weight(),
        *cases.import_cost(args.repeats),
    ]
    sampled = None if args.no_profile else profile()
    report = {"machine": machine(), "settings": vars(args) | {"json": str(args.json)},
              "results": [r.to_json() for r in results], "profile": sampled}
    args.json.write_text(json.dumps(report, indent=2) + "\n")

    print(f"machine: {report['machine']}")
    cases.print_results(results)
    if sampled:
        print("where the provider server's busy time goes during Check + Create (py-spy):")
        for name, share in sampled["shares"].items():
            print(f"  {100 * share:5.1f}%  {name}")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
