"""`python -m benchmarks.profile`: where the provider server spends a create, sampled with py-spy.

Drives Check + Create over gRPC against the emulator for a few seconds while py-spy samples the provider server
process, then sorts the samples of its worker threads by whose code they were in.
"""

from __future__ import annotations

import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import cases

OWNERS = (
    ("pulumi_telnyx_siprec", "this package (check, create, client)"),
    ("requests/", "requests and urllib3 (HTTP to the API)"),
    ("urllib3/", "requests and urllib3 (HTTP to the API)"),
    ("http/client", "requests and urllib3 (HTTP to the API)"),
    ("pulumi/", "Pulumi SDK (provider server glue, property (de)serialization)"),
    ("grpc/", "gRPC (transport of the engine's calls)"),
    ("asyncio/", "Pulumi SDK (provider server glue, property (de)serialization)"),
)


def owner(stack: str) -> str:
    """Who the innermost frame of a sampled stack belongs to."""
    for frame in reversed(stack.split(";")):
        for marker, name in OWNERS:
            if marker in frame:
                return name
    return "other"


def profile(seconds: float = 5.0) -> dict[str, Any] | None:
    """Shares of the provider server's busy worker samples by owner, or None without py-spy."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return None
    with cases.emulator() as api, cases.provider_server(api.base_url) as server, \
            tempfile.TemporaryDirectory() as scratch:
        check, create = cases.engine_requests(server)
        output = Path(scratch) / "samples.txt"
        sampler = subprocess.Popen(  # noqa: S603 - py-spy on our own child process
            [spy, "record", "--pid", str(server.pid), "--format", "raw", "--rate", "500", "--duration",
             str(int(seconds) + 1), "--output", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        started, pairs = time.perf_counter(), 0
        while time.perf_counter() - started < seconds:
            server.stub.Check(check)
            server.stub.Create(create)
            pairs += 1
        sampler.wait()
        lines = output.read_text().splitlines()
    busy: collections.Counter[str] = collections.Counter()
    for line in lines:
        stack, _, count = line.rpartition(" ")
        # Only the gRPC worker threads doing work: idle waits are not cost.
        if "_WorkItem.run" in stack and not stack.rsplit(";", 1)[-1].startswith(("wait", "Condition.wait")):
            busy[owner(stack)] += int(count)
    total = sum(busy.values()) or 1
    return {"pairs": pairs, "seconds": seconds, "samples": total,
            "shares": {name: count / total for name, count in busy.most_common()}}


def main() -> int:
    result = profile()
    if result is None:
        print("py-spy is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 1
    print(f"{result['pairs']} Check + Create pairs in {result['seconds']:g} s while sampling; "
          "busy worker samples by owner:")
    for name, share in result["shares"].items():
        print(f"  {100 * share:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
