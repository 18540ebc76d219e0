"""The provider's settings: stack config (`telnyx:*`) first, then environment variables, then defaults."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"


@dataclass(frozen=True)
class Setting:
    """One setting: its stack config key, its environment variable, and what it does."""

    config_key: str
    env_var: str
    doc: str
    default: str | None = None
    client_option: tuple[str, str] | None = None
    """For numeric settings: the client option it sets, as (`timeouts` or `retry`, field); its default is the
    client's."""
    integer: bool = False
    minimum: float = 0.0


API_KEY = Setting(
    "telnyx:apiKey", "TELNYX_API_KEY", "Telnyx v2 API key. Set it as a secret: `pulumi config set --secret`."
)
BASE_URL = Setting(
    "telnyx:baseUrl", "TELNYX_BASE_URL", "API base URL; point it at the emulator for local runs.", DEFAULT_BASE_URL
)
NUMERIC_SETTINGS = (
    Setting("telnyx:connectTimeout", "TELNYX_CONNECT_TIMEOUT", "Seconds to wait for a connection.",
            client_option=("timeouts", "connect"), minimum=0.001),
    Setting("telnyx:readTimeout", "TELNYX_READ_TIMEOUT", "Seconds to wait for each read of an answer.",
            client_option=("timeouts", "read"), minimum=0.001),
    Setting("telnyx:maxRetries", "TELNYX_MAX_RETRIES", "Retries of a request that may be repeated (0 disables).",
            client_option=("retry", "attempts"), integer=True),
    Setting("telnyx:maxRetryWait", "TELNYX_MAX_RETRY_WAIT",
            "Seconds spent waiting between retries of one request, at most, whatever Telnyx asks for.",
            client_option=("retry", "max_total_wait")),
)
ALL_SETTINGS = (API_KEY, BASE_URL, *NUMERIC_SETTINGS)

MISSING_API_KEY = (
    "no Telnyx API key is configured: run `pulumi config set --secret telnyx:apiKey <your key>` "
    "(or export TELNYX_API_KEY) and try again"
)


@dataclass(frozen=True)
class ProviderSettings:
    """Resolved settings as raw text, by config key. Parsed (and so failed) only when a client is needed,
    so that preview, which needs no client, never fails on them."""

    raw: Mapping[str, str]

    def __repr__(self) -> str:
        shown = {k: ("[secret]" if k == API_KEY.config_key else v) for k, v in self.raw.items()}
        return f"ProviderSettings({shown})"

    @classmethod
    def resolve(
        cls, config_get: Callable[[str], Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> ProviderSettings:
        """Each setting from `config_get` (stack config), else `environ`, else its default."""
        env = os.environ if environ is None else environ
        raw: dict[str, str] = {}
        for setting in ALL_SETTINGS:
            value = config_get(setting.config_key) if config_get else None
            if value is None or value == "":
                value = env.get(setting.env_var) or setting.default
            if value is not None:
                raw[setting.config_key] = str(value)
        return cls(raw)

    @property
    def api_key(self) -> str | None:
        key = self.raw.get(API_KEY.config_key, "").strip()
        return key or None

    def require_api_key(self) -> str:
        key = self.api_key
        if key is None:
            raise ConfigurationError(MISSING_API_KEY)
        return key

    @property
    def base_url(self) -> str:
        return self.raw.get(BASE_URL.config_key, DEFAULT_BASE_URL)

    def number(self, setting: Setting) -> float | int | None:
        """A numeric setting, or None when unset; ConfigurationError naming the key when it is malformed."""
        text = self.raw.get(setting.config_key)
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < setting.minimum or (setting.integer and not value.is_integer()):
            kind = "a whole number" if setting.integer else "a number"
            raise ConfigurationError(
                f"config `{setting.config_key}` (or {setting.env_var}) must be {kind} >= {setting.minimum:g}, "
                f"got {text!r}"
            )
        return int(value) if setting.integer else value

    def client_options(self) -> dict[str, dict[str, float | int]]:
        """The numeric settings that are set, grouped as the client takes them (`timeouts`, `retry`)."""
        options: dict[str, dict[str, float | int]] = {"timeouts": {}, "retry": {}}
        for setting in NUMERIC_SETTINGS:
            value = self.number(setting)
            if value is not None and setting.client_option is not None:
                group, name = setting.client_option
                options[group][name] = value
        return options
