"""The body of a SIPREC recording-session INVITE: SDP offer, recording metadata, and the multipart that carries both.

Pure functions, standard library only. The SIPREC client (`..siprec`) sends what these build; an SRS (`..srs`, the
tests) reads it back with `parse_multipart`, `parse_sdp` and `parse_rs_metadata`.

Sources:
- RFC 7866 (Session Recording Protocol): section 7.1.1 (SRC's SDP: one m-line per recorded stream, `a=sendonly`,
  `a=label`), section 9.1 (metadata goes in the INVITE as a body part with disposition `recording-session`).
- RFC 7865 (recording metadata): the `urn:ietf:params:xml:ns:recording:1` document (recording, datamode, group,
  session, participant, stream, the association elements) and its ids: a UUID's 16 octets in base64.
- RFC 4566 (SDP syntax), RFC 3264 (offer/answer: the answer has one m-line per offered m-line, port 0 rejects),
  RFC 4574 (`a=label`), RFC 4568 (SDES `a=crypto`), RFC 3551 (PCMU is static payload type 0 at 8000 Hz),
  RFC 4733 (telephone-event), RFC 2046 (multipart/mixed).
- Telnyx: https://developers.telnyx.com/docs/voice/programmable-voice/siprec-client and the SIPREC start API
  (https://developers.telnyx.com/api-reference/call-commands/siprec-start): `track` picks the forwarded media;
  `include_metadata_custom_headers` puts custom parameters in the metadata as `recording.session.ExtensionParameters`
  instead of SIP headers.
"""

from __future__ import annotations

import base64
import ipaddress
import re
import secrets
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .message import decimal, quoted
from .sdes import DEFAULT_SUITES, SUITES, CryptoAttribute, offer_crypto

RECORDING_NAMESPACE = "urn:ietf:params:xml:ns:recording:1"
"""RFC 7865's namespace for `application/rs-metadata+xml`."""
EXTENSION_NAMESPACE = "urn:x-pulumi-telnyx-siprec:extension:1"
"""Ours. RFC 7865's schema admits extension elements from other namespaces inside `<session>` (and elsewhere); Telnyx
documents the custom parameters only as `recording.session.ExtensionParameters`, so they go in a `<session>` child
`<ExtensionParameters>` of this namespace, one `<parameter name="...">value</parameter>` each."""
METADATA_CONTENT_TYPE = "application/rs-metadata+xml"
SDP_CONTENT_TYPE = "application/sdp"
RECORDING_DISPOSITION = "recording-session"
"""RFC 7866 section 9.1 (the disposition type is registered by RFC 7866 section 11)."""

PCMU_PAYLOAD_TYPE = 0
TELEPHONE_EVENT_PAYLOAD_TYPE = 101
"""Dynamic (RFC 3551 section 6 leaves 96-127 to the SDP); 101 is the customary choice."""

_ID_NAMESPACE = uuid.UUID("0c5b2f1e-7c1a-5d0e-9a55-6b0f3f1c2d4e")

_TOKEN = re.compile(r"[A-Za-z0-9.!%*_+`'~-]+")
"""RFC 3261 section 25.1 `token`: what a header name may be."""
_URI_USER = re.compile(r"[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+")
"""RFC 3261 section 25.1 `user` (unreserved, escaped and user-unreserved characters)."""
_URI = re.compile(r"(sips?|tel):[^\s<>\"\x00-\x1f\x7f]+", re.IGNORECASE)


@dataclass(frozen=True)
class ForwardedStream:
    """One media stream the SRC forwards: its SDP label, which track it is and which participant speaks on it."""

    label: str
    track: str
    """`inbound` (what the caller sends) or `outbound` (what the callee sends, i.e. what Telnyx plays to the caller)."""
    sender: str
    """`caller` or `callee`."""

    @property
    def receiver(self) -> str:
        return "callee" if self.sender == "caller" else "caller"


_STREAMS = {
    "both_tracks": (ForwardedStream("1", "inbound", "caller"), ForwardedStream("2", "outbound", "callee")),
    "inbound_track": (ForwardedStream("1", "inbound", "caller"),),
    "outbound_track": (ForwardedStream("1", "outbound", "callee"),),
}
TRACKS = tuple(_STREAMS)


