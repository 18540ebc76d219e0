"""SDES crypto lines (RFC 4568) as the SIPREC client offers them and reads the SRS's answer, and the tone estimate the
TLS SRS reports: pure functions, no sockets."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_telnyx_siprec.emulator.sip.recording_body import parse_sdp, sdp_offer
from pulumi_telnyx_siprec.emulator.sip.sdes import (
    DEFAULT_SUITES,
    MAX_VALUE_CHARS,
    SUITES,
    CryptoAttribute,
    check_suites,
    offer_crypto,
    parse_crypto,
    select_answered,
)
from pulumi_telnyx_siprec.emulator.siprec.rtp import tone_frames
from pulumi_telnyx_siprec.emulator.srs.tone import TOLERANCE_HZ, decode_ulaw, tone_frequency

KEY = base64.b64encode(bytes(range(30))).decode()


def test_an_offer_has_one_line_per_suite_with_tags_from_1_and_a_fresh_key_each() -> None:
    first, second = offer_crypto(["AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM"]), offer_crypto()
    assert [(line.tag, line.suite, len(line.key)) for line in first] == [
        (1, "AES_CM_128_HMAC_SHA1_80", 30), (2, "AEAD_AES_256_GCM", 44)]
    assert [line.suite for line in second] == list(DEFAULT_SUITES)
    assert len({line.key for line in (*first, *second)}) == 3


def test_a_secure_offer_carries_the_given_crypto_lines_per_stream() -> None:
    lines = [offer_crypto(["AES_CM_128_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80"]), offer_crypto()]
    media = parse_sdp(sdp_offer("both_tracks", [5000, 5002], secure=True, crypto=lines))
    assert [[parse_crypto(value) for value in m.crypto] for m in media] == [list(stream) for stream in lines]
    with pytest.raises(ValueError, match="one or more a=crypto lines per stream"):
        sdp_offer("both_tracks", [5000, 5002], secure=True, crypto=[lines[0]])


@pytest.mark.parametrize("names", [[], ["AES_CM_128_HMAC_SHA1_80"] * 2, ["F8_128_HMAC_SHA1_80"]])
def test_unknown_empty_or_repeated_suites_are_refused_naming_the_known_ones(names: list[str]) -> None:
    with pytest.raises(ValueError, match="SRTP suites must be one or more of AES_CM_128_HMAC_SHA1_80, "):
        check_suites(names)


@pytest.mark.parametrize(("value", "read"), [
    (f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}", CryptoAttribute(1, "AES_CM_128_HMAC_SHA1_80", bytes(range(30)))),
    (f"123456789 aes_cm_128_hmac_sha1_32 INLINE:{KEY}|2^31|1:4",
     CryptoAttribute(123456789, "AES_CM_128_HMAC_SHA1_32", bytes(range(30)))),
    (f"2 AES_CM_128_HMAC_SHA1_80 inline:{KEY} KDR=1",
     CryptoAttribute(2, "AES_CM_128_HMAC_SHA1_80", bytes(range(30)), ("KDR=1",))),
])
def test_crypto_lines_are_read(value: str, read: CryptoAttribute) -> None:
    assert parse_crypto(value) == read


@pytest.mark.parametrize(("value", "why"), [
    ("1 AES_CM_128_HMAC_SHA1_80", "not tag, suite and key"),
    (f"1234567890 AES_CM_128_HMAC_SHA1_80 inline:{KEY}", "the tag is not 1 to 9 digits"),
    (f"\u0661 AES_CM_128_HMAC_SHA1_80 inline:{KEY}", "the tag is not 1 to 9 digits"),
    (f"1 AES_256_CM_HMAC_SHA1_80 inline:{KEY}", "unknown SRTP suite 'AES_256_CM_HMAC_SHA1_80'"),
    (f"1 AES_CM_128_HMAC_SHA1_80 uri:{KEY}", "the key is not given inline"),
    (f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY};inline:{KEY}", "several keys"),
    (f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}|x", "malformed key lifetime or MKI"),
    ("1 AES_CM_128_HMAC_SHA1_80 inline:not*base64", "the key is not base64"),
    (f"1 AEAD_AES_256_GCM inline:{KEY}", "AEAD_AES_256_GCM needs 44 bytes of key and salt, the key has 30"),
    ("1 " + "A" * MAX_VALUE_CHARS, "over 1000"),
])
def test_malformed_crypto_lines_are_refused_saying_why(value: str, why: str) -> None:
    with pytest.raises(ValueError, match=why.replace("(", r"\(").replace("|", r"\|")):
        parse_crypto(value)


def test_the_answered_line_picks_the_offered_line_of_its_tag_whose_key_protects_the_stream() -> None:
    offered = offer_crypto(["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"])
    answer = f"2 AES_CM_128_HMAC_SHA1_32 inline:{KEY}"
    assert select_answered(offered, [answer]) is offered[1]


@pytest.mark.parametrize(("answered", "why"), [
    ([], "no a=crypto line"),
    ([f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}"] * 2, "2 a=crypto lines"),
    ([f"3 AES_CM_128_HMAC_SHA1_80 inline:{KEY}"], "tag 3 was not offered"),
    ([f"1 AES_CM_128_HMAC_SHA1_32 inline:{KEY}"], "answered with AES_CM_128_HMAC_SHA1_32; it was offered with"),
    ([f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY} UNENCRYPTED_SRTP"], "session parameters are not supported"),
    (["garbage"], "unusable a=crypto line: not tag, suite and key"),
])
def test_an_unusable_answer_is_refused_saying_why(answered: list[str], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        select_answered(offer_crypto(), answered)


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_a_value_error(value: str) -> None:
    try:
        line = parse_crypto(value)
    except ValueError:
        return
    assert line.suite in SUITES


@given(st.sampled_from(list(SUITES)), st.integers(1, 999_999_999))
def test_every_offered_line_reads_back(suite: str, tag: int) -> None:
    line = CryptoAttribute(tag, suite, offer_crypto([suite])[0].key)
    assert parse_crypto(line.render()) == line


# The tone the TLS SRS reports


@pytest.mark.parametrize("frequency", [300, 440, 1000, 2500])
def test_the_tone_of_a_clean_pcmu_tone_is_within_the_stated_tolerance(frequency: int) -> None:
    payload = b"".join(tone_frames(frequency) * 50)[:8000]
    estimate = tone_frequency(decode_ulaw(payload))
    assert estimate is not None
    assert abs(estimate - frequency) <= TOLERANCE_HZ


def test_silence_or_too_little_of_a_tone_has_no_frequency() -> None:
    assert tone_frequency(decode_ulaw(b"\xff" * 8000)) is None  # mu-law 0xFF is zero
    assert tone_frequency(decode_ulaw(tone_frames(440)[0])) is None  # 20 ms: 9 periods


def test_mu_law_decoding_undoes_the_clients_encoding() -> None:
    samples = decode_ulaw(b"".join(tone_frames(1000)))
    # The client encodes an 8000-amplitude sine: mu-law keeps it within its quantisation step (a few percent).
    assert 7600 <= max(samples) <= 8400
    assert -8400 <= min(samples) <= -7600
