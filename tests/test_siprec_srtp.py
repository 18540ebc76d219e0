"""Encrypted media (issue 23, point 1): a `secure` session's SIPREC client sends SRTP keyed by SDES, which the local TLS
SRS authenticates and decrypts, stream by stream; an SRS whose answer has no usable crypto line gets the session
failed (a note, `siprec-failed`) and no RTP at all; without pylibsrtp the emulator still runs and says how to install
it. Nothing asserts on durations: waits are conditions with generous limits.
"""

from __future__ import annotations

import base64
import os
import queue
import socket
import struct
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.emulator.sip.message import SipMessage, parse_message
from pulumi_telnyx_siprec.emulator.sip.recording_body import forwarded_streams, parse_multipart, parse_sdp
from pulumi_telnyx_siprec.emulator.sip.sdes import DEFAULT_SUITES, SUITES, parse_crypto
from pulumi_telnyx_siprec.emulator.siprec import SiprecUserAgent, SrcOutcome
from pulumi_telnyx_siprec.emulator.siprec.rtp import TONE_HZ, TONES
from pulumi_telnyx_siprec.emulator.srs.local_srs import LocalSrs
from pulumi_telnyx_siprec.emulator.srs.media_receiver import MediaReceiver, ReceivedStream
from pulumi_telnyx_siprec.emulator.srs.rtp_counter import RtpCounter
from pulumi_telnyx_siprec.emulator.srs.tone import TOLERANCE_HZ
from pulumi_telnyx_siprec.emulator.srtp import SrtpProtector, SrtpVerifier
from tests.support.hostile_srs import HostileSrs, Peer, answer
from tests.support.processes import piped_process, stopped
from tests.support.recording_server import RecordingServer, Reply
from tests.support.samples import ACCOUNT_SID, API_KEY, CALL_SID
from tests.support.sipp import WAIT, recording_request, wait_until

pytest.importorskip("pylibsrtp", reason="the `srtp` extra (pylibsrtp) is part of the `test` extra")

INSTALL = "pip install 'pulumi-telnyx-siprec[srtp]'"
TLS_SRS_COMMAND = [sys.executable, "-m", "pulumi_telnyx_siprec.emulator.srs", "--transport", "tls"]


def offered_sdp(invite: SipMessage) -> str:
    for part in parse_multipart(invite.get("content-type") or "", invite.body):
        if part.headers.get("content-type") == "application/sdp":
            return part.content.decode()
    raise AssertionError("no SDP offer")


# Against the local TLS SRS


@pytest.mark.parametrize(("track", "offered", "preferred", "taken"), [
    ("both_tracks", None, None, "AES_CM_128_HMAC_SHA1_80"),
    ("outbound_track", ("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"), ("AES_CM_128_HMAC_SHA1_32",),
     "AES_CM_128_HMAC_SHA1_32"),
    ("inbound_track", ("AEAD_AES_128_GCM", "AEAD_AES_256_GCM"), ("AEAD_AES_256_GCM",), "AEAD_AES_256_GCM"),
], ids=["default-suite", "srs-takes-the-second-of-two", "aead-gcm"])
def test_the_srs_authenticates_every_srtp_packet_and_hears_each_streams_tone(
        track: str, offered: tuple[str, ...] | None, preferred: tuple[str, ...] | None, taken: str) -> None:
    with SiprecUserAgent(invite_timeout=5.0, srtp_suites=offered or DEFAULT_SUITES) as agent, \
            LocalSrs("accept", transport="tls", srtp_suites=preferred) as srs:
        handle = agent.start(recording_request(srs.port, secure=True, track=track))
        established = handle.wait_established(WAIT)
        assert established.state == "established", established
        # A second of each tone, so that the SRS's estimate has enough periods.
        assert wait_until(lambda: min(handle.outcome().rtp_packets) >= 50)
        stopped = handle.stop()
        report = srs.stop()

    assert (stopped.state, stopped.bye_code) == ("ended", 200)
    # The suite of the crypto line the SRS answered decides what the client protects with.
    assert [m.srtp_suite for m in stopped.answered_media] == [taken] * len(forwarded_streams(track))
    offer = parse_sdp(offered_sdp(parse_message(handle.invite)))
    assert {m.protocol for m in offer} == {"RTP/SAVP"}
    keys = [parse_crypto(line).key for m in offer for line in m.crypto]
    assert len(set(keys)) == len(keys), "every m-line and every suite has a key of its own"
    assert report.recording_problems(1) == []
    [session] = report.sessions
    for stream, sent, forwarded in zip(session.streams, stopped.rtp_packets, forwarded_streams(track), strict=True):
        assert stream.srtp_suite == taken
        # Every packet the client sent passed authentication and decryption; none was refused.
        assert (stream.rtp_packets, stream.rejected_packets) == (sent, 0)
        assert stream.tone_hz is not None
        assert abs(stream.tone_hz - TONE_HZ[forwarded.track]) <= TOLERANCE_HZ, (forwarded, stream.tone_hz)
    text = report.text()
    assert f"SRTP {taken}, {stopped.rtp_packets[0]} packets authenticated, 0 rejected, tone " \
           f"{TONE_HZ[forwarded_streams(track)[0].track]} Hz" in text


