"""The resources: one folder per resource area, each with its spec (`spec.py`: inputs, outputs, rules, docs) and
its operations (`operations.py`: what it does, as Telnyx client calls). `registry.py` lists the specs."""
