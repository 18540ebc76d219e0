"""The provider plugin adapter: a Pulumi resource provider plugin (`pulumi-resource-telnyx-siprec`) serving every
resource of the package to any language as `telnyx-siprec:index:<Name>`. It is a second adapter over the same
operations as the dynamic providers (`resources/operations.py`); its package schema is `schema.json`, generated
from the specs.
"""