def test_a_tampered_srtp_packet_is_rejected_and_counted() -> None:
    with SiprecUserAgent(invite_timeout=5.0) as agent, LocalSrs("accept", transport="tls") as srs:
        handle = agent.start(recording_request(srs.port, secure=True, track="inbound_track"))
        established = handle.wait_established(WAIT)
        assert wait_until(lambda: handle.outcome().rtp_packets[0] >= 5)
        # A packet protected with the offered key (as the client protects its own), on a stream of its own (SSRC).
        [line] = parse_sdp(offered_sdp(parse_message(handle.invite)))[0].crypto
        offered = parse_crypto(line)
        protector = SrtpProtector(offered.suite, offered.key)
        packet = protector.protect(struct.pack("!BBHII", 0x80, 0, 1, 160, 0x5EC0DE) + TONES["inbound"][0])
        tampered = bytearray(packet)
        tampered[20] ^= 0x01  # one bit of the encrypted payload
        port = established.answered_media[0].port
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(bytes(tampered), ("127.0.0.1", port))
            sender.sendto(packet, ("127.0.0.1", port))  # the same packet untouched passes
            sender.sendto(packet, ("127.0.0.1", port))  # and once only: a replay is refused
        stopped = handle.stop()
        report = srs.stop()

    [stream] = report.sessions[0].streams
    assert (stream.rtp_packets, stream.rejected_packets) == (stopped.rtp_packets[0] + 1, 2)
    problems = report.recording_problems(1)
    assert problems == [f"session 1 (Call-ID {report.sessions[0].call_id}): 2 packet(s) refused on stream 1 (failed "
                        "SRTP authentication or replay, or not RTP)"]
    assert "2 rejected" in report.text()


# The TLS SRS's media side under concurrency: at BYE the SIP thread reads what is left of a stream's port while the
# media thread may still be reading it. libsrtp's session is not thread-safe (pylibsrtp releases the GIL while it
# runs): verified from both threads at once, valid packets were refused ("authentication failure", "cipher failure",
# "replay check failed (bad index)") in 51 of 60 rounds of 2000 packets.

SRTP_ROUNDS = 100
SRTP_ROUND_PACKETS = 100
"""Fewer than the replay window (128): in any order, every packet of a round is new to the window."""


def srtp_packets(suite: str, key: bytes, count: int) -> list[bytes]:
    protector = SrtpProtector(suite, key)
    return [protector.protect(struct.pack("!BBHII", 0x80, 0, n, 160 * n, 0x5EC0DE) + TONES["inbound"][0])
            for n in range(1, count + 1)]


