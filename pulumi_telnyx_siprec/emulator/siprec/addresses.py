"""The client's network rule: SIP and RTP go to loopback addresses only, unless a user asks for any host.

Without `allow_any_host` a non-loopback SRS host is refused before anything is sent, no DNS lookup is made for names
other than `localhost`, media addresses in the SRS's answer are held to the same rule, and datagrams from other
sources are ignored.
"""

from __future__ import annotations

import ipaddress
import socket


class HostNotAllowedError(ValueError):
    """The SRS (or a media address it answered) is not a loopback address, and `allow_any_host` is off."""


def resolve_host(host: str, allow_any_host: bool = False) -> str:
    """The IP address to send to. Without `allow_any_host`: loopback literals, or `localhost` (as 127.0.0.1, from no
    resolver, so that it cannot be pointed elsewhere); any other name is refused without a DNS lookup."""
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or allow_any_host:
            return str(address)
        raise HostNotAllowedError(f"{host!r} is not a loopback address; the emulator only sends SIP and RTP to "
                                  "127.0.0.0/8 and ::1 unless SiprecUserAgent(allow_any_host=True)")
    if name.lower().rstrip(".") == "localhost":
        return "127.0.0.1"
    if not allow_any_host:
        raise HostNotAllowedError(f"{host!r} is not a loopback address (and is not looked up); the emulator only "
                                  "sends SIP and RTP to loopback unless SiprecUserAgent(allow_any_host=True)")
    infos = socket.getaddrinfo(name, None, type=socket.SOCK_DGRAM)
    return str(infos[0][4][0])


def source_allowed(address: str, allow_any_host: bool = False) -> bool:
    """Whether a datagram from `address` is heard: any source with `allow_any_host`, else loopback ones only."""
    if allow_any_host:
        return True
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False
