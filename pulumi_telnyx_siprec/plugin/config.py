"""The plugin's provider configuration: the package's settings under `telnyx-siprec:`, plus `maxConcurrency`.

The engine sends provider config two ways: `args` keyed by the bare name (`apiKey`), and the older `variables`
keyed `telnyx-siprec:config:apiKey`; both are read, `args` first. Environment variables (TELNYX_*) come next.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pulumi.provider.experimental.property_value import PropertyValue

from ..configuration.settings import MAX_CONCURRENCY, PLUGIN_SETTINGS, ProviderSettings
from ..resources.spec import PACKAGE
from .values import plain

ConfigGet = Callable[[str], str | None]


def config_reader(args: Mapping[str, PropertyValue], variables: Mapping[str, str]) -> ConfigGet:
    """A `config_get` for `ProviderSettings.resolve`: `telnyx-siprec:apiKey` from `args`, else `variables`."""

    def get(key: str) -> str | None:
        namespace, _, name = key.partition(":")
        if name in args:
            value = plain(args[name])
            if value is None:
                return None
            if isinstance(value, float) and value.is_integer():
                return str(int(value))  # config numbers arrive as doubles: say `3`, as the user wrote it
            return str(value)
        return variables.get(f"{namespace}:config:{name}")

    return get


@dataclass(frozen=True)
class PluginConfig:
    """The resolved settings and the size of the operation pool."""

    settings: ProviderSettings
    max_concurrency: int

    @classmethod
    def resolve(cls, args: Mapping[str, PropertyValue] | None = None, variables: Mapping[str, str] | None = None,
                environ: Mapping[str, str] | None = None) -> PluginConfig:
        """From provider config, else the environment, else defaults; ConfigurationError naming a bad key."""
        settings = ProviderSettings.resolve(config_reader(args or {}, variables or {}), environ, namespace=PACKAGE,
                                            settings=PLUGIN_SETTINGS)
        return cls(settings, int(settings.number(MAX_CONCURRENCY) or 1))