def forwarded_streams(track: str) -> tuple[ForwardedStream, ...]:
    """The streams a SIPREC session with this `track` forwards, in m-line order; ValueError for an unknown track."""
    try:
        return _STREAMS[track]
    except KeyError:
        raise ValueError(f"track must be one of {', '.join(TRACKS)}, not {track!r}") from None


# SDP


@dataclass(frozen=True)
class SdpMedia:
    """One m-line of an SDP, with what the SRC and the tests need of it."""

    media: str
    port: int
    protocol: str
    formats: tuple[str, ...]
    label: str | None
    direction: str
    """`sendonly`, `recvonly`, `sendrecv` or `inactive`; session-level when the m-line has none (RFC 4566 6)."""
    address: str | None
    """The connection address: the m-line's `c=` or else the session's (RFC 4566 section 5.7)."""
    crypto: tuple[str, ...] = ()
    """`a=crypto` values (RFC 4568)."""


_DIRECTIONS = ("sendonly", "recvonly", "sendrecv", "inactive")


def sdp_offer(track: str, ports: Sequence[int], *, address: str = "127.0.0.1", secure: bool = False,
              telephone_event: bool = True, session_id: int | None = None, session_version: int = 1,
              keys: Sequence[bytes] | None = None,
              crypto: Sequence[Sequence[CryptoAttribute]] | None = None) -> str:
    """The SRC's SDP offer: one `a=sendonly` PCMU audio m-line per forwarded stream, labelled as in the metadata.

    `ports` are the local RTP ports, one per stream of `forwarded_streams(track)`. With `secure`, the m-lines are
    `RTP/SAVP` with SDES `a=crypto` lines (RFC 4568): `crypto` gives each stream's lines; without it each stream
    offers the default suite (`sdes.DEFAULT_SUITES`) with `keys` (30 bytes each), or fresh random keys.
    """
    streams = forwarded_streams(track)
    if len(ports) != len(streams):
        raise ValueError(f"track {track!r} forwards {len(streams)} stream(s); got {len(ports)} port(s)")
    for port in ports:
        if not 0 < port < 65536:
            raise ValueError(f"RTP port must be 1..65535, not {port}")
    if secure and crypto is None:
        default = SUITES[DEFAULT_SUITES[0]]
        if keys is not None and (len(keys) != len(streams) or any(len(k) != default.key_salt_bytes for k in keys)):
            raise ValueError(f"keys: one {default.key_salt_bytes}-byte key per stream")
        crypto = [(CryptoAttribute(1, default.name, key),) for key in keys] if keys is not None else [
            offer_crypto() for _ in streams]
    if crypto is not None and (len(crypto) != len(streams) or not all(crypto)):
        raise ValueError("crypto: one or more a=crypto lines per stream")
    family = _address_family(address)
    # RFC 4566 section 5.2 suggests an NTP timestamp for the session id; any number unique to the session will do.
    sid = session_id if session_id is not None else secrets.randbelow(2**62)
    lines = [
        "v=0",
        f"o=- {sid} {session_version} IN {family} {address}",
        "s=Telnyx SIPREC",
        f"c=IN {family} {address}",
        "t=0 0",
    ]
    formats = [str(PCMU_PAYLOAD_TYPE)] + ([str(TELEPHONE_EVENT_PAYLOAD_TYPE)] if telephone_event else [])
    for index, (stream, port) in enumerate(zip(streams, ports, strict=True)):
        lines.append(f"m=audio {port} {'RTP/SAVP' if secure else 'RTP/AVP'} {' '.join(formats)}")
        lines.append(f"a=rtpmap:{PCMU_PAYLOAD_TYPE} PCMU/8000")
        if telephone_event:
            lines.append(f"a=rtpmap:{TELEPHONE_EVENT_PAYLOAD_TYPE} telephone-event/8000")
            lines.append(f"a=fmtp:{TELEPHONE_EVENT_PAYLOAD_TYPE} 0-16")
        lines.append("a=ptime:20")
        if secure and crypto is not None:
            lines += [f"a=crypto:{line.render()}" for line in crypto[index]]
        # RFC 7866 section 7.1.1: the SRC only sends, and labels each stream so the metadata can name it.
        lines.append("a=sendonly")
        lines.append(f"a=label:{stream.label}")
    return "\r\n".join(lines) + "\r\n"


@dataclass
class _MediaBuilder:
    media: str
    port: int
    protocol: str
    formats: tuple[str, ...]
    label: str | None = None
    direction: str | None = None
    address: str | None = None
    crypto: list[str] = field(default_factory=list)


