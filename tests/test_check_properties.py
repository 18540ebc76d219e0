"""Property tests: `check` never raises, names every failure, keeps unknowns, and what it accepts encodes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.output import Unknown

from pulumi_telnyx_siprec import SiprecConnectorProvider, SiprecSessionProvider, TexmlCallProvider
from pulumi_telnyx_siprec.client.telnyx_client import encode_segment
from pulumi_telnyx_siprec.dynamic.provider import DynamicProvider
from pulumi_telnyx_siprec.validation import FieldSet
from tests.support.strategies import property_bags, valid_bags

PROVIDERS = [SiprecSessionProvider, SiprecConnectorProvider, TexmlCallProvider]
EXAMPLES = 500
"""Per resource and per test."""
# Each resource's wire encoding: the TeXML API takes form fields, the connectors API JSON.
ENCODERS = {SiprecSessionProvider: FieldSet.to_form, SiprecConnectorProvider: FieldSet.to_json,
            TexmlCallProvider: FieldSet.to_json}
PATH_IDS = {SiprecSessionProvider: ("account_sid", "call_sid"), SiprecConnectorProvider: ("name",),
            TexmlCallProvider: ("connection_id", "account_sid")}


def _is_named(failure_property: str, reason: str) -> bool:
    return bool(failure_property) or reason.startswith("`") or reason.startswith("property `")


@pytest.mark.parametrize("provider", PROVIDERS)
@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_check_never_raises_and_names_every_failure(provider: type[DynamicProvider], data: st.DataObject) -> None:
    news = data.draw(property_bags(provider.spec.inputs))
    result = provider().check({}, news)
    for failure in result.failures:
        assert _is_named(failure.property, failure.reason), failure.reason
        assert failure.reason
        assert "\n" not in failure.reason
        assert len(failure.reason) < 400
    for key, value in news.items():
        if isinstance(value, Unknown):
            assert result.inputs[key] is value


@pytest.mark.parametrize("provider", PROVIDERS)
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_valid_inputs_are_accepted_and_encode_to_a_body_the_schema_decodes_back(
    provider: type[DynamicProvider], data: st.DataObject
) -> None:
    schema = provider.spec.inputs
    result = provider().check({}, data.draw(valid_bags(schema)))
    assert [(f.property, f.reason) for f in result.failures] == []
    inputs = result.inputs
    decoded = schema.from_wire(ENCODERS[provider](schema, inputs))
    assert decoded.failures == []
    assert decoded.inputs == {k: v for k, v in inputs.items() if schema.spec(k).wire_key}
    for key in (k for k in PATH_IDS[provider] if k in inputs):
        assert "/" not in encode_segment(inputs[key])
        assert "?" not in encode_segment(inputs[key])
