"""`pulumi-resource-telnyx-siprec` (or `python -m pulumi_telnyx_siprec.plugin`): the provider plugin's entry point."""

from __future__ import annotations

import sys


def main() -> None:
    """Serves the plugin; the engine reads the port from the first line of stdout."""
    from .server import run  # grpc and Pulumi load only when the plugin runs, not when this module is imported

    run(sys.argv[1:])


if __name__ == "__main__":
    main()
