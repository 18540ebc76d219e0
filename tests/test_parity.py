"""One behaviour matrix, run through both adapters over the same operations: the dynamic providers (served by
`python -m pulumi.dynamic`) and the provider plugin (`python -m pulumi_telnyx_siprec.plugin`), both over gRPC,
against one emulator. The behaviour matrix also runs through the native Python classes (`pulumi_telnyx_siprec.native`)
on the plugin: their inputs go out as the Pulumi SDK serializes them from a native Args object, and the plugin's
outputs come back as the SDK maps them onto the native resource's attributes.

Each case observes what an adapter does (check failures and inputs, the requests Telnyx receives, outputs,
errors, diff plans) in the schemas' words: the plugin's camelCase names, its config namespace and random ids are
mapped back. The two observations must be equal, and must meet the case's expectations: a behaviour added to one
adapter fails here until the other has it too.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
import requests
from pulumi import _types
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_telnyx_siprec import (
    CallControlCallProvider,
    CallControlSiprecSessionProvider,
    SiprecConnectorProvider,
    SiprecSessionProvider,
    TexmlCallProvider,
    native,
)
from pulumi_telnyx_siprec.emulator import Emulator
from pulumi_telnyx_siprec.plugin.resources import ALL_NAMES, RESOURCE_TYPES
from pulumi_telnyx_siprec.resources.spec import PACKAGE
from pulumi_telnyx_siprec.validation import FieldSet
from tests.support.faults import FAULTS
from tests.support.plugin_server import PluginServer
from tests.support.provider_server import UNKNOWN, ProviderCallError, ProviderServer
from tests.support.samples import ACCOUNT_SID, API_KEY

LIVE_CALL = "v3:parity-live-call"
ENDED_CALL = "v3:parity-ended-call"
SESSION, CONNECTOR, CALL = "SiprecSession", "SiprecConnector", "TexmlCall"
CC_SESSION, CC_CALL = "CallControlSiprecSession", "CallControlCall"
CC_LIVE_CALL = "v3:parity-cc-call"
DYNAMIC_PROVIDERS: dict[str, ResourceProvider] = {
    SESSION: SiprecSessionProvider(), CONNECTOR: SiprecConnectorProvider(), CALL: TexmlCallProvider(),
    CC_SESSION: CallControlSiprecSessionProvider(), CC_CALL: CallControlCallProvider(),
}
SCHEMAS: dict[str, FieldSet] = {t.spec.name: t.spec.inputs for t in RESOURCE_TYPES.values()}
FROM_API = "<from the API>"
"""What an output-only value (an id, a date) is observed as: its presence is compared, not its value."""


class RefusedError(Exception):
    """An adapter's call failed; the message as the user reads it."""


# The adapters, in the schemas' words