MAX_PORT = 65535


def parse_sdp(text: str) -> list[SdpMedia]:
    """The m-lines of an SDP (offer or answer); ValueError when a line is malformed (an m-line's port is ASCII
    digits, 0 to 65535, RFC 4566 section 5.14), quoting at most a few dozen characters of it."""
    session_address: str | None = None
    session_direction = "sendrecv"
    media: list[_MediaBuilder] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) < 2 or line[1] != "=":
            raise ValueError(f"not an SDP line: {quoted(line)}")
        kind, value = line[0], line[2:]
        current = media[-1] if media else None
        if kind == "m":
            parts = value.split()
            port_text, slash, count = parts[1].partition("/") if len(parts) >= 4 else ("", "", "")
            port = decimal(port_text, MAX_PORT + 1)
            if port is None or port > MAX_PORT or (slash and decimal(count, MAX_PORT) is None):
                raise ValueError(f"malformed m-line: {quoted(line)}")
            media.append(_MediaBuilder(parts[0], port, parts[2], tuple(parts[3:])))
        elif kind == "c":
            parts = value.split()
            if len(parts) != 3:
                raise ValueError(f"malformed c-line: {quoted(line)}")
            # A multicast address may carry /ttl; only the address matters here.
            connection = parts[2].split("/")[0]
            if current is None:
                session_address = connection
            else:
                current.address = connection
        elif kind == "a":
            name, _, attribute_value = value.partition(":")
            if name in _DIRECTIONS:
                if current is None:
                    session_direction = name
                else:
                    current.direction = name
            elif current is not None and name == "label":
                current.label = attribute_value
            elif current is not None and name == "crypto":
                current.crypto.append(attribute_value)
    return [SdpMedia(m.media, m.port, m.protocol, m.formats, m.label, m.direction or session_direction,
                     m.address if m.address is not None else session_address, tuple(m.crypto)) for m in media]


def _address_family(address: str) -> str:
    try:
        return "IP6" if ipaddress.ip_address(address).version == 6 else "IP4"
    except ValueError:
        raise ValueError(f"SDP connection address must be an IP address, not {address!r}") from None


# Metadata


def metadata_id(*parts: str) -> str:
    """An RFC 7865 identifier: the 16 octets of a UUID in base64, here a name-based (version 5) one.

    Deterministic on purpose: the same object keeps the same id in every INVITE and re-INVITE of a session (RFC 7865
    ids name an object for its whole life) and in every SIPREC session of the same call, and tests can predict them.
    """
    return base64.b64encode(uuid.uuid5(_ID_NAMESPACE, "\x1f".join(parts)).bytes).decode()


def address_of_record(party: str, domain: str) -> str:
    """A participant's URI: a `sip:`/`sips:`/`tel:` URI as given, else `sip:<party>@<domain>` (e.g. an E.164 number).

    ValueError when the party cannot be part of a SIP URI.
    """
    if _URI.fullmatch(party):
        return party
    if not _URI_USER.fullmatch(party):
        raise ValueError(f"not a SIP URI or a SIP user part: {party!r}")
    return f"sip:{party}@{domain}"


def check_custom_headers(headers: Sequence[tuple[str, str]]) -> None:
    """ValueError unless every name is a SIP header token and every value is one line of text that XML can carry."""
    for name, value in headers:
        if not _TOKEN.fullmatch(name):
            raise ValueError(f"custom header name must be a SIP token (RFC 3261 section 25.1), not {name!r}")
        if not _header_text(value):
            raise ValueError(f"custom header {name} has a control character or a character XML cannot carry")


def _header_text(value: str) -> bool:
    # Header values are one line (no CR/LF, RFC 3261 section 7.3.1); XML 1.0 excludes the other C0 controls and
    # U+FFFE/U+FFFF, and surrogates cannot be encoded as UTF-8.
    return not any((ord(ch) < 0x20 and ch != "\t") or ch == "\x7f" or 0xD800 <= ord(ch) <= 0xDFFF
                   or ch in "\ufffe\uffff" for ch in value)


