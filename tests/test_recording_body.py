"""The SIPREC INVITE body builders: SDP offer, RFC 7865 metadata and the multipart carrying both."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_telnyx_siprec.emulator.sip.recording_body import (
    EXTENSION_NAMESPACE,
    METADATA_CONTENT_TYPE,
    RECORDING_DISPOSITION,
    RECORDING_NAMESPACE,
    SDP_CONTENT_TYPE,
    TRACKS,
    address_of_record,
    check_custom_headers,
    forwarded_streams,
    metadata_id,
    multipart_body,
    parse_multipart,
    parse_rs_metadata,
    parse_sdp,
    rs_metadata,
    sdp_offer,
)

NS = {"r": RECORDING_NAMESPACE, "x": EXTENSION_NAMESPACE}
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

tracks = st.sampled_from(TRACKS)
ports = st.integers(1, 65535)
e164 = st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True)
sip_uris = st.from_regex(r"sips?:[a-z][a-z0-9.]{0,10}@[a-z][a-z0-9.-]{0,20}", fullmatch=True)
parties = e164 | sip_uris | st.from_regex(r"[A-Za-z0-9_.!~*'()-]{1,20}", fullmatch=True)
header_names = st.from_regex(r"X-[A-Za-z0-9-]{1,20}", fullmatch=True)
# One line of header text that XML can carry: no controls but tab, no surrogates, not U+FFFE/U+FFFF.
header_values = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")
                        | st.just("\t"), max_size=40)
custom_headers = st.lists(st.tuples(header_names, header_values), max_size=4)
sids = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=40)


def parse_xml(document: str) -> ET.Element:
    return ET.fromstring(document.encode())  # noqa: S314 - documents this package built


# SDP


def test_sdp_offer_for_both_tracks_has_two_labelled_sendonly_pcmu_streams() -> None:
    sdp = sdp_offer("both_tracks", [40000, 40002], session_id=7)
    assert sdp.endswith("\r\n")
    assert "\n" not in sdp.replace("\r\n", "")
    assert sdp.startswith("v=0\r\no=- 7 1 IN IP4 127.0.0.1\r\n")
    media = parse_sdp(sdp)
    assert [(m.port, m.label, m.direction, m.address, m.protocol) for m in media] == [
        (40000, "1", "sendonly", "127.0.0.1", "RTP/AVP"),
        (40002, "2", "sendonly", "127.0.0.1", "RTP/AVP"),
    ]
    assert all(m.formats == ("0", "101") for m in media)
    assert "a=rtpmap:0 PCMU/8000" in sdp


@pytest.mark.parametrize(("track", "count"), [("both_tracks", 2), ("inbound_track", 1), ("outbound_track", 1)])
def test_one_m_line_per_forwarded_stream(track: str, count: int) -> None:
    assert len(parse_sdp(sdp_offer(track, [5000 + 2 * i for i in range(count)]))) == count


def test_sdp_offer_without_telephone_event_and_over_ipv6() -> None:
    sdp = sdp_offer("inbound_track", [5004], address="::1", telephone_event=False)
    assert "c=IN IP6 ::1" in sdp
    assert "telephone-event" not in sdp
    assert parse_sdp(sdp)[0].formats == ("0",)


def test_secure_offer_is_savp_with_a_random_sdes_key_per_stream() -> None:
    sdp = sdp_offer("both_tracks", [5000, 5002], secure=True)
    media = parse_sdp(sdp)
    assert {m.protocol for m in media} == {"RTP/SAVP"}
    keys = []
    for m in media:
        (crypto,) = m.crypto
        tag, suite, key = crypto.split(" ")
        assert (tag, suite) == ("1", "AES_CM_128_HMAC_SHA1_80")
        assert key.startswith("inline:")
        keys.append(base64.b64decode(key.removeprefix("inline:")))
    assert all(len(k) == 30 for k in keys)
    assert keys[0] != keys[1]
    assert parse_sdp(sdp_offer("inbound_track", [5000], secure=True, keys=[b"k" * 30]))[0].crypto == (
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + base64.b64encode(b"k" * 30).decode(),)


@pytest.mark.parametrize(("track", "port_list", "address"), [
    ("both_tracks", [5000], "127.0.0.1"),
    ("inbound_track", [0], "127.0.0.1"),
    ("inbound_track", [70000], "127.0.0.1"),
    ("left_track", [5000], "127.0.0.1"),
    ("inbound_track", [5000], "localhost"),
])
def test_sdp_offer_rejects_bad_arguments(track: str, port_list: list[int], address: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        sdp_offer(track, port_list, address=address)


def test_parse_sdp_reads_an_answer_with_session_level_defaults_and_rejected_streams() -> None:
    answer = ("v=0\r\no=srs 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\na=recvonly\r\n"
              "m=audio 6000 RTP/AVP 0\r\na=label:1\r\n"
              "m=audio 0 RTP/AVP 0\r\nc=IN IP4 127.0.0.3/127\r\na=inactive\r\na=label:2\r\n")
    first, second = parse_sdp(answer)
    assert (first.port, first.address, first.direction, first.label) == (6000, "127.0.0.2", "recvonly", "1")
    assert (second.port, second.address, second.direction, second.label) == (0, "127.0.0.3", "inactive", "2")


@pytest.mark.parametrize("text", ["v=0\r\nm=audio\r\n", "v=0\r\nm=audio x RTP/AVP 0\r\n", "garbage\r\n",
                                  "v=0\r\nc=IN IP4\r\n"])
def test_parse_sdp_rejects_malformed_lines(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_sdp(text)


# Metadata


def test_metadata_document_follows_rfc_7865() -> None:
    document = rs_metadata(session_sid="sess-1", call_sid="v3:call", caller="+15551230001",
                           callee="sip:agent@example.com", track="both_tracks", when=WHEN)
    root = parse_xml(document)
    assert root.tag == f"{{{RECORDING_NAMESPACE}}}recording"
    assert root.findtext("r:datamode", namespaces=NS) == "complete"
    session = root.find("r:session", NS)
    assert session is not None
    session_id = session.get("session_id")
    assert session_id == metadata_id("session", "v3:call")
    assert len(base64.b64decode(session_id, validate=True)) == 16
    group = root.find("r:group", NS)
    assert group is not None
    assert session.findtext("r:group-ref", namespaces=NS) == group.get("group_id")
    local, _, remote = (session.findtext("r:sipSessionID", namespaces=NS) or "").partition(";remote=")
    assert len(local) == len(remote) == 32
    assert session.findtext("r:start-time", namespaces=NS) == "2024-05-01T12:00:00Z"
    aors = [p.find("r:nameID", NS).get("aor") for p in root.findall("r:participant", NS)]  # type: ignore[union-attr]
    assert aors == ["sip:+15551230001@127.0.0.1", "sip:agent@example.com"]
    assert [s.findtext("r:label", namespaces=NS) for s in root.findall("r:stream", NS)] == ["1", "2"]
    assert root.find("r:session/x:ExtensionParameters", NS) is None


def test_participants_send_and_receive_the_right_streams() -> None:
    root = parse_xml(rs_metadata(session_sid="s", call_sid="c", caller="+1555", callee="+1556",
                                 track="both_tracks"))
    participants = [p.get("participant_id") for p in root.findall("r:participant", NS)]
    streams = {s.findtext("r:label", namespaces=NS): s.get("stream_id") for s in root.findall("r:stream", NS)}
    associations = {a.get("participant_id"): ([e.text for e in a.findall("r:send", NS)],
                                              [e.text for e in a.findall("r:recv", NS)])
                    for a in root.findall("r:participantstreamassoc", NS)}
    caller, callee = participants
    # Stream 1 is the caller's voice (inbound track), stream 2 the callee's (outbound track).
    assert associations == {caller: ([streams["1"]], [streams["2"]]), callee: ([streams["2"]], [streams["1"]])}


@pytest.mark.parametrize(("track", "sender"), [("inbound_track", 0), ("outbound_track", 1)])
def test_a_single_track_is_sent_by_one_participant_and_received_by_the_other(track: str, sender: int) -> None:
    root = parse_xml(rs_metadata(session_sid="s", call_sid="c", caller="+1555", callee="+1556", track=track))
    (stream,) = root.findall("r:stream", NS)
    associations = root.findall("r:participantstreamassoc", NS)
    assert [e.text for e in associations[sender].findall("r:send", NS)] == [stream.get("stream_id")]
    assert [e.text for e in associations[1 - sender].findall("r:recv", NS)] == [stream.get("stream_id")]
    assert associations[sender].find("r:recv", NS) is None


def test_custom_headers_go_in_the_metadata_only_when_asked() -> None:
    headers = [("X-Ticket", "42"), ("X-Note", "a & <b> \"c\"")]
    kept = parse_xml(rs_metadata(session_sid="s", call_sid="c", caller="+1", callee="+2", track="inbound_track",
                                 custom_headers=headers, include_custom_headers=True))
    parameters = kept.findall("r:session/x:ExtensionParameters/x:parameter", NS)
    assert [(p.get("name"), p.text) for p in parameters] == headers
    left_out = rs_metadata(session_sid="s", call_sid="c", caller="+1", callee="+2", track="inbound_track",
                           custom_headers=headers, include_custom_headers=False)
    assert "X-Ticket" not in left_out


def test_ids_are_stable_for_the_same_call_and_session() -> None:
    first = rs_metadata(session_sid="s1", call_sid="c", caller="+1", callee="+2", track="both_tracks", when=WHEN)
    again = rs_metadata(session_sid="s1", call_sid="c", caller="+1", callee="+2", track="both_tracks", when=WHEN)
    other_session = parse_xml(rs_metadata(session_sid="s2", call_sid="c", caller="+1", callee="+2",
                                          track="both_tracks", when=WHEN))
    assert first == again
    root = parse_xml(first)
    # The recorded call is the same (same session and participants); the recording's streams are not.
    assert root.find("r:session", NS).get("session_id") == other_session.find("r:session", NS).get(  # type: ignore[union-attr]
        "session_id")
    assert {s.get("stream_id") for s in root.findall("r:stream", NS)}.isdisjoint(
        {s.get("stream_id") for s in other_session.findall("r:stream", NS)})


@pytest.mark.parametrize("party", ["", "a b", "<sip:x@y>", "sip:", "x\r\ny", 'sip:"q"@h'])
def test_unusable_parties_are_refused(party: str) -> None:
    with pytest.raises(ValueError, match="SIP"):
        address_of_record(party, "127.0.0.1")


@pytest.mark.parametrize("headers", [[("X Bad", "1")], [("X-A", "line\r\nInjected: 1")], [("X-A", "\x00")],
                                     [("", "v")], [("X-A", "\ud800")]])
def test_custom_headers_must_be_sip_headers(headers: list[tuple[str, str]]) -> None:
    with pytest.raises(ValueError, match="custom header"):
        check_custom_headers(headers)


# Multipart


def test_multipart_body_has_the_sdp_and_the_metadata_parts_with_crlf_lines() -> None:
    sdp = sdp_offer("inbound_track", [5000])
    metadata = rs_metadata(session_sid="s", call_sid="c", caller="+1", callee="+2", track="inbound_track")
    content_type, body = multipart_body(sdp, metadata, boundary="b0undary")
    assert content_type == "multipart/mixed;boundary=b0undary"
    assert body.startswith(b"--b0undary\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n")
    assert body.endswith(b"\r\n--b0undary--\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    sdp_part, metadata_part = parse_multipart(content_type, body)
    assert sdp_part.headers == {"content-type": SDP_CONTENT_TYPE}
    assert sdp_part.content.decode() == sdp
    assert metadata_part.headers == {"content-type": METADATA_CONTENT_TYPE,
                                     "content-disposition": RECORDING_DISPOSITION}
    assert metadata_part.content.decode().replace("\r\n", "\n") == metadata


def test_multipart_refuses_bad_boundaries_and_bodies() -> None:
    with pytest.raises(ValueError, match="boundary"):
        multipart_body("v=0\r\n", "<x/>", boundary="has space")
    with pytest.raises(ValueError, match="boundary"):
        multipart_body("--b\r\n", "<x/>", boundary="b")
    with pytest.raises(ValueError, match="multipart"):
        parse_multipart("application/sdp", b"v=0\r\n")
    with pytest.raises(ValueError, match="boundary"):
        parse_multipart("multipart/mixed", b"--x\r\n")


def test_parse_multipart_takes_a_quoted_boundary() -> None:
    body = b"preamble\r\n--a b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--a b--\r\nepilogue"
    (part,) = parse_multipart('multipart/mixed; boundary="a b"', body)
    assert (part.headers, part.content) == ({"content-type": "text/plain"}, b"hello")


# Properties


@given(track=tracks, port_list=st.lists(ports, min_size=2, max_size=2), secure=st.booleans(),
       telephone_event=st.booleans(), address=st.sampled_from(["127.0.0.1", "::1", "10.1.2.3"]))
def test_every_offer_reads_back(track: str, port_list: list[int], secure: bool, telephone_event: bool,
                                address: str) -> None:
    streams = forwarded_streams(track)
    chosen = port_list[:len(streams)]
    media = parse_sdp(sdp_offer(track, chosen, address=address, secure=secure, telephone_event=telephone_event))
    assert len(media) == len(streams)
    assert [m.label for m in media] == [s.label for s in streams]
    assert {m.direction for m in media} == {"sendonly"}
    assert [m.port for m in media] == chosen
    assert {m.address for m in media} == {address}
    assert all(len(m.crypto) == (1 if secure else 0) for m in media)


@given(track=tracks, session_sid=sids, call_sid=sids, caller=parties, callee=parties, headers=custom_headers,
       include=st.booleans())
def test_every_valid_input_gives_metadata_that_parses_with_one_stream_per_label(
        track: str, session_sid: str, call_sid: str, caller: str, callee: str, headers: list[tuple[str, str]],
        include: bool) -> None:
    sdp = sdp_offer(track, [5000, 5002][:len(forwarded_streams(track))])
    document = rs_metadata(session_sid=session_sid, call_sid=call_sid, caller=caller, callee=callee, track=track,
                           custom_headers=headers, include_custom_headers=include)
    root = parse_xml(document)
    assert root.tag == f"{{{RECORDING_NAMESPACE}}}recording"
    labels = sorted(m.label or "" for m in parse_sdp(sdp))
    assert sorted(s.findtext("r:label", namespaces=NS) or "" for s in root.findall("r:stream", NS)) == labels
    stream_ids = {s.get("stream_id") for s in root.findall("r:stream", NS)}
    referenced = {e.text for e in root.iter() if e.tag in (f"{{{RECORDING_NAMESPACE}}}send",
                                                           f"{{{RECORDING_NAMESPACE}}}recv")}
    assert referenced == stream_ids
    parameters = root.findall("r:session/x:ExtensionParameters/x:parameter", NS)
    assert [(p.get("name"), p.text or "") for p in parameters] == (headers if include else [])

    content_type, body = multipart_body(sdp, document)
    sdp_part, metadata_part = parse_multipart(content_type, body)
    assert sdp_part.content.decode() == sdp
    assert ET.fromstring(metadata_part.content).tag == root.tag  # noqa: S314 - built here


@given(track=tracks, session_sid=sids, call_sid=sids, caller=parties, callee=parties, headers=custom_headers,
       include=st.booleans())
def test_metadata_reads_back(track: str, session_sid: str, call_sid: str, caller: str, callee: str,
                             headers: list[tuple[str, str]], include: bool) -> None:
    document = rs_metadata(session_sid=session_sid, call_sid=call_sid, caller=caller, callee=callee, track=track,
                           custom_headers=headers, include_custom_headers=include)
    metadata = parse_rs_metadata(document)
    streams = forwarded_streams(track)
    assert [s.label for s in metadata.streams] == [s.label for s in streams]
    ids = {s.label: s.stream_id for s in metadata.streams}
    by_role = dict(zip(("caller", "callee"), metadata.participants, strict=True))
    assert [p.aor for p in by_role.values()] == [address_of_record(caller, "127.0.0.1"),
                                                 address_of_record(callee, "127.0.0.1")]
    for role, participant in by_role.items():
        assert participant.sends == tuple(ids[s.label] for s in streams if s.sender == role)
        assert participant.receives == tuple(ids[s.label] for s in streams if s.receiver == role)
    assert list(metadata.extension_parameters) == (headers if include else [])


@pytest.mark.parametrize("document", ["not xml", "<recording/>", f'<other xmlns="{RECORDING_NAMESPACE}"/>'])
def test_parse_rs_metadata_refuses_what_is_not_rfc_7865(document: str) -> None:
    with pytest.raises(ValueError, match="metadata"):
        parse_rs_metadata(document)
