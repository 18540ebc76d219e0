"""A local server that behaves like the slice of the Telnyx API this package uses (standard library only).

Run it with `python -m pulumi_telnyx_siprec.emulator`, or in-process:

    with Emulator(calls=["v3:test-call"]) as emulator:
        ...  # point telnyx:baseUrl at emulator.base_url
        emulator.state()["sessions"]

Layers. Imports go downwards only; packages on one line do not import each other.

    glue     this module (the `Emulator` facade), `__main__`, `recorder`, `local_srs` (the former command's shim)
    parts    `api`            the Telnyx HTTP API: state, routes, faults, callbacks, effects
             `siprec`         Telnyx's SIPREC client: user agent, sessions (dialog, media, refresh), transport, RTP
             `srs`            a local SRS to test the client against: SIPp, its scenarios, an RTP counter; over
                              TLS an SRS in Python that checks SRTP
    wire     `sip`            the SIP wire format `siprec` and `srs` share: messages, the recording-session body,
                              SDES crypto lines
             `srtp`           SRTP by pylibsrtp (optional, imported when a secure session needs it)

- The glue may import every part. `api` reaches the SIPREC client only through `effects.Recorder`, a protocol the
  glue's `recorder.SiprecRecorder` fulfils; nothing in the emulator imports `srs` but the `local_srs` shim.
- `api` does not need `sip`; `siprec` and `srs` import `sip` and `srtp`, which import nothing of the emulator.
- Outside `emulator/`, only `api/resource_inputs.py` imports the core package (the input schemas the API validates
  with); every other module imports only the standard library and its own layers (`api.callbacks` also imports
  `cryptography`, when installed, to sign callbacks; `srtp` imports pylibsrtp when a secure session needs it).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .api.call_control import CallControl
from .api.callbacks import CallbackDispatcher, CallbackSigner
from .api.connections import DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_TIMEOUT
from .api.control_guard import parse_control_host
from .api.effects import SideEffects
from .api.faults import Fault, FaultQueue, parse_fault
from .api.server import ROUTE_NAMES, EmulatorHTTPServer
from .api.state import Behaviour, EmulatorState, Limits, updated_behaviour
from .call_control_recorder import CallControlRecorder
from .recorder import LiveHandles, SiprecRecorder
from .sip.sdes import DEFAULT_SUITES, check_suites
from .siprec import TIMER_B

__all__ = ["ROUTE_NAMES", "Behaviour", "Emulator", "Limits"]

DEFAULT_LIMITS = Limits()
DEFAULT_BEHAVIOUR = Behaviour()


class Emulator:
    """The emulator as an object: `start`/`stop` (or `with`), `base_url`, `state()`, calls and faults."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        calls: Iterable[str] = (),
        allow_any_callback_host: bool = False,
        seed: int = 0,
        limits: Limits = DEFAULT_LIMITS,
        verbose: bool = False,
        latency: float = 0.0,
        behaviour: Behaviour = DEFAULT_BEHAVIOUR,
        callback_failover_url: str | None = None,
        sip: bool = True,
        await_srs: bool = True,
        allow_any_srs_host: bool = False,
        invite_timeout: float = TIMER_B,
        webhook_url: str | None = None,
        call_duration: float | None = None,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        srtp_suites: Sequence[str] = DEFAULT_SUITES,
        control_hosts: Sequence[str] = (),
    ) -> None:
        """`api_key=None` accepts any non-empty bearer key; `port=0` picks a free port; `latency` seconds are
        added before every API answer, as a network round trip would; `behaviour` holds the switches where
        Telnyx's behaviour is not documented (see `Behaviour`). With `sip`, a session on a connector the emulator
        holds invites that connector's SRS (loopback addresses only unless `allow_any_srs_host`; see `recorder`
        for `await_srs`); `invite_timeout` is how long an INVITE waits for the SRS's final answer. Call Control webhooks
        go to the dial's `webhook_url`, else to `webhook_url` here (the application's); `call_duration` seconds after
        it is answered, a Call Control call hangs up by itself. A client has `read_timeout` seconds to send each
        request (and as long again for its body), and an idle connection is closed after that long; at most
        `max_connections` are served at once, more wait to be accepted. A `secure` session offers the SRS the SRTP
        suites `srtp_suites` (SDES names, in order of preference; ValueError for an unknown one). The control
        endpoints answer requests whose `Host` names this machine, or one of `control_hosts` (`host` or `host:port`,
        the port defaulting to the emulator's own; ValueError otherwise)."""
        if not read_timeout > 0:
            raise ValueError(f"read_timeout must be a positive number of seconds, got {read_timeout!r}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, got {max_connections!r}")
        self._address = (host, port)
        self._api_key = api_key
        self._state = EmulatorState(lambda: self.base_url, limits, behaviour)
        self._call_control = CallControl(self._state, default_webhook_url=webhook_url, call_duration=call_duration)
        self._faults = FaultQueue(seed)
        self._allow_any_callback_host = allow_any_callback_host
        self._callback_failover_url = callback_failover_url
        self._signer = CallbackSigner.if_available()
        self._verbose = verbose
        self._latency = latency
        self._sip = sip
        self._await_srs = await_srs
        self._allow_any_srs_host = allow_any_srs_host
        self._invite_timeout = invite_timeout
        self._read_timeout = read_timeout
        self._max_connections = max_connections
        for text in control_hosts:
            parse_control_host(text, port or 1)  # ValueError now, not at start()
        self._control_hosts = tuple(control_hosts)
        self._srtp_suites = check_suites(srtp_suites)
        self._server: EmulatorHTTPServer | None = None
        self._effects: SideEffects | None = None
        self._sip_handles: list[LiveHandles] = []
        self._thread: threading.Thread | None = None
        for call_sid in calls:
            self._state.add_call(call_sid)

    def start(self) -> Emulator:
        """Binds and serves in a background thread."""
        callbacks = CallbackDispatcher(self._state.record_callback, allow_any_host=self._allow_any_callback_host,
                                       signer=self._signer, failover_url=self._callback_failover_url)
        recorder = SiprecRecorder(self._state, await_srs=self._await_srs, allow_any_srs_host=self._allow_any_srs_host,
                                  invite_timeout=self._invite_timeout, srtp_suites=self._srtp_suites
                                  ) if self._sip else None
        handlers = [CallControlRecorder(self._call_control, recorder.agent)] if recorder is not None else []
        self._sip_handles = [r.handles for r in (recorder, *handlers) if r is not None]
        self._effects = SideEffects(callbacks, recorder, handlers)
        for handler in handlers:
            handler.bind(self._effects.run)
        self._call_control.bind(self._effects.run)
        try:
            self._server = EmulatorHTTPServer(self._address, self._state, self._faults, self._effects,
                                              self._api_key, self._verbose, self._latency, self._read_timeout,
                                              self._max_connections, self._control_hosts)
        except OSError:
            self._call_control.close()
            self._effects.close()
            self._effects = None
            raise
        # A short poll interval keeps stop() prompt (shutdown waits for the serving loop's next poll).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="telnyx-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and waits for callback deliveries in progress."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._call_control.close()
        if self._effects is not None:
            self._effects.close()
            self._effects = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The API root to use as `telnyx:baseUrl`, ending in `/v2`."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        address = self._server.server_address
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        shown = f"[{host}]" if ":" in host else host
        port = address[1]
        return f"http://{shown}:{port}/v2"

    @property
    def sip_sessions_held(self) -> int:
        """Sessions (TeXML and Call Control) whose SIP side the SIPREC client holds now: those alive, and those that
        ended since the last start (a start moves their last outcome into their record and lets them go)."""
        return sum(len(handles) for handles in self._sip_handles)

    @property
    def callback_public_key(self) -> str | None:
        """The Ed25519 public key (base64) that verifies status callbacks; None without `cryptography`."""
        return self._signer.public_key if self._signer is not None else None

    def state(self) -> dict[str, Any]:
        """Calls, sessions (with every parameter received), callback deliveries, recent requests, faults, and the
        connections served now (while running)."""
        server = self._server
        connections = server.connections() if server is not None else {
            "open": 0, "max": self._max_connections, "read_timeout": self._read_timeout}
        return {**self._state.snapshot(), "faults": self._faults.pending(),
                "callback_public_key": self.callback_public_key, "connections": connections}

    def configure(self, **changes: Any) -> Behaviour:
        """Changes behaviour switches while running (as `POST /_emulator/behaviour` does)."""
        self._state.behaviour = updated_behaviour(self._state.behaviour, changes)
        return self._state.behaviour

    @property
    def behaviour(self) -> Behaviour:
        return dataclasses.replace(self._state.behaviour)

    def add_call(self, call_sid: str, status: str = "in-progress") -> None:
        """Adds a call in progress (it answers under any account sid)."""
        self._state.add_call(call_sid, status)

    def add_session(self, sid: str, call_sid: str, *, account_sid: str | None = None,
                    params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Holds a session with this sid on a live call, in progress, as if it had been started elsewhere (as
        `POST /_emulator/sessions` does): state written by another run can then be stopped and refreshed here. No
        callback is sent and no SRS is invited. Returns the session as `state()` shows it; KeyError for an unknown
        call, ValueError (saying why) for anything else it cannot hold."""
        answer = self._state.add_session(sid, call_sid, account_sid or self._state.behaviour.organization_id,
                                         params or {})
        if answer.status == 201:
            return dict(answer.body)
        detail = answer.body["errors"][0]["detail"]
        raise KeyError(detail) if answer.status == 404 else ValueError(detail)

    def end_call(self, call_sid: str, status: str = "completed") -> None:
        """Ends a call as a hang-up would: its sessions stop (and their callbacks fire). KeyError if unknown."""
        events = self._state.end_call(call_sid, status)
        if self._effects is not None:
            self._effects.run(events)

    def set_call_duration(self, seconds: float | None) -> None:
        """How long after it is answered a Call Control call hangs up by itself (None: until hung up), from now on
        (a call answered longer ago than that hangs up at once)."""
        if seconds is not None and not seconds > 0:
            raise ValueError(f"a call duration must be above 0 seconds, got {seconds:g}")
        with self._state.lock:
            self._call_control.call_duration = seconds

    def add_call_control_call(self, call_control_id: str) -> None:
        """Adds an answered Call Control call by id (a fresh one, replacing any of that id)."""
        self._call_control.add_call(call_control_id)

    def end_call_control_call(self, call_control_id: str, hangup_cause: str = "normal_clearing") -> None:
        """Ends a Call Control call as the far end hanging up would: `call.hangup`, and its SIPREC session stops
        (`siprec.stopped`, BYE to the SRS). KeyError if unknown or ended."""
        events = self._call_control.end_call(call_control_id, hangup_cause)
        if self._effects is not None:
            self._effects.run(events)

    def fail_session(self, siprec_sid: str, error: str) -> None:
        """Fails a session as a refusing SRS would (`siprec-failed` with `SiprecError`). KeyError if unknown."""
        events = self._state.fail_session(siprec_sid, error)
        if self._effects is not None:
            self._effects.run(events)

    def inject(self, route: str, kind: str, **spec: Any) -> Fault:
        """Queues a fault, as `POST /_emulator/faults` does (see `api/faults.py` for the fields)."""
        fault = parse_fault({"route": route, "kind": kind, **spec}, ROUTE_NAMES)
        self._faults.add(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def wait_until_idle(self, timeout: float = 10.0) -> dict[str, Any]:
        """Waits until no API request is being handled (a delayed answer has been sent); returns the state."""
        return self.wait_until(lambda state: state["counters"]["in_flight"] == 0, timeout)

    def wait_until(self, condition: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        """Polls `state()` until `condition` holds (for background work such as callbacks); TimeoutError if not."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            if condition(state):
                return state
            if time.monotonic() > deadline:
                raise TimeoutError(f"emulator state did not reach the condition within {timeout:g} s")
            time.sleep(0.01)
