"""The provider's configuration: its settings (stack or provider config, then environment variables, then
defaults) and the one Telnyx client per process they build."""
