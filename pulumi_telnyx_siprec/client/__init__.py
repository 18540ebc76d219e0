"""An HTTP client that knows Telnyx and nothing of Pulumi: typed methods (`telnyx_client.TelnyxClient`), typed
errors (`errors`), one retry policy (`retry`), over a transport it is given (`http`).

Nothing is imported here, so that the modules a preview needs (`errors`, `connection`) load without `requests`.
"""
