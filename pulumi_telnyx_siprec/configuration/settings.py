"""The provider's settings: provider config first, then environment variables, then defaults.

The dynamic provider reads stack config under the `telnyx` namespace (`telnyx:apiKey`); the provider plugin reads
its own provider config (`telnyx-siprec:apiKey`). Messages name the key the user actually set.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client.connection import DEFAULT_BASE_URL, api_key_problem
from ..client.errors import ConfigurationError

DYNAMIC_NAMESPACE = "telnyx"
"""The stack config namespace the dynamic providers read."""


@dataclass(frozen=True)
class Setting:
    """One setting: its name under a config namespace, its environment variable, and what it does."""

    name: str
    env_var: str
    doc: str
    default: str | None = None
    client_option: tuple[str, str] | None = None
    """For numeric settings: the client option it sets, as (`timeouts` or `retry`, field); its default is the
    client's."""
    integer: bool = False
    minimum: float = 0.0
    maximum: float = 0.0
    """For numeric settings, the largest value taken: past it a value is a mistake (and a timeout past what a
    socket can hold would fail every request with a bare OverflowError)."""
    secret: bool = False
    placeholder: str = "<value>"
    """What `pulumi config set` advice shows for the value."""

    @property
    def described(self) -> str:
        """What it does, with the values a numeric setting takes."""
        if self.client_option is None and not self.integer:
            return self.doc
        return f"{self.doc} From {self.minimum:g} to {self.maximum:g}."

    @property
    def config_key(self) -> str:
        """The stack config key the dynamic providers read, e.g. `telnyx:apiKey`."""
        return f"{DYNAMIC_NAMESPACE}:{self.name}"


API_KEY = Setting(
    "apiKey", "TELNYX_API_KEY", "Telnyx v2 API key. Set it as a secret: `pulumi config set --secret`.", secret=True,
    placeholder="<key>",
)
BASE_URL = Setting(
    "baseUrl", "TELNYX_BASE_URL", "API base URL; point it at the emulator for local runs.", DEFAULT_BASE_URL
)
NUMERIC_SETTINGS = (
    Setting("connectTimeout", "TELNYX_CONNECT_TIMEOUT", "Seconds to wait for a connection.",
            client_option=("timeouts", "connect"), minimum=0.001, maximum=3600),
    Setting("readTimeout", "TELNYX_READ_TIMEOUT", "Seconds to wait for each read of an answer.",
            client_option=("timeouts", "read"), minimum=0.001, maximum=3600),
    Setting("maxRetries", "TELNYX_MAX_RETRIES",
            "Retries one operation may make in all, across its requests (0 disables).",
            client_option=("retry", "attempts"), integer=True, maximum=100),
    Setting("maxRetryWait", "TELNYX_MAX_RETRY_WAIT",
            "Seconds one operation may spend waiting, at most, whatever Telnyx asks for: between its retries, and "
            "for a rate-limit pause another operation met.",
            client_option=("retry", "max_total_wait"), maximum=86400),
)
ALL_SETTINGS = (API_KEY, BASE_URL, *NUMERIC_SETTINGS)
MAX_CONCURRENCY = Setting(
    "maxConcurrency", "TELNYX_MAX_CONCURRENCY",
    "Provider plugin only: most Telnyx operations it runs at once (each holds a worker thread while it waits).",
    # As many as `pulumi up --parallel 64` asks for at once: with 32, 100 creates at 200 ms took 4 waves
    # (benchmarks/engine.py measured 1.31x the floor, 1.22x with 64).
    default="64", integer=True, minimum=1, maximum=1024,
)
PLUGIN_SETTINGS = (*ALL_SETTINGS, MAX_CONCURRENCY)
"""The plugin's settings: the dynamic provider runs in Pulumi's own server, whose thread pool it cannot size."""

