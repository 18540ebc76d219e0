"""Who may use the control endpoints (`/_emulator/...`): programs on this machine, never a web page.

They need no key (tests and demos drive them), so a page open in a browser on the same machine could otherwise
reset the emulator, queue faults or read its state: by a "simple" cross-origin POST (a form or `fetch` with a
`text/plain` body, which no CORS preflight guards), or by DNS rebinding (a name of the attacker's that resolves to
127.0.0.1, so that the page may even read the answers). So a control request must:

- name this machine in `Host`: a loopback address (127.0.0.0/8, `[::1]`), `localhost`, or the address the emulator
  is bound to, with the emulator's port, or a `host:port` its operator named (`--control-host`: a container's name,
  a published port); a rebinding page sends its own name there;
- not come from a page of another origin: no `Origin` but the emulator's own, and no `Sec-Fetch-Site` but
  `same-origin` or `none` (browsers send both; programs such as curl, requests or urllib send neither);
- send a body only as `application/json`, a content type no page can send across origins without a preflight that
  the emulator never answers.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence

from .state import Answer

Header = Callable[[str], "str | None"]
"""Reads a request header by name (None when absent)."""

_HOST = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?")
_ORIGIN = re.compile(r"(?P<scheme>https?)://" + _HOST.pattern)
_SITES = frozenset({"same-origin", "none"})
"""`Sec-Fetch-Site` values of a request that no other site's page made."""


def _refused(status: int, detail: str) -> Answer:
    return Answer(status, {"errors": [{"detail": detail}]})


def parse_control_host(text: str, port: int) -> tuple[str, int]:
    """`host` or `host:port` (`[v6]:port`) as (lower-case host, port); the port defaults to `port`. ValueError
    otherwise."""
    found = _HOST.fullmatch(text.strip())
    if not found or (found.group("port") is not None and not 1 <= int(found.group("port")) <= 65535):
        raise ValueError(f"expected HOST or HOST:PORT (e.g. emulator or localhost:18080), got {text!r}")
    named = found.group("port")
    return found.group("host").strip("[]").lower(), int(named) if named is not None else port


class ControlGuard:
    """Decides whether a control request may be served, for an emulator bound to `bound_host`:`port`; `also` names
    more `Host` values (`host` or `host:port`) that reach it, such as a container's name or a published port."""

    def __init__(self, bound_host: str, port: int, also: Sequence[str] = ()) -> None:
        self.port = port
        self._bound = bound_host.strip("[]").lower()
        self._also = frozenset(parse_control_host(text, port) for text in also)

    def refusal(self, method: str, header: Header) -> Answer | None:
        """The answer that refuses a control request, or None when it may be served."""
        where = f"send it to http://127.0.0.1:{self.port}/_emulator/... from a program on this machine"
        host = (header("Host") or "").strip()
        found = _HOST.fullmatch(host)
        if not found or not self._names_us(found.group("host"), found.group("port"), 80):
            return _refused(403, f"control endpoints answer only requests whose Host names this machine and port "
                                 f"(127.0.0.1:{self.port}, localhost:{self.port} or [::1]:{self.port}), got "
                                 f"{host!r}: {where}, or start the emulator with --control-host naming the Host "
                                 "your requests carry")
        origin = header("Origin")
        if origin is not None:
            page = _ORIGIN.fullmatch(origin.strip())
            default_port = 443 if page and page.group("scheme") == "https" else 80
            if not page or not self._names_us(page.group("host"), page.group("port"), default_port):
                return _refused(403, f"control endpoints refuse requests made by web pages (Origin "
                                     f"{origin.strip()!r}): {where}")
        site = header("Sec-Fetch-Site")
        if site is not None and site.strip().lower() not in _SITES:
            return _refused(403, f"control endpoints refuse requests made by web pages (Sec-Fetch-Site "
                                 f"{site.strip()!r}): {where}")
        if method not in ("GET", "HEAD") and _has_body(header):
            media = (header("Content-Type") or "").split(";")[0].strip().lower()
            if media != "application/json":
                return _refused(415, f"control endpoints take JSON bodies: send Content-Type application/json "
                                     f"(got {media or 'none'!r})")
        return None

    def _names_us(self, host: str, port: str | None, default_port: int) -> bool:
        name, number = host.strip("[]").lower(), int(port) if port is not None else default_port
        return (self._is_this_machine(name) and number == self.port) or (name, number) in self._also

    def _is_this_machine(self, host: str) -> bool:
        if host == "localhost" or (host == self._bound and host not in ("0.0.0.0", "::")):  # noqa: S104
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def _has_body(header: Header) -> bool:
    if header("Transfer-Encoding"):
        return True
    try:
        return int(header("Content-Length") or 0) != 0
    except ValueError:
        return True
