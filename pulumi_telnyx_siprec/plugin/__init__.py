"""A Pulumi resource provider plugin (`pulumi-resource-telnyx-siprec`) serving the package's resources to any
language: `telnyx-siprec:index:SiprecSession`, `telnyx-siprec:index:SiprecConnector`, `telnyx-siprec:index:TexmlCall`.

It is a second adapter over the same operations as the Python dynamic providers (see `operations.py`).
"""