def rs_metadata(*, session_sid: str, call_sid: str, caller: str, callee: str, track: str,
                custom_headers: Sequence[tuple[str, str]] = (), include_custom_headers: bool = False,
                domain: str = "127.0.0.1", when: datetime | None = None) -> str:
    """The `application/rs-metadata+xml` document (RFC 7865) for one SIPREC session of a call.

    The communication session is the call (`call_sid`): its group, session and participant ids depend only on the
    call; the streams belong to this recording session (`session_sid`) and carry the SDP labels of `sdp_offer`.
    With `include_custom_headers`, `custom_headers` go in `<session>` as `ExtensionParameters` (see
    `EXTENSION_NAMESPACE`); otherwise the SIP side sends them as headers and the metadata has none.
    """
    streams = forwarded_streams(track)
    check_custom_headers(custom_headers)
    stamp = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    group_id = metadata_id("group", call_sid)
    session_id = metadata_id("session", call_sid)
    participants = {"caller": (metadata_id("participant", call_sid, "caller"), address_of_record(caller, domain)),
                    "callee": (metadata_id("participant", call_sid, "callee"), address_of_record(callee, domain))}
    stream_ids = {s.label: metadata_id("stream", session_sid, s.label) for s in streams}

    # Names stay unqualified and the namespaces are declared as plain xmlns attributes: the document reads as RFC 7865
    # writes it (default namespace, extension in its own), with no process-wide ElementTree prefix registry involved.
    def element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        child = ET.SubElement(parent, tag, attributes)
        child.text = text
        return child

    root = ET.Element("recording", {"xmlns": RECORDING_NAMESPACE})
    # RFC 7865: `complete` says this document describes the whole recording, not a partial update.
    element(root, "datamode", "complete")
    group = element(root, "group", group_id=group_id)
    element(group, "associate-time", stamp)
    session = element(root, "session", session_id=session_id)
    # RFC 7989 Session-ID of the recorded call: 32 hex digits for each end.
    local, remote = uuid.uuid5(_ID_NAMESPACE, f"sip-session\x1f{call_sid}\x1flocal"), uuid.uuid5(
        _ID_NAMESPACE, f"sip-session\x1f{call_sid}\x1fremote")
    element(session, "sipSessionID", f"{local.hex};remote={remote.hex}")
    element(session, "group-ref", group_id)
    element(session, "start-time", stamp)
    if include_custom_headers and custom_headers:
        extension = ET.SubElement(session, "ExtensionParameters", {"xmlns": EXTENSION_NAMESPACE})
        for name, value in custom_headers:
            parameter = ET.SubElement(extension, "parameter", {"name": name})
            parameter.text = value
    for participant_id, aor in participants.values():
        participant = element(root, "participant", participant_id=participant_id)
        element(participant, "nameID", aor=aor)
    for stream in streams:
        stream_element = element(root, "stream", stream_id=stream_ids[stream.label], session_id=session_id)
        element(stream_element, "label", stream.label)
    association = element(root, "sessionrecordingassoc", session_id=session_id)
    element(association, "associate-time", stamp)
    for participant_id, _aor in participants.values():
        association = element(root, "participantsessionassoc", participant_id=participant_id, session_id=session_id)
        element(association, "associate-time", stamp)
    for role, (participant_id, _aor) in participants.items():
        association = element(root, "participantstreamassoc", participant_id=participant_id)
        for stream in streams:
            if stream.sender == role:
                element(association, "send", stream_ids[stream.label])
        for stream in streams:
            if stream.receiver == role:
                element(association, "recv", stream_ids[stream.label])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# Multipart


@dataclass(frozen=True)
class BodyPart:
    headers: dict[str, str]
    """Lower-cased header names."""
    content: bytes


def multipart_body(sdp: str, metadata: str, boundary: str | None = None) -> tuple[str, bytes]:
    """The INVITE body: `(Content-Type value, body)`, a multipart/mixed of the SDP and the metadata, CRLF lines."""
    marker = boundary or f"siprec-{secrets.token_hex(12)}"
    if not re.fullmatch(r"[0-9A-Za-z'()+_,\-./:=?]{1,70}", marker):
        raise ValueError(f"not a multipart boundary (RFC 2046 section 5.1.1): {marker!r}")
    crlf_metadata = metadata.replace("\r\n", "\n").replace("\n", "\r\n")
    parts = [
        (f"Content-Type: {SDP_CONTENT_TYPE}", sdp),
        (f"Content-Type: {METADATA_CONTENT_TYPE}\r\nContent-Disposition: {RECORDING_DISPOSITION}", crlf_metadata),
    ]
    for _headers, content in parts:
        if f"--{marker}" in content:
            raise ValueError("the boundary occurs in a body part")
    # The CRLF before each delimiter belongs to the delimiter (RFC 2046 section 5.1.1), so a part's own last CRLF
    # (every SDP line ends in one) stays part of its content.
    chunks = [f"--{marker}\r\n{headers}\r\n\r\n{content}\r\n" for headers, content in parts]
    body = "".join(chunks) + f"--{marker}--\r\n"
    return f"multipart/mixed;boundary={marker}", body.encode()


