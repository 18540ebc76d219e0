"""The dynamic-provider adapter and the Python resource classes it serves.

`provider.py` translates Pulumi's `ResourceProvider` calls into a resource's operations; one module per resource
(`siprec_session.py`, ...) holds its program-side classes (the Args, the resource, its provider), generated from
its spec by `python -m pulumi_telnyx_siprec.codegen`.
"""
