"""Hypothesis strategies for property bags: anything at all, and inputs every rule accepts."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from pulumi.output import Unknown

from pulumi_telnyx_siprec.validation import Field, FieldSet, Kind
from pulumi_telnyx_siprec.validation.rules import host_name, non_empty, url_path_id

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=3000),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
unknowns = st.builds(Unknown)

# Values a user might plausibly write, so that the accepting paths run as often as the failing ones.
plausible: dict[str, st.SearchStrategy[Any]] = {
    "account_sid": st.sampled_from(["61bf923e-5e4d-4595-a110-56190ea18a1b", "acct"]) | st.text(max_size=20),
    "call_sid": st.sampled_from(["v3:9X2vx", "v3:a-b_c", "%2F", "..", "a/../b", "a b"]) | st.text(max_size=20),
    "connector_name": st.text(max_size=20),
    "name": st.text(max_size=20),
    "track": st.sampled_from(["both_tracks", "inbound_track", "outbound_track", "both", ""]),
    "include_metadata_custom_headers": st.booleans(),
    "secure": st.booleans(),
    "session_timeout_secs": st.integers(-10, 20000) | st.integers(-10, 20000).map(float) | st.floats(),
    "sip_transport": st.sampled_from(["udp", "tcp", "tls", "UDP"]),
    "status_callback": st.sampled_from(["https://h.example.com/cb", "http://127.0.0.1:9/x", "ftp://x", "nohost"]),
    "status_callback_method": st.sampled_from(["get", "POST", "Put", ""]),
    "host": st.sampled_from(["srs.example.com", "10.0.0.1", "sip:x", "h:1", "999.1.1.1", "a..b"]) | st.text(),
    "port": st.integers(-5, 70000) | st.integers(1, 65535).map(float) | st.floats(),
    "app_subdomain": st.text(max_size=10),
    "connection_id": st.sampled_from(["1773070540731319841", "a/b", ""]) | st.text(max_size=20),
    "to": st.sampled_from(["+15550100002", "15550100002", "sip:a@b", "sip:a b"]) | st.text(max_size=20),
    "from_": st.sampled_from(["+15550100001", "+1", "sip:x@y"]) | st.text(max_size=20),
    "url": st.sampled_from(["https://t.example.com/a", "ftp://x"]) | st.text(max_size=20),
    "url_method": st.sampled_from(["get", "POST", "PUT"]),
    "texml": st.sampled_from(["<Response/>", ""]) | st.text(max_size=20),
    "custom_headers": st.dictionaries(st.sampled_from(["X-Run", "X Bad", ""]), st.sampled_from(["1", "a\nb"]),
                                      max_size=2),
    "timeout": st.integers(0, 200) | st.floats(),
    "time_limit": st.integers(0, 20000),
    "caller_id": st.text(max_size=140),
    "status_callback_event": st.sampled_from(["initiated", "answered  completed", "ringing done", ""]),
    "wait_until_answered": st.booleans(),
}
# Values every rule accepts, so that the accepting path is exercised on every example.
id_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="/?#"),
    min_size=1, max_size=30,
).filter(lambda s: s not in (".", "..") and not any(c.isspace() for c in s))
host_names = st.ip_addresses(v=4).map(str) | st.from_regex(
    r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?){0,3}", fullmatch=True)
valid: dict[str, st.SearchStrategy[Any]] = {
    "account_sid": id_text,
    "call_sid": id_text,
    "connector_name": st.text(min_size=1, max_size=30),
    "track": st.sampled_from(["both_tracks", "inbound_track", "outbound_track"]),
    "include_metadata_custom_headers": st.booleans(),
    "secure": st.booleans(),
    "session_timeout_secs": st.just(0) | st.integers(90, 14440) | st.integers(90, 14440).map(float),
    "sip_transport": st.sampled_from(["udp", "tcp", "tls"]),
    "status_callback": st.from_regex(
        r"https?://[a-z][a-z0-9-]{0,20}(\.[a-z]{2,5}){0,2}(:[1-9][0-9]{1,3})?(/[a-zA-Z0-9_.~-]{0,10}){0,3}",
        fullmatch=True),
    "status_callback_method": st.sampled_from(["get", "GET", "Post", "POST"]),
    "host": host_names,
    "port": st.integers(1, 65535) | st.integers(1, 65535).map(float),
    "app_subdomain": st.text(min_size=1, max_size=20),
    "connection_id": id_text,
    "to": st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True) | st.just("sip:srs-test@example.com"),
    "from_": st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True),
    "url": st.just("https://texml.example.com/answer"),
    "url_method": st.sampled_from(["get", "POST"]),
    "texml": st.just("<Response><Pause length=\"60\"/></Response>"),
    "custom_headers": st.dictionaries(st.from_regex(r"X-[A-Za-z0-9-]{1,10}", fullmatch=True),
                                      st.text(alphabet="abcdefghij 0123456789", max_size=10), max_size=3),
    "timeout": st.integers(5, 120),
    "time_limit": st.integers(30, 14400),
    "caller_id": st.text(alphabet="abcdefghij ", min_size=1, max_size=128),
    "status_callback_event": st.sampled_from(["initiated", "answered completed",
                                              "initiated ringing answered completed"]),
    "wait_until_answered": st.booleans(),
}


@st.composite
def property_bags(draw: st.DrawFn, schema: FieldSet) -> dict[str, Any]:
    bag: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(schema.names), unique=True)):
        likely = plausible[name] if name in plausible else accepted_by(schema.spec(name))
        bag[name] = draw(st.one_of(likely, json_values, unknowns))
    for key in draw(st.lists(st.text(max_size=12), max_size=2)):
        bag[key] = draw(json_values)
    return bag


@st.composite
def valid_bags(draw: st.DrawFn, schema: FieldSet) -> dict[str, Any]:
    """Every required input, and each optional one half the time, with values the rules accept."""
    names = [f.name for f in schema.fields if f.required or draw(st.booleans())]
    # The rules between properties: one that needs another brings it along; of two that exclude each other,
    # the first stays.
    names += [f.requires for f in schema.fields if f.name in names and f.requires and f.requires not in names]
    for spec in schema.fields:
        if spec.name in names and spec.excludes in names:
            names.remove(spec.excludes)
    name_rule = id_text if "name" in schema.names and schema.spec("name").required else st.text(min_size=1, max_size=30)
    strategies = {**valid, "name": name_rule}
    return {name: draw(strategies[name] if name in strategies else accepted_by(schema.spec(name))) for name in names}


def accepted_by(field: Field) -> st.SearchStrategy[Any]:
    """Values a field the tables above do not name accepts, read from its spec (its choices, kind or single rule),
    so that a field added to a spec is covered by the property tests without an entry here."""
    if field.choices:
        return st.sampled_from(field.choices)
    if field.kind is Kind.BOOLEAN:
        return st.booleans()
    by_rule: dict[object, st.SearchStrategy[Any]] = {
        url_path_id: id_text, host_name: host_names, non_empty: st.text(min_size=1, max_size=30)}
    if len(field.rules) == 1 and field.rules[0] in by_rule:
        return by_rule[field.rules[0]]
    raise LookupError(f"tests/support/strategies.py: no strategy for the values `{field.name}` accepts (its rules "
                      f"are not one of {sorted(r.__name__ for r in (url_path_id, host_name, non_empty))}): "
                      "add one to `valid` and `plausible`")
