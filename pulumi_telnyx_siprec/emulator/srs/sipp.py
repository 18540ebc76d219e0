"""Runs SIPp (Debian's `sip-tester`) as a server on 127.0.0.1 with a scenario of `scenarios/`; reads its message log.

    with Sipp("siprec-uas.xml", transport="udp", keys={"rtp_port_1": 40000, "rtp_port_2": 40002}) as srs:
        ...                                  # send to srs.host, srs.port
        result = srs.wait(10)                # exit status, and the -trace_msg log
        result.received("INVITE")            # the INVITEs SIPp received, parsed

Standard library only; the `sipp` binary must be on PATH (SippNotFoundError says how to install it otherwise).
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..sip.message import SipMessage, parse_message

SCENARIO_DIR = Path(__file__).resolve().with_name("scenarios")
"""The SRS scenarios shipped with the package."""
INSTALL_HINT = "sipp is not installed (Debian/Ubuntu package sip-tester): apt-get install -y sip-tester"
_SEPARATOR = re.compile(r"^-{20,}.*$", re.MULTILINE)
# SIPp 3.6 writes `UDP message received [2837] bytes :` but `UDP message sent (264 bytes):`.
_HEADING = re.compile(r"^(UDP|TCP|TLS|SCTP) message (received|sent) (?:\[\d+\] bytes ?|\(\d+ bytes\)):\s*$",
                      re.MULTILINE)


class SippNotFoundError(RuntimeError):
    """No `sipp` on PATH."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


def sipp_binary() -> str | None:
    return shutil.which("sipp")


def free_port(kind: socket.SocketKind = socket.SOCK_DGRAM, host: str = "127.0.0.1") -> int:
    """A port free right now (another process may take it before it is used: Sipp retries)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class SippResult:
    """What a sipp run left: its exit status, its message log, its output."""

    returncode: int | None
    """sipp's exit status: 0 every call succeeded, 1 one failed, 97/99 stopped early (see `man sipp`)."""
    messages: str
    """The -trace_msg log: every SIP message sent and received."""
    output: str
    """stdout and stderr (screens, errors)."""

    def exchanged(self) -> list[tuple[str, str]]:
        """(`received`/`sent`, message text) in log order."""
        entries = []
        for block in _SEPARATOR.split(self.messages):
            heading = _HEADING.search(block)
            if heading:
                text = block[heading.end():].lstrip("\r\n")
                entries.append((heading.group(2), text))
        return entries

    def received(self, method: str | None = None) -> list[SipMessage]:
        """The SIP messages sipp received (requests of `method` only, if given), parsed; ValueError if one is not
        SIP."""
        return [message for message in self.parsed("received")
                if method is None or (not message.is_response and message.method == method)]

    def parsed(self, direction: str) -> list[SipMessage]:
        """Every message sipp `received` or `sent`, parsed; ValueError if one is not SIP."""
        return [parse_message(as_wire(text)) for way, text in self.exchanged() if way == direction]


def as_wire(text: str) -> bytes:
    """A message of the log as it was on the wire (CRLF lines, a blank line before the body)."""
    # The log writes messages with bare LF line ends at times, and no trailing blank line after an empty body.
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    body = body.rstrip("\n") + "\n" if body.strip() else ""
    return head.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body.replace("\n", "\r\n").encode()