def test_a_stream_taken_from_two_threads_at_once_accepts_every_valid_packet() -> None:
    wrong = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        for number in range(SRTP_ROUNDS):
            suite = list(SUITES)[number % len(SUITES)]
            key = os.urandom(SUITES[suite].key_salt_bytes)
            waiting: queue.SimpleQueue[bytes] = queue.SimpleQueue()
            for packet in srtp_packets(suite, key, SRTP_ROUND_PACKETS):
                waiting.put(packet)
            stream = ReceivedStream(sock, SrtpVerifier(suite, key))

            def take_all(stream: ReceivedStream = stream, waiting: queue.SimpleQueue[bytes] = waiting) -> None:
                while True:
                    try:
                        stream.take(waiting.get_nowait())
                    except queue.Empty:
                        return

            takers = [threading.Thread(target=take_all) for _ in range(2)]
            for taker in takers:
                taker.start()
            for taker in takers:
                taker.join()
            stats = stream.stats()
            if (stats.accepted, stats.rejected) != (SRTP_ROUND_PACKETS, 0):
                wrong.append((number, stats.accepted, stats.rejected, stats.last_rejection))
    assert wrong == []


def test_closing_a_stream_counts_every_packet_the_media_thread_was_reading() -> None:
    """`close_stream` returns once every datagram received before it is counted, the media thread's included."""
    wrong = []
    with MediaReceiver("127.0.0.1") as media, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        for number in range(SRTP_ROUNDS):
            key = os.urandom(30)
            stream = media.open(SrtpVerifier(DEFAULT_SUITES[0], key))
            for packet in srtp_packets(DEFAULT_SUITES[0], key, SRTP_ROUND_PACKETS):
                sender.sendto(packet, ("127.0.0.1", stream.port))
            media.close_stream(stream)
            stats = stream.stats()
            if (stats.accepted, stats.rejected) != (SRTP_ROUND_PACKETS, 0):
                wrong.append((number, stats.accepted, stats.rejected, stats.last_rejection))
    assert wrong == []


# Against an SRS whose answer cannot carry SRTP


def crypto_answer_srs(answer_media: str, media_port: int) -> HostileSrs:
    """A TLS SRS that answers the INVITE 200 with `answer_media` (an m-line and its attributes; `{port}` is
    `media_port`, `{key}` a fresh 30-byte key) for each offered stream, and 200 to the rest (BYE)."""

    def script(_srs: HostileSrs, message: SipMessage, peer: Peer) -> None:
        if message.is_response or message.method == "ACK":
            return
        if message.method == "INVITE":
            media = "".join(answer_media.format(port=media_port, key=base64.b64encode(os.urandom(30)).decode())
                            for _ in parse_sdp(offered_sdp(message)))
            body = f"v=0\r\no=srs 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n{media}".encode()
            peer.send(answer(message, "200 OK", [("Contact", "<sip:srs@127.0.0.1;transport=tls>"),
                                                 ("Content-Type", "application/sdp")], body))
        else:
            peer.send(answer(message, "200 OK"))

    return HostileSrs("tls", script)


SAVP = "m=audio {port} RTP/SAVP 0\r\na=recvonly\r\n"