@dataclass(frozen=True)
class ProviderSettings:
    """Resolved settings as raw text, by setting name. Parsed (and so failed) only when a client is needed,
    so that preview, which needs no client, never fails on them."""

    raw: Mapping[str, str]
    from_environment: frozenset[str] = field(default=frozenset())
    """Names of the settings whose value came from the environment variable rather than config."""
    namespace: str = DYNAMIC_NAMESPACE

    def __repr__(self) -> str:
        shown = {k: ("[secret]" if k == API_KEY.name else v) for k, v in self.raw.items()}
        return f"ProviderSettings({shown})"

    @classmethod
    def resolve(
        cls,
        config_get: Callable[[str], Any] | None = None,
        environ: Mapping[str, str] | None = None,
        namespace: str = DYNAMIC_NAMESPACE,
        settings: tuple[Setting, ...] = ALL_SETTINGS,
    ) -> ProviderSettings:
        """Each setting from `config_get` (called with `namespace:name`), else `environ`, else its default."""
        env = os.environ if environ is None else environ
        raw: dict[str, str] = {}
        from_environment = set()
        for setting in settings:
            value = config_get(f"{namespace}:{setting.name}") if config_get else None
            if value is None or value == "":
                value = env.get(setting.env_var)
                if value:
                    from_environment.add(setting.name)
                else:
                    value = setting.default
            if value is not None:
                raw[setting.name] = str(value)
        return cls(raw, frozenset(from_environment), namespace)

    def config_key(self, setting: Setting) -> str:
        """The config key of `setting` for this provider, e.g. `telnyx:apiKey`."""
        return f"{self.namespace}:{setting.name}"

    def source(self, setting: Setting) -> str:
        """Where a setting's value came from, in words: `stack config `telnyx:baseUrl`` or the variable."""
        if setting.name in self.from_environment:
            return f"environment variable {setting.env_var}"
        if setting.name in self.raw and self.raw[setting.name] == setting.default:
            return f"the default (set `{self.config_key(setting)}` or {setting.env_var} to change it)"
        return f"config `{self.config_key(setting)}`"

    def how_to_set(self, setting: Setting, what: str) -> str:
        """Advice to set `what` (e.g. "a valid key") for `setting`, naming where its current value came from."""
        secret = " --secret" if setting.secret else ""
        advice = f"set {what} with `pulumi config set{secret} {self.config_key(setting)} {setting.placeholder}`"
        if setting.name in self.from_environment:
            advice += f" (it is now read from the environment variable {setting.env_var})"
        return advice

    @property
    def api_key(self) -> str | None:
        """The configured key if it is usable, else None (see `require_api_key` for why not)."""
        key = self.raw.get(API_KEY.name, "").strip()
        return key if key and api_key_problem(key) is None else None

    def require_api_key(self) -> str:
        """The key; ConfigurationError naming where it was set and what is wrong with it, never quoting it."""
        key = self.raw.get(API_KEY.name, "").strip()
        if not key:
            raise ConfigurationError(
                f"no Telnyx API key is configured: run `pulumi config set --secret {self.config_key(API_KEY)} "
                f"<your key>` (or export {API_KEY.env_var}) and try again"
            )
        problem = api_key_problem(key)
        if problem is not None:
            raise ConfigurationError(
                f"{self.source(API_KEY)} is not a usable Telnyx API key: it {problem}; "
                f"{self.how_to_set(API_KEY, 'the key exactly as Telnyx shows it')}"
            )
        return key

    @property
    def base_url(self) -> str:
        return self.raw.get(BASE_URL.name, DEFAULT_BASE_URL)

    def number(self, setting: Setting) -> float | int | None:
        """A numeric setting, or None when unset; ConfigurationError naming the key when it is malformed."""
        text = self.raw.get(setting.name)
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if (not math.isfinite(value) or not setting.minimum <= value <= setting.maximum
                or (setting.integer and not value.is_integer())):
            kind = "a whole number" if setting.integer else "a number"
            raise ConfigurationError(f"{self.source(setting)} must be {kind} between {setting.minimum:g} and "
                                     f"{setting.maximum:g}, got {text[:40]!r}")
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