class Sipp:
    """One sipp process running a scenario of `scenarios/` (or any path) as a server on 127.0.0.1.

    `calls`: sipp exits after that many calls (0: never, until stopped). `timeout`: sipp gives up (and fails) after
    that many seconds (None: no limit).
    """

    def __init__(self, scenario: str | Path, *, transport: str = "udp", keys: Mapping[str, object] | None = None,
                 calls: int = 1, extra: Sequence[str] = (), timeout: float | None = 30.0,
                 host: str = "127.0.0.1") -> None:
        if transport not in ("udp", "tcp"):
            raise ValueError(f"transport must be udp or tcp, not {transport!r}")
        path = Path(scenario)
        self.scenario = path if path.is_absolute() or path.exists() else SCENARIO_DIR / path
        self.transport = transport
        self.keys = dict(keys or {})
        self.calls = calls
        self.extra = list(extra)
        self.timeout = timeout
        self.host = host
        self.port = 0
        self._workdir = tempfile.TemporaryDirectory(prefix="sipp-")
        self._process: subprocess.Popen[bytes] | None = None
        self._result: SippResult | None = None

    @property
    def messages_path(self) -> Path:
        return Path(self._workdir.name) / "messages.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> Sipp:
        """Starts sipp on a free port and waits until it listens; SippNotFoundError without sipp, RuntimeError with
        its output if it cannot start."""
        binary = sipp_binary()
        if binary is None:
            raise SippNotFoundError
        for _attempt in range(5):
            kind = socket.SOCK_DGRAM if self.transport == "udp" else socket.SOCK_STREAM
            self.port = free_port(kind, self.host)
            command = [
                binary, "-sf", str(self.scenario), "-i", self.host, "-p", str(self.port),
                "-t", "u1" if self.transport == "udp" else "t1",
                *(["-m", str(self.calls)] if self.calls > 0 else []),
                # SIPp binds an RTP echo port even when unused: a free one, so that several can run at once.
                "-mp", str(free_port(socket.SOCK_DGRAM, self.host)),
                "-nostdin",
                *(["-timeout", f"{self.timeout:g}s", "-timeout_error"] if self.timeout is not None else []),
                "-trace_msg", "-message_file", str(self.messages_path),
                "-trace_err", "-error_file", str(Path(self._workdir.name) / "errors.log"),
                *(arg for key, value in self.keys.items() for arg in ("-key", key, str(value))),
                *self.extra,
            ]
            output = open(Path(self._workdir.name) / "output.log", "wb")  # noqa: SIM115 - the process owns it
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output,  # noqa: S603
                                             stderr=subprocess.STDOUT, cwd=self._workdir.name)
            output.close()
            if self._wait_listening():
                return self
            self._process.wait()
        raise RuntimeError(f"sipp did not start listening: {self._output()[-2000:]}")

    def _wait_listening(self, timeout: float = 10.0) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            if _listening(self.port, self.transport):
                return True
            time.sleep(0.01)
        return False

    def wait(self, timeout: float = 30.0) -> SippResult:
        """Waits for sipp to finish its calls and exit (terminating it after `timeout`); the result."""
        if self._result is not None:
            return self._result
        assert self._process is not None, "start() first"
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._terminate()
        return self._collect()

    def stop(self) -> SippResult:
        """Ends sipp now, whatever it was doing; the result (its status then says it was stopped)."""
        if self._result is not None:
            return self._result
        if self._process is not None and self._process.poll() is None:
            self._terminate()
        return self._collect()

    def _terminate(self) -> None:
        assert self._process is not None
        # SIGINT ends sipp at once, calls in progress included (SIGUSR1 would wait for them); it writes every
        # message to the log as it goes, so nothing is lost.
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _collect(self) -> SippResult:
        returncode = self._process.returncode if self._process is not None else None
        messages = self.messages_path.read_text(errors="replace") if self.messages_path.exists() else ""
        self._result = SippResult(returncode, messages, self._output())
        return self._result

    def _output(self) -> str:
        path = Path(self._workdir.name) / "output.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        self.stop()
        self._workdir.cleanup()

    def __enter__(self) -> Sipp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _listening(port: int, transport: str) -> bool:
    """Whether something is bound to the port on this machine (Linux: /proc/net; elsewhere, try to bind it)."""
    tables = ("udp", "udp6") if transport == "udp" else ("tcp", "tcp6")
    found_table = False
    for table in tables:
        try:
            lines = Path(f"/proc/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        found_table = True
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            # For TCP only a listening socket (state 0A) will take a connection.
            if local_port == port and (transport == "udp" or fields[3] == "0A"):
                return True
    if found_table:
        return False
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False
