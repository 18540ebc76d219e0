"""`python -m pulumi_telnyx_siprec.emulator.local_srs`: the local SRS's former command, kept so that scripts that
name it still run. It runs `python -m pulumi_telnyx_siprec.emulator.srs` (the harness now lives in `srs/`)."""

from __future__ import annotations

import sys

from .srs.local_srs import main

FORMER_COMMAND = "python -m pulumi_telnyx_siprec.emulator.local_srs"

if __name__ == "__main__":
    sys.exit(main(prog=FORMER_COMMAND))