class DynamicAdapter:
    def __init__(self, server: ProviderServer) -> None:
        self.server = server
        self.serialized = {name: serialize_provider(p) for name, p in DYNAMIC_PROVIDERS.items()}

    def _urn(self, resource: str) -> str:
        return f"urn:pulumi:test::parity::pulumi-python:dynamic/telnyx:{resource}::res"

    def _with(self, resource: str, props: Mapping[str, Any]) -> dict[str, Any]:
        return {**props, "__provider": self.serialized[resource]}

    @staticmethod
    def _plain(props: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k != "__provider"}

    def _refused(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ProviderCallError as err:
            # The engine shows the traceback; its last line is `module.ErrorClass: message`.
            raise RefusedError(err.last_line.split(": ", 1)[1]) from None

    def check(self, resource: str, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        inputs, failures = self.server.check(self._with(resource, news), urn=self._urn(resource))
        return self._plain(inputs), failures

    def diff(self, resource: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        outcome = self.server.diff(id_, self._with(resource, olds), self._with(resource, news), urn=self._urn(resource))
        return outcome.changes, outcome.replaces, outcome.delete_before_replace

    def create(self, resource: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        id_, outputs = self._refused(lambda: self.server.create(self._with(resource, props), urn=self._urn(resource)))
        return id_, self._plain(outputs)

    def read(self, resource: str, id_: str, outputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        found, read_outputs, _ = self._refused(
            lambda: self.server.read(id_, self._with(resource, outputs), urn=self._urn(resource)))
        return found, self._plain(read_outputs)

    def update(self, resource: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        return self._plain(self._refused(lambda: self.server.update(
            id_, self._with(resource, olds), self._with(resource, news), urn=self._urn(resource))))

    def delete(self, resource: str, id_: str, outputs: Mapping[str, Any]) -> None:
        self._refused(lambda: self.server.delete(id_, self._with(resource, outputs), urn=self._urn(resource)))


_QUOTED_WIRE_NAME = re.compile(r"`([a-z][A-Za-z0-9]*)`")


def schema_words(message: str) -> str:
    """A plugin message in the schemas' words: `callSid` is `call_sid`, `telnyx-siprec:apiKey` is `telnyx:apiKey`."""
    named = _QUOTED_WIRE_NAME.sub(lambda m: f"`{ALL_NAMES.schema(m.group(1)) or m.group(1)}`", message)
    return named.replace(f"{PACKAGE}:", "telnyx:")


class PluginAdapter:
    def __init__(self, server: PluginServer) -> None:
        self.server = server

    @staticmethod
    def _token(resource: str) -> str:
        return f"{PACKAGE}:index:{resource}"

    def _urn(self, resource: str) -> str:
        return f"urn:pulumi:test::parity::{self._token(resource)}::res"

    def _wire(self, resource: str, props: Mapping[str, Any]) -> dict[str, Any]:
        return RESOURCE_TYPES[self._token(resource)].names.to_wire(props)

    def _schema(self, resource: str, props: Mapping[str, Any]) -> dict[str, Any]:
        known, strays = RESOURCE_TYPES[self._token(resource)].names.from_wire(props)
        return {**known, **strays}

    def _refused(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ProviderCallError as err:
            raise RefusedError(schema_words(err.details)) from None

    def check(self, resource: str, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        inputs, failures = self.server.check(self._wire(resource, news), urn=self._urn(resource))
        names = RESOURCE_TYPES[self._token(resource)].names
        return self._schema(resource, inputs), [(names.schema(p) or p, schema_words(r)) for p, r in failures]

    def diff(self, resource: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        outcome = self.server.diff(id_, self._wire(resource, olds), self._wire(resource, news), urn=self._urn(resource))
        names = RESOURCE_TYPES[self._token(resource)].names
        return outcome.changes, [names.schema(r) for r in outcome.replaces], outcome.delete_before_replace

    def create(self, resource: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        id_, outputs = self._refused(lambda: self.server.create(self._wire(resource, props), urn=self._urn(resource)))
        return id_, self._schema(resource, outputs)

    def read(self, resource: str, id_: str, outputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        found, read_outputs, _ = self._refused(
            lambda: self.server.read(id_, self._wire(resource, outputs), urn=self._urn(resource)))
        return found, self._schema(resource, read_outputs)

    def update(self, resource: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        return self._schema(resource, self._refused(lambda: self.server.update(
            id_, self._wire(resource, olds), self._wire(resource, news), urn=self._urn(resource))))

    def delete(self, resource: str, id_: str, outputs: Mapping[str, Any]) -> None:
        self._refused(lambda: self.server.delete(id_, self._wire(resource, outputs), urn=self._urn(resource)))


class NativeAdapter(PluginAdapter):
    """The plugin, reached as a Python program on the native classes reaches it: the SDK's own serializer turns a
    native Args object into the properties sent (its `pulumi.property` names), and the SDK's own name map turns
    the properties received into the resource's attributes. A name the Args class lacks (a typo) cannot come from
    a Python program, whose class refuses it; it is sent as given, as the other adapters send it."""

    def _wire(self, resource: str, props: Mapping[str, Any]) -> dict[str, Any]:
        args_type = getattr(native, f"{resource}Args")
        names = SCHEMAS[resource].names
        args = args_type.__new__(args_type)  # as the SDK builds properties: no required-argument check here
        vars(args).update({k: v for k, v in props.items() if k in names})
        # A loop of its own: asyncio.run would leave the thread with no current loop, which pulumi's mocks in later
        # tests (tests/test_resources.py) then fail to get.
        loop = asyncio.new_event_loop()
        try:
            struct = loop.run_until_complete(rpc.serialize_properties(vars(args), {}, None, None, args_type))
        finally:
            loop.close()
        return {**rpc.deserialize_properties(struct, True), **{k: v for k, v in props.items() if k not in names}}

    def _schema(self, resource: str, props: Mapping[str, Any]) -> dict[str, Any]:
        attributes = _types.resource_pulumi_to_py_names(getattr(native, resource))
        return {attributes.get(k, k): v for k, v in props.items()}


Adapter = DynamicAdapter | PluginAdapter


# What is observed


_RANDOM_IDS = re.compile(r"v3:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
                         # A dial's client_state: base64 of `pulumi-telnyx-siprec:<uuid>`.
                         r"cHVsdW1pLXRlbG55eC1zaXByZWM6[A-Za-z0-9+/]+=*")


def without_random_ids(text: str) -> str:
    return _RANDOM_IDS.sub("<id>", text).replace(ACCOUNT_SID, "<account>")


@dataclass
class Observer:
    """Records what one adapter does in a case."""

    emulator: Emulator
    adapter: Adapter
    seen: list[Any] = field(default_factory=list)

    def requests_during(self, action: Callable[[], Any]) -> Any:
        """Runs `action`; records the API requests it made (method, route, body) and its error, if any."""
        mark = len(self.emulator.state()["requests"])
        try:
            result = action()
        except RefusedError as err:
            result = None
            self.seen.append(("error", without_random_ids(str(err))))
        made = self.emulator.state()["requests"][mark:]
        self.seen.append(("requests", [(r["method"], r["route"], without_random_ids(r["body"])) for r in made]))
        return result

    def outputs(self, resource: str, id_: str, outputs: Mapping[str, Any]) -> None:
        """Records outputs: input values as they are, output-only values (ids, dates) as present."""
        names = SCHEMAS[resource].names
        shown = {k: (v if k in names else FROM_API) for k, v in outputs.items()}
        given = [v for k, v in outputs.items() if k in names]
        self.seen.append(("outputs", id_ if id_ in given else FROM_API, shown))


# The matrix


Hook = Callable[[Emulator, str], None]


@dataclass(frozen=True)
class Case:
    """Inputs for one resource, what to do with them, and what both adapters must do."""

    name: str
    resource: str
    inputs: dict[str, Any]
    failures: list[tuple[str, str]] = field(default_factory=list)
    """Check failures, as the schema words them."""
    checked: dict[str, Any] = field(default_factory=dict)
    """Values the checked inputs must hold."""
    create: bool = False
    """Also create (with the checked inputs, or the inputs as given when they fail), then delete it."""
    before_create: Hook | None = None
    """Done to the emulator before each adapter's create (with the call sid or name of the inputs)."""
    sent: list[tuple[str, str, str]] | None = None
    """The API requests of the create: method, route, body."""
    error: str | None = None
    """The end of the create's error message."""
    fault: dict[str, Any] | None = None
    """A fault the emulator answers the create's request with."""
    behaviour: dict[str, Any] | None = None
    """Emulator behaviour during the create."""
    diff_changes: dict[str, Any] | None = None
    """Diff the state (the outputs once created, else the checked inputs) against the inputs with these changes."""
    plan: tuple[bool, list[str], bool] | None = None
    """The diff's (changes, replaces, delete before replace)."""
    update: dict[str, Any] | None = None
    """After the create, update to the inputs with these changes."""
    gone: Hook | None = None
    """After the create, make the resource go away behind Pulumi's back; a read must then say it is gone."""


def end_call(emulator: Emulator, call_sid: str) -> None:
    emulator.end_call(call_sid)


def revive_call(emulator: Emulator, call_sid: str) -> None:
    emulator.add_call(call_sid)


def revive_cc_call(emulator: Emulator, call_control_id: str) -> None:
    emulator.add_call_control_call(call_control_id)


def end_cc_call(emulator: Emulator, call_control_id: str) -> None:
    emulator.end_call_control_call(call_control_id)


def ended_cc_call(emulator: Emulator, call_control_id: str) -> None:
    emulator.add_call_control_call(call_control_id)
    emulator.end_call_control_call(call_control_id)


def add_5060_connector(emulator: Emulator, _key: str) -> None:
    requests.post(f"{emulator.base_url}/siprec_connectors", timeout=10, headers={"Authorization": f"Bearer {API_KEY}"},
                  json={"name": "parity-cc-srs", "host": "srs.example.com", "port": 5060})


def delete_connector(emulator: Emulator, name: str) -> None:
    answer = requests.delete(f"{emulator.base_url}/siprec_connectors/{name}", timeout=10,
                             headers={"Authorization": f"Bearer {API_KEY}"})
    assert answer.status_code == 204


SESSION_FORM = ("ConnectorName=my-srs&Track=inbound_track&IncludeMetadataCustomHeaders=false&Secure=true&"
                "SessionTimeoutSecs=1800&SipTransport=tls&StatusCallback=https%3A%2F%2Fhooks.example.com%2Fsiprec&"
                "StatusCallbackMethod=GET")
SESSION_INPUTS = {"account_sid": ACCOUNT_SID, "call_sid": LIVE_CALL, "connector_name": "my-srs"}
CONNECTOR_INPUTS: dict[str, Any] = {"name": "parity-srs", "host": "srs.example.com", "port": 5060}
CALL_INPUTS = {"connection_id": "app-1", "account_sid": ACCOUNT_SID, "to": "+15550100002", "from_": "+15550100001"}
CC_SESSION_INPUTS: dict[str, Any] = {"call_control_id": CC_LIVE_CALL, "connector_name": "my-srs"}
CC_CALL_INPUTS: dict[str, Any] = {"connection_id": "cc-app-1", "to": "+15550100002", "from_": "+15550100001"}
CC_START_BODY = ('{"connector_name": "my-srs", "siprec_track": "inbound_track", "include_metadata_custom_headers": '
                 'true, "secure": false, "session_timeout_secs": 900, "sip_transport": "tcp", "client_state": '
                 '"cnVuLTQy"}')

CASES = [
    Case("session defaults", SESSION, SESSION_INPUTS,
         checked={"track": "both_tracks", "session_timeout_secs": 1800, "sip_transport": "udp", "secure": False}),
    Case("session every failure at once", SESSION,
         {"call_sid": LIVE_CALL, "track": "sideways", "session_timeout_secs": 45, "trak": "x",
          "status_callback_method": "post"},
         failures=[
             ("connector_name", "is required but was not set"),
             ("track", "must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'"),
             ("session_timeout_secs", "must be 0 or between 90 and 14440, got 45"),
             ("status_callback_method", "has no effect without `status_callback`: set `status_callback` too, or "
                                        "remove `status_callback_method`"),
             ("trak", "unknown property; did you mean `track`?"),
         ]),
    Case("session unknowns in preview", SESSION,
         {"call_sid": UNKNOWN, "connector_name": "my-srs", "status_callback": UNKNOWN},
         checked={"call_sid": "<unknown>", "status_callback_method": "POST"},
         # A value not known yet counts as changed, and every change replaces a session.
         diff_changes={"connector_name": UNKNOWN},
         plan=(True, ["call_sid", "connector_name", "status_callback"], False)),
    Case("session key as an input", SESSION, {**SESSION_INPUTS, "name": API_KEY},
         failures=[("", "property `name` holds your Telnyx API key; inputs are stored in plain text in the state. "
                        "Set the key with `pulumi config set --secret telnyx:apiKey <key>` instead, and take it out "
                        "of the program")]),
    Case("session credential-named input", SESSION, {**SESSION_INPUTS, "api_token": "x"},
         failures=[("", "`api_token`: not an input of SiprecSession; set the Telnyx API key with `pulumi config set "
                        "--secret telnyx:apiKey <key>` instead")]),
    Case("session start", SESSION,
         {**SESSION_INPUTS, "track": "inbound_track", "secure": True, "sip_transport": "tls",
          "status_callback": "https://hooks.example.com/siprec", "status_callback_method": "get"},
         create=True, sent=[("POST", "siprec.start", SESSION_FORM)],
         diff_changes={"track": "outbound_track"}, plan=(True, ["track"], False)),
    Case("session account looked up", SESSION, {"call_sid": LIVE_CALL, "connector_name": "my-srs"}, create=True,
         diff_changes={}, plan=(False, [], False)),
    Case("session gone with its call", SESSION, {**SESSION_INPUTS, "call_sid": "v3:parity-read-call"}, create=True,
         before_create=revive_call, gone=end_call),
    Case("session on an ended call", SESSION, {**SESSION_INPUTS, "call_sid": ENDED_CALL}, create=True,
         error=f"call '{ENDED_CALL}' has ended (status `completed`): a SIPREC session needs a call in progress; "
               "place a new call and set `call_sid` to it"),
    Case("session create with unchecked inputs", SESSION, {"call_sid": LIVE_CALL, "track": "sideways"}, create=True,
         failures=[("connector_name", "is required but was not set"),
                   ("track", "must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'")],
         sent=[],
         error="SiprecSession inputs are invalid: property `connector_name`: is required but was not set; property "
               "`track`: must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'"),
    Case("session refused key", SESSION, SESSION_INPUTS, create=True,
         fault={"route": "siprec.start", "kind": "status", "status": 401},
         error="set a valid key with `pulumi config set --secret telnyx:apiKey <key>`"),
    Case("session refused property", SESSION, SESSION_INPUTS, create=True,
         fault={"route": "siprec.start", "kind": "status", "status": 422,
                "body": {"errors": [{"code": "10015", "title": "Bad Request", "detail": "unknown connector",
                                     "source": {"pointer": "/ConnectorName"}}]}},
         error="check input `connector_name`"),
    Case("connector lifecycle", CONNECTOR, CONNECTOR_INPUTS, create=True,
         sent=[("POST", "connector.create", '{"name": "parity-srs", "host": "srs.example.com", "port": 5060}')],
         diff_changes={"port": 5061}, plan=(True, [], False), update={"port": 5061, "app_subdomain": "rec"}),
    Case("connector renamed", CONNECTOR, CONNECTOR_INPUTS,
         diff_changes={"name": "parity-srs-2"}, plan=(True, ["name"], False)),
    Case("connector deleted outside Pulumi", CONNECTOR, {**CONNECTOR_INPUTS, "name": "parity-gone"}, create=True,
         gone=delete_connector),
    Case("connector bad host", CONNECTOR, {**CONNECTOR_INPUTS, "host": "sip:srs.example.com"},
         failures=[("host", "must be a host name or IPv4 address, not a URI: drop the scheme (`sip:`, `https://`)")]),
    Case("call with headers", CALL, {**CALL_INPUTS, "texml": "<Response/>", "custom_headers": {"X-Test-Run": "7"}},
         create=True, checked={"wait_until_answered": True},
         sent=[("POST", "call.create", '{"To": "+15550100002", "From": "+15550100001", "Texml": "<Response/>", '
                                       '"CustomHeaders": [{"name": "X-Test-Run", "value": "7"}]}'),
               ("GET", "call.fetch", "")]),
    Case("call url and texml", CALL, {**CALL_INPUTS, "url": "https://x.example/a", "texml": "<Response/>",
                                      "from_": "alice"},
         failures=[("from_", "must be an E.164 number such as `+15551230001` or a SIP URI such as "
                             "`sip:srs-test@example.com`, got 'alice'"),
                   ("url", "cannot be set together with `texml`: keep one of them")]),
    Case("call not answered", CALL, {**CALL_INPUTS, "texml": "<Response/>"}, create=True,
         behaviour={"call_outcome": "busy"},
         error="ended without being answered: status `busy`; check that `to` answers (or set `wait_until_answered` "
               "to false to keep a call that is not answered yet)"),
    Case("cc session defaults", CC_SESSION, CC_SESSION_INPUTS,
         checked={"track": "both_tracks", "session_timeout_secs": 1800, "sip_transport": "udp", "secure": False,
                  "include_metadata_custom_headers": False}),
    Case("cc session every failure at once", CC_SESSION,
         {"call_control_id": "v3:a/b", "track": "sideways", "session_timeout_secs": 45, "client_state": "run 42",
          "trak": "x"},
         failures=[
             ("call_control_id", "must not contain `/` (found at position 4); ids have no `/`, `?`, `#`, whitespace "
                                 "or control characters"),
             ("track", "must be one of `both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'"),
             ("session_timeout_secs", "must be 0 or between 90 and 14440, got 45"),
             ("client_state", "must be base64 (letters, digits, `+` and `/`, padded with `=` to a multiple of 4 "
                              "characters), e.g. `cnVuLTQy` for `run-42` (Python: `base64.b64encode(b\"run-42\")"
                              ".decode()`); got 6 characters that are not"),
             ("trak", "unknown property; did you mean `track`?"),
         ]),
    Case("cc session start, replaced on the same call", CC_SESSION,
         {**CC_SESSION_INPUTS, "track": "inbound_track", "sip_transport": "tcp", "session_timeout_secs": 900,
          "include_metadata_custom_headers": True, "client_state": "cnVuLTQy"},
         create=True, before_create=revive_cc_call,
         sent=[("POST", "call_control.siprec_start", CC_START_BODY), ("GET", "call_control.status", "")],
         # siprec_stop names no session: on the same call the old one stops first.
         diff_changes={"track": "outbound_track"}, plan=(True, ["track"], True)),
    Case("cc session moved to another call", CC_SESSION, CC_SESSION_INPUTS,
         diff_changes={"call_control_id": "v3:parity-cc-other"}, plan=(True, ["call_control_id"], False)),
    Case("cc session unknowns in preview", CC_SESSION, {"call_control_id": UNKNOWN, "connector_name": "my-srs"},
         checked={"call_control_id": "<unknown>"},
         diff_changes={"connector_name": "other-srs"}, plan=(True, ["call_control_id", "connector_name"], True)),
    Case("cc session gone with its call", CC_SESSION, CC_SESSION_INPUTS, create=True, before_create=revive_cc_call,
         gone=end_cc_call),
    Case("cc session on an ended call", CC_SESSION, {**CC_SESSION_INPUTS, "call_control_id": "v3:parity-cc-ended"},
         create=True, before_create=ended_cc_call,
         error="call 'v3:parity-cc-ended' has ended or Telnyx does not know it: a SIPREC session needs a live call; "
               "place a new call and set `call_control_id` to it"),
    Case("cc session secure on a port 5060 connector", CC_SESSION,
         {**CC_SESSION_INPUTS, "connector_name": "parity-cc-srs", "secure": True}, create=True,
         before_create=add_5060_connector, sent=[("GET", "connector.read", "")],
         error="property `secure`: connector 'parity-cc-srs' has port 5060; a secure session (SRTP and TLS) needs "
               "the connector's port to be 5061: set its port to 5061, or set `secure` to false"),
    Case("cc call with headers", CC_CALL, {**CC_CALL_INPUTS, "custom_headers": {"X-Test-Run": "7"},
                                           "timeout_secs": 20, "webhook_url": "http://127.0.0.1:9/hooks"},
         create=True, checked={"wait_until_answered": True},
         sent=[("POST", "call_control.dial", '{"connection_id": "cc-app-1", "to": "+15550100002", "from": '
                '"+15550100001", "custom_headers": [{"name": "X-Test-Run", "value": "7"}], "timeout_secs": 20, '
                '"webhook_url": "http://127.0.0.1:9/hooks", "client_state": "<id>"}'),
               ("GET", "call_control.status", "")],
         diff_changes={"to": "+15550100003"}, plan=(True, ["to"], False)),
    Case("cc call bad inputs", CC_CALL, {**CC_CALL_INPUTS, "to": "alice", "timeout_secs": 3,
                                         "webhook_url": "ftp://hooks.example.com"},
         failures=[("to", "must be an E.164 number such as `+15551230001` or a SIP URI such as "
                          "`sip:srs-test@example.com`, got 'alice'"),
                   ("timeout_secs", "must be between 5 and 600, got 3"),
                   ("webhook_url", "must be an absolute http:// or https:// URL, got scheme `ftp`")]),
    Case("cc call gone once ended", CC_CALL, CC_CALL_INPUTS, create=True, gone=end_cc_call),
    Case("cc call not answered", CC_CALL, CC_CALL_INPUTS, create=True, behaviour={"call_outcome": "busy"},
         error="Check that `to` answers (or set `wait_until_answered` to false to keep a call that is not answered "
               "yet)"),
]

# The fault matrix of tests/test_reliability.py, through both adapters: every fault on the requests that make and
# undo each resource. Equal observations mean equal requests (so no more duplicate sessions or calls through the
# plugin than through the dynamic provider, whose figures test_reliability.py asserts) and equal messages.
FAULTED_ROUTES = {SESSION: ("siprec.start", "siprec.stop"), CALL: ("call.create", "call.update"),
                  CONNECTOR: ("connector.create", "connector.delete"),
                  CC_SESSION: ("call_control.siprec_start", "call_control.siprec_stop"),
                  CC_CALL: ("call_control.dial", "call_control.hangup")}
ANSWERS_WITH_IDS = ("siprec.start", "siprec.stop", "call.create", "call_control.siprec_start",
                    "call_control.siprec_stop", "call_control.dial")
"""The routes whose answer can lack its id (`200 without sid`)."""
CREATES = {"siprec.start", "call.create", "call_control.siprec_start", "call_control.dial"}
FAULT_CASES = [
    Case(f"{route} {fault}", resource,
         {**{SESSION: SESSION_INPUTS, CALL: {**CALL_INPUTS, "texml": "<Response/>"},
             CONNECTOR: {**CONNECTOR_INPUTS, "name": f"parity-{index}"}, CC_SESSION: CC_SESSION_INPUTS,
             CC_CALL: CC_CALL_INPUTS}[resource]},
         create=True, fault={"route": route, **FAULTS[fault]},
         # A fresh call for each adapter: a start the fault let through must not meet the next one's.
         before_create=revive_cc_call if resource == CC_SESSION else None)
    for index, (resource, route, fault) in enumerate(
        (resource, route, fault) for resource, routes in FAULTED_ROUTES.items() for route in routes
        for fault in FAULTS if fault != "200 without sid" or route in ANSWERS_WITH_IDS)
]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(calls=[LIVE_CALL, ENDED_CALL]) as running:
        running.configure(call_answer_delay=0)
        running.end_call(ENDED_CALL)
        yield running


@pytest.fixture(scope="module")
def adapters(emulator: Emulator) -> Iterator[dict[str, Adapter]]:
    # The native classes get a plugin process of their own, as a stack of theirs would: what a process does once
    # (the account lookup) is then observed alike.
    with ProviderServer() as dynamic, PluginServer() as plugin, PluginServer() as plugin_for_native:
        dynamic.configure({"telnyx:apiKey": API_KEY, "telnyx:baseUrl": emulator.base_url, "telnyx:maxRetryWait": "0"})
        for server in (plugin, plugin_for_native):
            server.configure({"apiKey": API_KEY, "baseUrl": emulator.base_url, "maxRetryWait": "0"})
        yield {"dynamic": DynamicAdapter(dynamic), "plugin": PluginAdapter(plugin),
               "native": NativeAdapter(plugin_for_native)}


@contextmanager
def behaviour(emulator: Emulator, changes: dict[str, Any] | None) -> Iterator[None]:
    before = {name: getattr(emulator.behaviour, name) for name in changes or {}}
    emulator.configure(**(changes or {}))
    try:
        yield
    finally:
        emulator.configure(**before)


def _key(case: Case) -> str:
    return str(case.inputs.get("call_sid") or case.inputs.get("call_control_id") or case.inputs.get("name"))


def observe(case: Case, adapter: Adapter, emulator: Emulator) -> list[Any]:
    """Everything `adapter` does in `case`, in the schemas' words."""
    seen = Observer(emulator, adapter)
    inputs, failures = adapter.check(case.resource, case.inputs)
    seen.seen.append(("check", failures, {k: ("<unknown>" if isinstance(v, Unknown) else v)
                                          for k, v in inputs.items()}))
    state = inputs
    if case.create:
        if case.before_create is not None:
            case.before_create(emulator, _key(case))
        if case.fault:
            emulator.inject(**case.fault)
        with behaviour(emulator, case.behaviour):
            created = seen.requests_during(lambda: adapter.create(case.resource, case.inputs if failures else inputs))
        if created is None:
            return seen.seen
        id_, state = created
        seen.outputs(case.resource, id_, state)
    if case.diff_changes is not None:
        news, _ = adapter.check(case.resource, {**case.inputs, **case.diff_changes})
        seen.seen.append(("diff", adapter.diff(case.resource, "id-1", state, news)))
    if not case.create:
        return seen.seen
    if case.update is not None:
        news, _ = adapter.check(case.resource, {**case.inputs, **case.update})
        state = seen.requests_during(lambda: adapter.update(case.resource, id_, state, news))
        seen.outputs(case.resource, id_, state)
    if case.gone is not None:
        case.gone(emulator, id_ if _key(case) == "None" else _key(case))  # a call is known by the id it was given
        seen.seen.append(("read", seen.requests_during(lambda: adapter.read(case.resource, id_, state))))
    else:
        seen.requests_during(lambda: adapter.delete(case.resource, id_, state))
    return seen.seen


@pytest.mark.parametrize("case", FAULT_CASES, ids=[case.name for case in FAULT_CASES])
def test_the_fault_matrix_holds_through_both_adapters(case: Case, adapters: dict[str, Adapter],
                                                      emulator: Emulator) -> None:
    observed = {}
    # The native classes reach the same plugin server: its faults are the plugin's, so they are not run twice.
    for name in ("dynamic", "plugin"):
        observed[name] = observe(case, adapters[name], emulator)
        emulator.wait_until_idle()
        if case.resource == CONNECTOR:  # a delete refused by the fault leaves it: the other adapter starts afresh
            requests.delete(f"{emulator.base_url}/siprec_connectors/{case.inputs['name']}", timeout=10,
                            headers={"Authorization": f"Bearer {API_KEY}"})
    assert observed["plugin"] == observed["dynamic"]
    assert case.fault is not None
    made = [route for item in observed["plugin"] if item[0] == "requests" for _, route, _ in item[1]]
    if case.fault["route"] in CREATES and any(item[0] == "error" for item in observed["plugin"]):
        assert sum(route in CREATES for route in made) == 1, "a create that may have happened is never re-sent"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_both_adapters_behave_alike(case: Case, adapters: dict[str, Adapter], emulator: Emulator) -> None:
    observed = {name: observe(case, adapter, emulator) for name, adapter in adapters.items()}
    assert observed["plugin"] == observed["dynamic"]
    assert observed["native"] == observed["dynamic"]

    [(_, failures, checked)] = [item for item in observed["dynamic"] if item[0] == "check"]
    assert failures == case.failures
    assert checked == {**checked, **case.checked}
    if case.plan is not None:
        assert ("diff", case.plan) in observed["dynamic"]
    errors = [item[1] for item in observed["dynamic"] if item[0] == "error"]
    assert [e[-len(cast(str, case.error)):] for e in errors] == ([case.error] if case.error else [])
    if case.sent is not None:
        first_requests = next(item[1] for item in observed["dynamic"] if item[0] == "requests")
        assert first_requests == case.sent
    if case.gone is not None:
        assert ("read", ("", {})) in observed["dynamic"]


def test_the_matrix_covers_every_resource_and_operation() -> None:
    """A resource added to the plugin without cases here fails this."""
    assert {case.resource for case in CASES} == set(SCHEMAS)
    assert all(any(c.resource == r and c.create for c in CASES) for r in SCHEMAS)
    assert any(c.update for c in CASES)
    assert any(c.gone for c in CASES)
    assert any(c.plan for c in CASES)
