"""Property tests: `check` never raises, names every failure, keeps unknowns, and what it accepts encodes."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.output import Unknown

from pulumi_telnyx_siprec import SiprecSessionProvider
from pulumi_telnyx_siprec.client import path_segment
from pulumi_telnyx_siprec.session_schema import SESSION_SCHEMA

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
}


@st.composite
def property_bags(draw: st.DrawFn) -> dict[str, Any]:
    bag: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(SESSION_SCHEMA.names), unique=True)):
        bag[name] = draw(st.one_of(plausible[name], json_values, unknowns))
    for key in draw(st.lists(st.text(max_size=12), max_size=2)):
        bag[key] = draw(json_values)
    return bag


def _is_named(failure_property: str, reason: str) -> bool:
    return bool(failure_property) or reason.startswith("`") or reason.startswith("property `")


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(property_bags())
def test_check_never_raises_and_names_every_failure(news: dict[str, Any]) -> None:
    result = SiprecSessionProvider().check({}, news)
    for failure in result.failures:
        assert _is_named(failure.property, failure.reason), failure.reason
        assert failure.reason
        assert "\n" not in failure.reason
        assert len(failure.reason) < 400
    for key, value in news.items():
        if isinstance(value, Unknown):
            assert result.inputs[key] is value


@settings(max_examples=600, deadline=None)
@given(property_bags())
def test_accepted_inputs_encode_to_a_body_the_schema_decodes_back(news: dict[str, Any]) -> None:
    result = SiprecSessionProvider().check({}, news)
    if result.failures or any(isinstance(v, Unknown) for v in result.inputs.values()):
        return
    inputs = result.inputs
    form = SESSION_SCHEMA.to_form(inputs)
    decoded = SESSION_SCHEMA.from_wire(form)
    assert decoded.failures == []
    assert decoded.inputs == {k: v for k, v in inputs.items() if SESSION_SCHEMA.spec(k).wire_key}
    for key in ("account_sid", "call_sid"):
        assert "/" not in path_segment(inputs[key])
        assert "?" not in path_segment(inputs[key])
