"""The emulator's HTTP side: routing, bearer auth, body parsing, fault injection and the control endpoints."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
import socket
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from .call_control import ROUTES as CALL_CONTROL_ROUTES
from .connections import DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_TIMEOUT, ConnectionSlots, DeadlineReader
from .control_guard import ControlGuard
from .effects import SideEffects
from .faults import Fault, FaultQueue, FaultSpecError, parse_fault
from .json_body import JsonBodyError, load_json
from .records import redacted_authorization, request_record
from .resource_inputs import ENDED_CALL_STATUSES
from .state import Answer, EmulatorState, Event, api_error, not_found, updated_behaviour

MAX_BODY_BYTES = 64 * 1024


Operation = Callable[[EmulatorState, Mapping[str, str], dict[str, Any]], tuple[Answer, list[Event]]]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    pattern: re.Pattern[str]
    operation: Operation
    json_only: bool = False
    """The JSON API (connectors, call create) takes JSON bodies; the TeXML call and SIPREC routes take form
    bodies or JSON."""


def _route(name: str, method: str, path: str, operation: Operation, json_only: bool = False) -> Route:
    return Route(name, method, re.compile("^" + path + "$"), operation, json_only)


def _no_events(answer: Answer) -> tuple[Answer, list[Event]]:
    return answer, []


_ACCOUNT_CALL = r"/v2/texml/Accounts/(?P<account_sid>[^/]+)/Calls/(?P<call_sid>[^/]+)"
_CONNECTOR = r"/v2/siprec_connectors/(?P<name>[^/]+)"
ROUTES = (
    _route("siprec.start", "POST", _ACCOUNT_CALL + r"/Siprec\.json",
           lambda s, ids, body: s.start_siprec(ids["account_sid"], ids["call_sid"], body, ids["body_format"])),
    _route("siprec.stop", "POST", _ACCOUNT_CALL + r"/Siprec/(?P<siprec_sid>[^/]+)\.json",
           lambda s, ids, body: s.stop_siprec(ids["account_sid"], ids["call_sid"], ids["siprec_sid"], body)),
    _route("call.create", "POST", r"/v2/texml/calls/(?P<connection_id>[^/]+)",
           lambda s, ids, body: _no_events(s.place_call(ids["connection_id"], body)), json_only=True),
    _route("call.fetch", "GET", _ACCOUNT_CALL + r"(?:\.json)?",
           lambda s, ids, _body: s.fetch_call(ids["account_sid"], ids["call_sid"])),
    _route("call.update", "POST", _ACCOUNT_CALL + r"(?:\.json)?",
           lambda s, ids, body: s.update_call(ids["account_sid"], ids["call_sid"], body)),
    _route("whoami", "GET", r"/v2/whoami", lambda s, _ids, _body: _no_events(s.whoami())),
    _route("connector.create", "POST", r"/v2/siprec_connectors",
           lambda s, _ids, body: _no_events(s.create_connector(body)), json_only=True),
    _route("connector.read", "GET", _CONNECTOR,
           lambda s, ids, _body: _no_events(s.get_connector(ids["name"])), json_only=True),
    _route("connector.update", "PUT", _CONNECTOR,
           lambda s, ids, body: _no_events(s.update_connector(ids["name"], body)), json_only=True),
    _route("connector.delete", "DELETE", _CONNECTOR,
           lambda s, ids, _body: _no_events(s.delete_connector(ids["name"])), json_only=True),
    *(_route(name, method, path, operation, json_only=True) for name, method, path, operation in CALL_CONTROL_ROUTES),
)
ROUTE_NAMES = tuple(r.name for r in ROUTES)
__all__ = ["MAX_BODY_BYTES", "ROUTES", "ROUTE_NAMES", "BodyError", "EmulatorHTTPServer", "Handler", "Route",
           "parse_body", "redacted_authorization"]


class BodyError(Exception):
    """A request body the API cannot take; `answer` is what to reply."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def parse_body(content_type: str, raw: bytes, json_only: bool = False) -> tuple[dict[str, Any], str]:
    """The body as a dict and its format (`form` or `json`); the TeXML API accepts both."""
    media = content_type.split(";")[0].strip().lower()
    if not raw and media in ("", "application/x-www-form-urlencoded", "application/json"):
        return {}, "form" if media != "application/json" else "json"
    if json_only and media != "application/json":
        raise BodyError(api_error(415, "10015", "Unsupported media type", "send application/json"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError(api_error(400, "10015", "Bad request", "the body is not UTF-8")) from None
    if media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qs(text, keep_blank_values=True, strict_parsing=True)
        except ValueError as err:
            raise BodyError(api_error(400, "10015", "Bad request", f"the form body cannot be parsed: {err}")) from None
        return {key: values[-1] for key, values in pairs.items()}, "form"
    if media == "application/json":
        try:
            body = load_json(text)
        except JsonBodyError as err:
            raise BodyError(api_error(400, "10015", "Bad request", str(err))) from None
        if not isinstance(body, dict):
            raise BodyError(api_error(400, "10015", "Bad request", "the JSON body must be an object"))
        return body, "json"
    raise BodyError(api_error(415, "10015", "Unsupported media type",
                              "send application/x-www-form-urlencoded or application/json"))


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: EmulatorState, faults: FaultQueue,
                 effects: SideEffects, api_key: str | None, verbose: bool = False,
                 latency: float = 0.0, read_timeout: float = DEFAULT_READ_TIMEOUT,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS, control_hosts: Sequence[str] = ()) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)
        self.state = state
        self.faults = faults
        self.effects = effects
        self.api_key = api_key
        self.verbose = verbose
        self.latency = latency
        """Seconds added before every API answer, as a network round trip would."""
        self.read_timeout = read_timeout
        """Seconds a client has to send a request (and again its body), and to take an answer (see
        `connections`)."""
        self.slots = ConnectionSlots(max_connections)
        host, port = self.server_address[:2]
        self.control_guard = ControlGuard(host.decode() if isinstance(host, bytes) else str(host), int(port),
                                          control_hosts)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serves the connection on a thread of its own, once fewer than `max_connections` are served."""
        if not self.slots.acquire():
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (reset, broken pipe, timed out) is no error of ours: logged when verbose only.
        Anything else is printed, as http.server does."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            if self.verbose:
                sys.stderr.write(f"emulator: {client_address[0]} went away: {sys.exc_info()[1]!r}\n")
            return
        super().handle_error(request, client_address)

    def shutdown(self) -> None:
        self.slots.stopping.set()
        super().shutdown()

    def connections(self) -> dict[str, Any]:
        """What `GET /_emulator/state` shows of the connections."""
        return {"open": self.slots.open, "max": self.slots.limit, "read_timeout": self.read_timeout}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffered: headers and body leave in one send (http.server flushes after each request). Unbuffered, the
    # second small write waits on Nagle and the client's delayed ACK: ~40 ms per keep-alive request.
    wbufsize = 64 * 1024
    server: EmulatorHTTPServer

    def setup(self) -> None:
        # As StreamRequestHandler.setup, but reading through a deadline (see `connections`).
        self.connection = self.request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connection.settimeout(self.server.read_timeout)
        self._reader = DeadlineReader(self.connection, self.server.read_timeout)
        self.rfile = io.BufferedReader(self._reader)
        self.wfile = self.connection.makefile("wb", self.wbufsize)

    def handle_one_request(self) -> None:
        self._reader.restart()  # the next request (or an idle keep-alive connection) gets the whole timeout
        super().handle_one_request()

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"emulator: {self.address_string()} {format % args}\n")

    # Dispatch

    def _dispatch(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/_emulator/"):
            self._control(path)
            return
        self.server.state.begin_request()
        try:
            if self.server.latency:
                time.sleep(self.server.latency)
            self._dispatch_api(path)
        finally:
            self.server.state.end_request()

    def _dispatch_api(self, path: str) -> None:
        route, ids = self._match(path)
        if route is not None and (unauthorised := self._check_auth()) is not None:
            # Before any fault: a client with a wrong key learns that, and leaves the faults for the real one.
            self._answer_unread(unauthorised, route)
            return
        fault = self.server.faults.take(route.name) if route else None
        if fault is not None and fault.kind == "delay" and not fault.process:
            time.sleep(fault.seconds)  # slow on the way in: then the request is carried out and answered as usual
            fault = None
        if fault is not None and not fault.process:
            self._answer_with_fault(fault, route, None)
            return
        try:
            raw = self._read_body()
        except BodyError as err:
            self._finish(err.answer, route, b"", fault=None)
            return
        answer, events = self._api(route, ids, raw)
        answer, events = self.server.effects.before_answer(answer, events)
        if fault is not None:
            self.server.effects.run(events)
            self._answer_with_fault(fault, route, answer, raw)
            return
        self._finish(answer, route, raw, fault=None)
        self.server.effects.run(events)

    def _match(self, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in ROUTES:
            found = route.pattern.match(path)
            if found and route.method == self.command:
                # Split before decoding: a %2F inside an id stays inside that id.
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None, {}

    def _api(self, route: Route | None, ids: Mapping[str, str], raw: bytes
             ) -> tuple[Answer, list[Event]]:
        if route is None:
            # Under /v2 the API answers its own 404; elsewhere there is no API at all (a base URL without /v2,
            # or the wrong host), and the answer is a plain web server's.
            return (not_found() if self.path.startswith("/v2/") else Answer(404, "no such endpoint")), []
        try:
            body, body_format = parse_body(self.headers.get("Content-Type", ""), raw, route.json_only)
        except BodyError as err:
            return err.answer, []
        return route.operation(self.server.state, {**ids, "body_format": body_format}, body)

    def _check_auth(self) -> Answer | None:
        header = self.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        expected = self.server.api_key
        if scheme.lower() != "bearer" or not key.strip() or (expected is not None and key.strip() != expected):
            return api_error(401, "10009", "Authentication failed",
                             "The API key is missing or invalid; send `Authorization: Bearer <API key>`")
        return None

    def _answer_unread(self, answer: Answer, route: Route | None) -> None:
        """Answers a request whose body is not needed: read all the same (the next request on the connection
        starts after it), or, when it cannot be, the connection closes after the answer."""
        try:
            raw = self._read_body()
        except BodyError:
            raw = b""
        self._finish(answer, route, raw, fault=None)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise BodyError(api_error(411, "10015", "Length required", "send a Content-Length"))
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise BodyError(api_error(400, "10015", "Bad request", "Content-Length is not a number")) from None
        if length > MAX_BODY_BYTES or length < 0:
            self.close_connection = True
            raise BodyError(api_error(413, "10015", "Payload too large",
                                      f"bodies are limited to {MAX_BODY_BYTES} bytes"))
        if not length:
            return b""
        self._reader.restart()  # from now: time spent on our side (a delay fault) is not the client's
        try:
            raw = self.rfile.read(length)
        except TimeoutError:
            self.close_connection = True
            raise BodyError(api_error(408, "10008", "Request timeout",
                                      f"the body did not arrive within {self.server.read_timeout:g} s (the "
                                      "emulator's read timeout, --read-timeout)")) from None
        if len(raw) < length:
            self.close_connection = True
            raise BodyError(api_error(400, "10015", "Bad request",
                                      f"the body ended after {len(raw)} of its {length} bytes (Content-Length)"))
        return raw

    # Faults

    def _answer_with_fault(self, fault: Fault, route: Route | None, processed: Answer | None,
                           raw: bytes | None = None) -> None:
        if fault.seconds:
            time.sleep(fault.seconds)
        if fault.kind == "drop":
            self._record(route, None, raw or b"", fault)
            self.close_connection = True
            self.wfile.flush()
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if raw is None:
            try:
                raw = self._read_body()
            except BodyError:
                raw = b""
        if fault.kind == "delay" and processed is not None:
            self._finish(processed, route, raw, fault)
            return
        if fault.kind == "missing_sid":
            body = dict(processed.body) if processed and isinstance(processed.body, dict) else {}
            body.pop("sid", None)
            body.pop("call_sid", None)  # what a call create answers its id as
            body.pop("data", None)  # the JSON API's envelope (Call Control's ids and results)
            self._finish(Answer(fault.status or 200, body, fault.headers), route, raw, fault)
            return
        if fault.kind == "malformed":
            self._send(fault.status or 200, b'{"sid": "', "application/json", fault.headers)
            self._record(route, fault.status or 200, raw, fault)
            return
        if fault.kind == "html":
            status = fault.status or 502
            page = f"<html><body><h1>{status} {self.responses.get(status, ('Error',))[0]}</h1></body></html>"
            self._send(status, page.encode(), "text/html; charset=utf-8", fault.headers)
            self._record(route, status, raw, fault)
            return
        status = fault.status or 500
        body = fault.body if fault.body is not None else _default_error_body(status)
        self._finish(Answer(status, body, fault.headers), route, raw, fault)

    # Control plane: no key, but only for programs on this machine (see `control_guard`)

    def _control(self, path: str) -> None:
        refusal = self.server.control_guard.refusal(self.command, self.headers.get)
        if refusal is not None:
            self.close_connection = True  # its body, if any, is left unread
            self._finish(refusal, None, b"", fault=None, record=False)
            return
        try:
            raw = self._read_body()
        except BodyError as err:
            self._finish(err.answer, None, b"", fault=None, record=False)
            return
        answer = self._control_answer(path, raw)
        self._finish(answer, None, raw, fault=None, record=False)

    def _control_answer(self, path: str, raw: bytes) -> Answer:
        server = self.server
        if (self.command, path) == ("GET", "/_emulator/state"):
            signer = server.effects.callbacks.signer
            return Answer(200, {**server.state.snapshot(), "faults": server.faults.pending(),
                                "callback_public_key": signer.public_key if signer else None,
                                "connections": server.connections()})
        if (self.command, path) == ("POST", "/_emulator/reset"):
            server.state.reset()
            server.faults.clear()
            return Answer(204)
        if (self.command, path) == ("DELETE", "/_emulator/faults"):
            server.faults.clear()
            return Answer(204)
        try:
            spec = load_json(raw.decode("utf-8") if raw else "null")
        except UnicodeDecodeError:
            return _control_error("the body is not UTF-8")
        except JsonBodyError as err:
            return _control_error(str(err))
        if (self.command, path) == ("POST", "/_emulator/faults"):
            try:
                faults = [parse_fault(item, ROUTE_NAMES) for item in (spec if isinstance(spec, list) else [spec])]
                for fault in faults:
                    server.faults.add(fault)
            except FaultSpecError as err:
                return _control_error(str(err))
            return Answer(201, {"queued": [f.to_json() for f in faults]})
        if (self.command, path) == ("POST", "/_emulator/calls"):
            return self._control_call(spec)
        if (self.command, path) == ("POST", "/_emulator/behaviour"):
            return self._control_behaviour(spec)
        if (self.command, path) == ("POST", "/_emulator/sessions"):
            return self._control_session(spec)
        return Answer(404, {"errors": [{"detail": f"no control endpoint {self.command} {path}"}]})

    def _control_call(self, spec: Any) -> Answer:
        if not isinstance(spec, dict) or not isinstance(spec.get("call_sid"), str) or not spec["call_sid"]:
            return _control_error('send {"call_sid": "...", "status": "in-progress"}')
        status = spec.get("status", "in-progress")
        state = self.server.state
        if status in ENDED_CALL_STATUSES:
            try:
                self.server.effects.run(state.end_call(spec["call_sid"], status))
            except KeyError:
                return not_found()
            return Answer(200, state.snapshot()["calls"].get(spec["call_sid"]))
        if status not in ("ringing", "in-progress"):
            return _control_error(f"`status` must be a call status, got {status!r}")
        return state.add_call(spec["call_sid"], status)

    def _control_session(self, spec: Any) -> Answer:
        fields = ("sid", "call_sid", "account_sid", "params")
        example = ('send {"sid": "...", "call_sid": "...", "account_sid": "..." (optional), "params": '
                   '{"ConnectorName": "..."} (optional)}')
        if not isinstance(spec, dict):
            return _control_error(example)
        unknown = sorted(set(spec) - set(fields))
        if unknown:
            return _control_error(f"unknown field(s): {', '.join(map(str, unknown))}; {example}")
        state = self.server.state
        account_sid = spec.get("account_sid", state.behaviour.organization_id)
        params = spec.get("params", {})
        if not all(isinstance(spec.get(name), str) for name in ("sid", "call_sid")) or not isinstance(
                account_sid, str):
            return _control_error(f"`sid`, `call_sid` and `account_sid` must be strings; {example}")
        if not isinstance(params, dict):
            return _control_error(f"`params` must be an object of start parameters; {example}")
        return state.add_session(spec["sid"], spec["call_sid"], account_sid, params)

    def _control_behaviour(self, spec: Any) -> Answer:
        try:
            self.server.state.behaviour = updated_behaviour(self.server.state.behaviour, spec)
        except ValueError as err:
            return _control_error(str(err))
        return Answer(200, dataclasses.asdict(self.server.state.behaviour))

    # Output

    def _finish(self, answer: Answer, route: Route | None, raw: bytes, fault: Fault | None,
                record: bool = True) -> None:
        if isinstance(answer.body, str):
            payload, content_type = answer.body.encode(), "text/plain; charset=utf-8"
        else:
            payload = b"" if answer.body is None else json.dumps(answer.body).encode()
            content_type = "application/json"
        self._send(answer.status, payload, content_type if payload else None, answer.headers)
        if record:
            self._record(route, answer.status, raw, fault)

    def _send(self, status: int, payload: bytes, content_type: str | None, headers: Mapping[str, str]) -> None:
        self.connection.settimeout(self.server.read_timeout)  # a client that takes no answer is let go
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def _record(self, route: Route | None, status: int | None, raw: bytes, fault: Fault | None) -> None:
        self.server.state.record_request(request_record(
            self.command, self.path, route.name if route else None, status, self.headers.items(), raw,
            fault.kind if fault else None))


def _default_error_body(status: int) -> dict[str, Any]:
    code, title = {429: ("10011", "Too many requests"), 408: ("10008", "Request timeout")}.get(
        status, ("10007", "Unexpected error"))
    return {"errors": [{"code": code, "title": title, "detail": f"injected fault: {status}"}]}


def _control_error(detail: str) -> Answer:
    return Answer(400, {"errors": [{"detail": detail}]})

