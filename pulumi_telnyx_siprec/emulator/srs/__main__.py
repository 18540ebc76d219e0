"""`python -m pulumi_telnyx_siprec.emulator.srs`: a local SRS until SIGTERM or SIGINT (see `local_srs`)."""

from __future__ import annotations

import sys

from .local_srs import main

if __name__ == "__main__":
    sys.exit(main())