def parse_multipart(content_type: str, body: bytes) -> list[BodyPart]:
    """The parts of a multipart body (RFC 2046 section 5.1.1); ValueError when it is not one."""
    kind, _, parameters = content_type.partition(";")
    if not kind.strip().lower().startswith("multipart/"):
        raise ValueError(f"not a multipart content type: {quoted(content_type)}")
    match = re.search(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', parameters, re.IGNORECASE)
    if not match:
        raise ValueError("multipart content type without a boundary")
    delimiter = b"--" + (match.group(1) or match.group(2)).encode()
    pieces = re.split(rb"(?:^|\r\n)" + re.escape(delimiter), body)
    if len(pieces) < 3:
        raise ValueError("multipart body without parts")
    parts = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        piece = piece.split(b"\r\n", 1)[1] if b"\r\n" in piece else b""
        head, separator, content = piece.partition(b"\r\n\r\n")
        if not separator:
            head, content = (b"", piece[2:]) if piece.startswith(b"\r\n") else (piece, b"")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        parts.append(BodyPart(headers, content))
    return parts


# Reading metadata back (what an SRS does with it)


@dataclass(frozen=True)
class MetadataStream:
    stream_id: str
    label: str | None


@dataclass(frozen=True)
class MetadataParticipant:
    participant_id: str
    aor: str | None
    """The `nameID` element's `aor`."""
    sends: tuple[str, ...]
    """Stream ids (RFC 7865 `participantstreamassoc`)."""
    receives: tuple[str, ...]


@dataclass(frozen=True)
class RecordingMetadata:
    """What an `application/rs-metadata+xml` document says about the recorded call's parties and streams."""

    participants: tuple[MetadataParticipant, ...]
    streams: tuple[MetadataStream, ...]
    extension_parameters: tuple[tuple[str, str], ...]
    """`ExtensionParameters` of `<session>` (see `EXTENSION_NAMESPACE`), in document order."""


def parse_rs_metadata(document: str | bytes) -> RecordingMetadata:
    """Reads an RFC 7865 metadata document; ValueError when it is not XML or not a `<recording>`."""
    try:
        # The document comes from a SIPREC client: ElementTree fetches no external entities, and expat 2.4.1 and
        # later bound entity expansion ("billion laughs").
        root = ET.fromstring(document)  # noqa: S314 - see above
    except ET.ParseError as err:
        raise ValueError(f"metadata is not XML: {err}") from None
    ns = {"r": RECORDING_NAMESPACE, "x": EXTENSION_NAMESPACE}
    if root.tag != f"{{{RECORDING_NAMESPACE}}}recording":
        raise ValueError(f"metadata root is {root.tag!r}, not RFC 7865's <recording>")
    streams = tuple(MetadataStream(s.get("stream_id", ""), s.findtext("r:label", namespaces=ns))
                    for s in root.findall("r:stream", ns))
    sends: dict[str, list[str]] = {}
    receives: dict[str, list[str]] = {}
    for association in root.findall("r:participantstreamassoc", ns):
        participant_id = association.get("participant_id", "")
        sends.setdefault(participant_id, []).extend(e.text or "" for e in association.findall("r:send", ns))
        receives.setdefault(participant_id, []).extend(e.text or "" for e in association.findall("r:recv", ns))
    participants = []
    for participant in root.findall("r:participant", ns):
        participant_id = participant.get("participant_id", "")
        name = participant.find("r:nameID", ns)
        participants.append(MetadataParticipant(participant_id, name.get("aor") if name is not None else None,
                                                tuple(sends.get(participant_id, ())),
                                                tuple(receives.get(participant_id, ()))))
    parameters = tuple((p.get("name", ""), p.text or "")
                       for p in root.findall("r:session/x:ExtensionParameters/x:parameter", ns))
    return RecordingMetadata(tuple(participants), streams, parameters)
