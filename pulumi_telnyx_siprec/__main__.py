"""`python -m pulumi_telnyx_siprec` serves the provider plugin: what the Python language host runs for a plugin
folder (PulumiPlugin.yaml at the repository's root; `pulumi.run.plugin` runs the package's `__main__`)."""

from .plugin.__main__ import main

main()
