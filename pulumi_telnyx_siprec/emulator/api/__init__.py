"""The emulated Telnyx HTTP API: the account's state, the routes, injected faults, and what follows an operation
(status callbacks, and the SIPREC client through the `Recorder` protocol of `effects`, which it does not import)."""