@pytest.mark.parametrize(("media", "why"), [
    (SAVP, "stream 1: no a=crypto line"),
    (SAVP + "a=crypto:1 AES_CM_192_HMAC_SHA1_80 inline:{key}\r\n",
     "stream 1: unusable a=crypto line: unknown SRTP suite 'AES_CM_192_HMAC_SHA1_80' (known: "
     "AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM)"),
    (SAVP + "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:{key}\r\n",
     "stream 1: a=crypto tag 2 was not offered (offered: 1 AES_CM_128_HMAC_SHA1_80)"),
    (SAVP + "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:{key}\r\n",
     "stream 1: a=crypto tag 1 answered with AES_CM_128_HMAC_SHA1_32; it was offered with AES_CM_128_HMAC_SHA1_80"),
    (SAVP + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=\r\n",
     "stream 1: unusable a=crypto line: AES_CM_128_HMAC_SHA1_80 needs 30 bytes of key and salt, the key has 5"),
    (SAVP + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{key}\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{key}\r\n",
     "stream 1: 2 a=crypto lines (an answer carries one)"),
    ("m=audio {port} RTP/AVP 0\r\na=recvonly\r\n", "stream 1 answered 'RTP/AVP', not RTP/SAVP"),
], ids=["no-crypto", "unknown-suite", "tag-not-offered", "suite-not-that-tags", "short-key", "two-lines", "avp"])
def test_an_answer_without_a_usable_crypto_line_fails_the_session_and_no_rtp_is_sent(media: str, why: str) -> None:
    events: list[tuple[str, SrcOutcome]] = []
    with RtpCounter(1) as counter, crypto_answer_srs(media, counter.ports[0]) as srs, \
            SiprecUserAgent(invite_timeout=5.0) as agent:
        handle = agent.start(recording_request(srs.port, secure=True, track="inbound_track"),
                             listener=lambda event, outcome: events.append((event, outcome)))
        failed = handle.wait_ended(WAIT)
        assert wait_until(lambda: handle.outcome().bye_code == 200)
        outcome = handle.outcome()
        received = counter.stats()[counter.ports[0]]
        acks, byes = srs.requests("ACK"), srs.requests("BYE")

    assert failed.state == "failed", "failed as soon as the answer was read, before the BYE's answer"
    assert (outcome.state, outcome.final_code, outcome.bye_sent) == ("failed", None, True)
    assert outcome.final_reason == f"200 OK refused: the SRS's SDP answer has no usable SRTP key: {why}"
    assert f"the SRS's SDP answer has no usable SRTP key: {why}: the 200 was ACKed, BYE sent, no RTP sent" in \
        outcome.notes
    assert [event for event, _ in events] == ["failed"]
    assert (len(acks), len(byes)) == (1, 1)
    assert outcome.rtp_packets == (), "no sender was made"
    assert (received.packets, received.other) == (0, 0), "not one packet, plain or protected"


def test_a_refused_answer_fails_the_api_session_with_siprec_failed() -> None:
    hook = RecordingServer(lambda _request: Reply(200, {}))
    try:
        with RtpCounter(1) as counter, crypto_answer_srs(SAVP, counter.ports[0]) as srs, \
                Emulator(api_key=API_KEY, calls=[CALL_SID]) as emulator:
            client = TelnyxClient(API_KEY, emulator.base_url)
            client.create_connector({"name": "tls-srs", "host": "127.0.0.1", "port": srs.port})
            started = client.start_siprec(ACCOUNT_SID, CALL_SID, {
                "ConnectorName": "tls-srs", "Secure": "true", "Track": "inbound_track",
                "StatusCallback": hook.base_url.removesuffix("/v2") + "/events"})
            emulator.wait_until(lambda state: any(c["fields"]["SiprecEvent"] == "siprec-failed"
                                                  for c in state["callbacks"]))
            [session] = emulator.state()["sessions"]
            client.close()
    finally:
        hook.close()
    assert started.status == "failed"
    failed = [request.form for request in hook.requests if request.form["SiprecEvent"] == "siprec-failed"]
    assert [f["SiprecError"] for f in failed] == [
        "SIPREC connection failed: 200 OK refused: the SRS's SDP answer has no usable SRTP key: stream 1: no "
        "a=crypto line"]
    assert session["status"] == "failed"
    assert (session["sip"]["state"], list(session["sip"]["rtp_packets"])) == ("failed", [])
    assert counter.counts() == {counter.ports[0]: 0}


