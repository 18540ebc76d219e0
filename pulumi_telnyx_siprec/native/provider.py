# Generated from the plugin's settings (pulumi_telnyx_siprec/configuration/settings.py) by
# `python -m tools.codegen --write`: edit the source, then regenerate. tests/test_generated.py checks it.
"""Provider: an explicit instance of the provider plugin `pulumi-resource-telnyx-siprec`.

Resources given `opts=pulumi.ResourceOptions(provider=...)` use it instead of the default provider, which reads the
stack config `telnyx-siprec:*`: for a stack that talks to two Telnyx accounts, or to the emulator and to Telnyx at once.
"""

from __future__ import annotations

from typing import Any

import pulumi

from ..resources.arguments import args_from
from ..resources.spec import PACKAGE
from .program import registered_settings

__all__ = ["Provider", "ProviderArgs"]

SETTINGS = (
    "api_key",
    "base_url",
    "connect_timeout",
    "read_timeout",
    "max_retries",
    "max_retry_wait",
    "max_concurrency",
)
SECRETS = {"api_key": "apiKey"}
"""The settings the state keeps only as ciphertext, with their config names."""


@pulumi.input_type
class ProviderArgs:
    """Settings of a `Provider`, as the stack config `telnyx-siprec:*` sets the default provider's.

    :param api_key: (optional) Telnyx v2 API key. Set it as a secret: `pulumi config set --secret`. Falls back to the
        environment variable `TELNYX_API_KEY`.
    :param base_url: (optional) API base URL; point it at the emulator for local runs. Falls back to the environment
        variable `TELNYX_BASE_URL`, then `https://api.telnyx.com/v2`.
    :param connect_timeout: (optional) Seconds to wait for a connection. Falls back to the environment variable
        `TELNYX_CONNECT_TIMEOUT`.
    :param read_timeout: (optional) Seconds to wait for each read of an answer. Falls back to the environment variable
        `TELNYX_READ_TIMEOUT`.
    :param max_retries: (optional) Retries one operation may make in all, across its requests (0 disables). Falls back
        to the environment variable `TELNYX_MAX_RETRIES`.
    :param max_retry_wait: (optional) Seconds one operation may spend waiting, at most, whatever Telnyx asks for:
        between its retries, and for a rate-limit pause another operation met. Falls back to the environment variable
        `TELNYX_MAX_RETRY_WAIT`.
    :param max_concurrency: (optional) Provider plugin only: most Telnyx operations it runs at once (each holds a worker
        thread while it waits). Falls back to the environment variable `TELNYX_MAX_CONCURRENCY`, then `64`.
    """

    api_key: pulumi.Input[str] | None = pulumi.property("apiKey")
    """Telnyx v2 API key. Set it as a secret: `pulumi config set --secret`. Falls back to the environment variable
    `TELNYX_API_KEY`.
    """
    base_url: pulumi.Input[str] | None = pulumi.property("baseUrl")
    """API base URL; point it at the emulator for local runs. Falls back to the environment variable `TELNYX_BASE_URL`,
    then `https://api.telnyx.com/v2`.
    """
    connect_timeout: pulumi.Input[float] | None = pulumi.property("connectTimeout")
    """Seconds to wait for a connection. Falls back to the environment variable `TELNYX_CONNECT_TIMEOUT`."""
    read_timeout: pulumi.Input[float] | None = pulumi.property("readTimeout")
    """Seconds to wait for each read of an answer. Falls back to the environment variable `TELNYX_READ_TIMEOUT`."""
    max_retries: pulumi.Input[int] | None = pulumi.property("maxRetries")
    """Retries one operation may make in all, across its requests (0 disables). Falls back to the environment variable
    `TELNYX_MAX_RETRIES`.
    """
    max_retry_wait: pulumi.Input[float] | None = pulumi.property("maxRetryWait")
    """Seconds one operation may spend waiting, at most, whatever Telnyx asks for: between its retries, and for a
    rate-limit pause another operation met. Falls back to the environment variable `TELNYX_MAX_RETRY_WAIT`.
    """
    max_concurrency: pulumi.Input[int] | None = pulumi.property("maxConcurrency")
    """Provider plugin only: most Telnyx operations it runs at once (each holds a worker thread while it waits). Falls
    back to the environment variable `TELNYX_MAX_CONCURRENCY`, then `64`.
    """

    def __init__(
        self,
        *,
        api_key: pulumi.Input[str] | None = None,
        base_url: pulumi.Input[str] | None = None,
        connect_timeout: pulumi.Input[float] | None = None,
        read_timeout: pulumi.Input[float] | None = None,
        max_retries: pulumi.Input[int] | None = None,
        max_retry_wait: pulumi.Input[float] | None = None,
        max_concurrency: pulumi.Input[int] | None = None,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.max_concurrency = max_concurrency


class Provider(pulumi.ProviderResource):
    """An instance of the `telnyx-siprec` provider plugin with its own settings.

    Unset settings fall back to their environment variables, then to their defaults, as the default provider's do; they
    do not fall back to the stack config `telnyx-siprec:*`. Secrets are stored as ciphertext.
    """

    def __init__(
        self,
        resource_name: str,
        args: ProviderArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declares a `Provider`; pass a `ProviderArgs` or the same keyword arguments."""
        resolved = args_from(ProviderArgs, SETTINGS, args, kwargs)
        secret = pulumi.ResourceOptions(additional_secret_outputs=list(SECRETS.values()))
        props = registered_settings(resolved, tuple(SECRETS))
        super().__init__(PACKAGE, resource_name, props, pulumi.ResourceOptions.merge(opts, secret))
