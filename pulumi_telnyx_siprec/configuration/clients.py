"""One Telnyx client per process and settings, built on first use, shared by every thread of a provider."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..client.errors import ConfigurationError
from .settings import BASE_URL, ProviderSettings

if TYPE_CHECKING:
    from ..client.telnyx_client import TelnyxClient


def build_client(settings: ProviderSettings) -> TelnyxClient:
    """A client from resolved settings; ConfigurationError naming the setting when one is wrong."""
    # requests is imported only when a client is needed: a preview never needs one.
    from ..client.http import HttpTransport, Timeouts
    from ..client.retry import RetrySettings
    from ..client.telnyx_client import TelnyxClient

    options = settings.client_options()
    api_key = settings.require_api_key()
    try:
        return TelnyxClient(
            api_key,
            settings.base_url,
            retry=RetrySettings(**options["retry"]),  # type: ignore[arg-type]
            transport=HttpTransport(Timeouts(**options["timeouts"])),
        )
    except ValueError as err:
        raise ConfigurationError(f"{settings.source(BASE_URL)}: {err}") from None


class ClientCache:
    """Holds the client for the latest settings; a change of settings builds a new one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[ProviderSettings, TelnyxClient] | None = None

    def get(self, settings: ProviderSettings) -> TelnyxClient:
        with self._lock:
            if self._cached is None or self._cached[0] != settings:
                self._cached = (settings, build_client(settings))
            return self._cached[1]


PROCESS_CLIENTS = ClientCache()
"""The process's client: the dynamic provider server keeps one provider per process, and its pickled form must
stay free of anything unpicklable, so the client lives here rather than on the provider."""