def test_an_emulated_secure_session_offers_the_configured_suites_and_records_over_srtp() -> None:
    with LocalSrs("accept", transport="tls") as srs, \
            Emulator(api_key=API_KEY, calls=[CALL_SID],
                     srtp_suites=("AES_CM_128_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80")) as emulator:
        client = TelnyxClient(API_KEY, emulator.base_url)
        client.create_connector({"name": "tls-srs", "host": srs.host, "port": srs.port})
        started = client.start_siprec(ACCOUNT_SID, CALL_SID, {"ConnectorName": "tls-srs", "Secure": "true"})
        emulator.wait_until(lambda state: min(state["sessions"][0]["sip"].get("rtp_packets") or [0]) >= 20)
        client.stop_siprec(ACCOUNT_SID, CALL_SID, started.sid)
        emulator.wait_until(lambda state: state["sessions"][0]["sip"]["bye_code"] == 200)
        sip = emulator.state()["sessions"][0]["sip"]
        client.close()
        report = srs.stop()
    assert (started.status, sip["transport"]) == ("in-progress", "tls")
    offer = parse_sdp(offered_sdp(parse_message(sip["invite"].encode())))
    assert [[parse_crypto(line).suite for line in m.crypto] for m in offer] == [
        ["AES_CM_128_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_80"]] * 2
    assert [m["srtp_suite"] for m in sip["answered_media"]] == ["AES_CM_128_HMAC_SHA1_32"] * 2
    assert report.recording_problems(1) == []
    assert [(s.rtp_packets, s.rejected_packets) for s in report.streams] == [(n, 0) for n in sip["rtp_packets"]]


# Without pylibsrtp

BLOCKER = textwrap.dedent("""
    import sys

    class NoPylibsrtp:
        def find_spec(self, name, path=None, target=None):
            if name == "pylibsrtp" or name.startswith("pylibsrtp."):
                raise ImportError("No module named 'pylibsrtp' (blocked by the test)")
            return None

    sys.meta_path.insert(0, NoPylibsrtp())
""")


def run_without_pylibsrtp(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "without_pylibsrtp.py"
    script.write_text(BLOCKER + textwrap.dedent(code))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env,
                          check=False)


def test_without_pylibsrtp_a_secure_session_fails_at_once_saying_how_to_install_it(tmp_path: Path) -> None:
    done = run_without_pylibsrtp("""
        import socket
        import pulumi_telnyx_siprec.emulator  # imports without pylibsrtp
        from pulumi_telnyx_siprec.emulator.siprec import SiprecUserAgent
        from tests.support.sipp import recording_request

        with socket.socket() as srs, SiprecUserAgent(invite_timeout=2.0) as agent:
            srs.bind(("127.0.0.1", 0))
            srs.listen(1)
            srs.settimeout(0.5)
            outcome = agent.start(recording_request(srs.getsockname()[1], secure=True)).wait_ended(10)
            try:
                srs.accept()
                print("CONNECTED")
            except TimeoutError:
                print("NOTHING SENT")
        print(outcome.state, outcome.final_code)
        print(outcome.final_reason)
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["NOTHING SENT", "failed None"]
    assert lines[2].startswith("secure session not started: SRTP needs the pylibsrtp package, which is not installed")
    assert lines[2].endswith(f"install it with: {INSTALL} (pylibsrtp, wheels for Linux, macOS, Windows)")


def test_without_pylibsrtp_the_emulator_command_says_secure_sessions_need_it(tmp_path: Path) -> None:
    script = tmp_path / "emulator.py"
    script.write_text(BLOCKER + "import runpy\n"
                      "runpy.run_module('pulumi_telnyx_siprec.emulator', run_name='__main__')\n")
    with piped_process([sys.executable, str(script), "--port", "0"]) as process:
        lines = read_lines(process, 3)
        stopped(process)
    assert lines[2] == (f"secure SIPREC sessions cannot send SRTP: pylibsrtp is not installed: {INSTALL}; until then "
                        "such a session fails at once, saying so")


def test_with_pylibsrtp_the_emulator_command_says_secure_sessions_send_srtp() -> None:
    with piped_process([sys.executable, "-m", "pulumi_telnyx_siprec.emulator", "--port", "0"]) as process:
        lines = read_lines(process, 3)
        stopped(process)
    assert lines[2].startswith("secure SIPREC sessions send SRTP (pylibsrtp ")


def read_lines(process: subprocess.Popen[str], count: int) -> list[str]:
    """The first `count` lines the process prints, or a failure with its stderr (a reader thread: a pipe's buffered
    lines do not wake select())."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for _ in range(count):
            lines.put(stdout.readline())

    threading.Thread(target=read, daemon=True).start()
    got: list[str] = []
    while len(got) < count:
        try:
            line = lines.get(timeout=WAIT)
        except queue.Empty:
            line = ""
        if not line:
            process.kill()
            _out, err = process.communicate()
            pytest.fail(f"printed {got}, then nothing: {err[-2000:]}")
        got.append(line.rstrip("\n"))
    return got


# The local TLS SRS as a command


@pytest.fixture
def agent() -> Iterator[SiprecUserAgent]:
    with SiprecUserAgent(invite_timeout=5.0) as running:
        yield running


@pytest.mark.parametrize("secure", [True, False], ids=["srtp", "plain-rtp-over-tls"])
def test_the_tls_srs_command_reports_each_stream_and_checks_recordings(agent: SiprecUserAgent, tmp_path: Path,
                                                                        secure: bool) -> None:
    with piped_process([*TLS_SRS_COMMAND, "--expect-recordings", "1",
                        "--report-file", str(tmp_path / "report.json")]) as process:
        host, port = read_lines(process, 1)[0].split()
        handle = agent.start(recording_request(int(port), srs_host=host, secure=secure, transport="tls"))
        assert handle.wait_established(WAIT).state == "established"
        assert wait_until(lambda: min(handle.outcome().rtp_packets) >= 50)
        sent = handle.stop().rtp_packets
        out, err = stopped(process)
    assert (process.returncode, err) == (0, "")
    assert out.startswith(f"SRS report: scenario accept, tls {host}:{port}, TLS SRS in Python\n")
    if secure:
        assert f"SRTP AES_CM_128_HMAC_SHA1_80, {sent[0]} packets authenticated, 0 rejected, tone 440 Hz" in out
        assert f"SRTP AES_CM_128_HMAC_SHA1_80, {sent[1]} packets authenticated, 0 rejected, tone 1000 Hz" in out
    else:
        assert f"{sent[0]} RTP packets, tone 440 Hz" in out
        assert f"{sent[1]} RTP packets, tone 1000 Hz" in out


def test_the_tls_srs_command_fails_a_ci_job_when_packets_were_refused(agent: SiprecUserAgent) -> None:
    with piped_process([*TLS_SRS_COMMAND, "--expect-recordings", "1"]) as process:
        host, port = read_lines(process, 1)[0].split()
        handle = agent.start(recording_request(int(port), srs_host=host, secure=True, track="inbound_track"))
        established = handle.wait_established(WAIT)
        assert wait_until(lambda: handle.outcome().rtp_packets[0] >= 5)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(b"\x80" + bytes(40), (host, established.answered_media[0].port))  # RTP, not SRTP
        handle.stop()
        _out, err = stopped(process)
    assert process.returncode == 1
    assert err.endswith("1 packet(s) refused on stream 1 (failed SRTP authentication or replay, or not RTP)\n")


def test_the_tls_srs_command_says_when_it_cannot_listen() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([*TLS_SRS_COMMAND, "--port", str(port)], capture_output=True, text=True, timeout=60,
                              check=False)
    assert done.returncode == 1
    assert done.stderr.startswith(f"local_srs: cannot listen on 127.0.0.1:{port}: ")
    assert "pick another --host (any 127.x.y.z on Linux) or --port" in done.stderr


def test_host_and_port_are_for_the_tls_srs_only() -> None:
    with pytest.raises(ValueError, match="for the TLS SRS only"):
        LocalSrs("accept", transport="udp", port=5061)

