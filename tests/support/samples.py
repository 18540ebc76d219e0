"""Ids and answers taken from the examples in Telnyx's API reference (see docs/telnyx-api.md)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import responses

ACCOUNT_SID = "61bf923e-5e4d-4595-a110-56190ea18a1b"
CALL_SID = "v3:9X2vxPDFY2RHSJ1EdMS0RHRksMTg7ldNxdjWbVr9zBjbGjGsSe-aiQ"
SIPREC_SID = "61bf923e-5e4d-4595-a110-56190ea18123"
API_KEY = "KEY0123TESTONLY_d1st1nct1ve5ecretVa1ue"
DATE = "Fri, 11 Aug 2023 19:12:11 +0000"
SIPREC_PATH = f"/v2/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec.json"
STOP_PATH = f"/v2/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec/{SIPREC_SID}.json"


def start_answer(track: str = "both_tracks", sid: str = SIPREC_SID) -> dict[str, Any]:
    """The documented 200 answer of a SIPREC start."""
    return {
        "account_sid": ACCOUNT_SID,
        "call_sid": CALL_SID,
        "sid": sid,
        "date_created": DATE,
        "date_updated": DATE,
        "start_time": DATE,
        "status": "in-progress",
        "track": track,
        "uri": f"https://api.telnyx.com/v2/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec/{sid}",
        "error_code": None,
    }


def stop_answer(sid: str = SIPREC_SID) -> dict[str, Any]:
    """The documented 200 answer of a SIPREC stop."""
    return {
        "account_sid": ACCOUNT_SID,
        "call_sid": CALL_SID,
        "sid": sid,
        "date_updated": DATE,
        "status": "stopped",
        "uri": f"https://api.telnyx.com/v2/texml/Accounts/{ACCOUNT_SID}/Calls/{CALL_SID}/Siprec/{sid}",
        "error_code": None,
    }


CONNECTOR_INPUTS = {"name": "test-srs", "host": "srs.example.com", "port": 5060}
CONNECTOR_DATA = {
    "record_type": "siprec_connector", **CONNECTOR_INPUTS, "app_subdomain": None,
    "created_at": "2026-11-23T10:00:00.000000Z", "updated_at": "2026-11-23T10:00:00.000000Z",
}
"""The `data` of a connector answer (section 4 of the API notes), for the connector above."""


def session_inputs(**overrides: Any) -> dict[str, Any]:
    """The issue's example SiprecSession inputs, as a program would send them."""
    inputs: dict[str, Any] = {
        "account_sid": ACCOUNT_SID,
        "call_sid": CALL_SID,
        "connector_name": "my-srs",
        "track": "inbound_track",
        "secure": True,
        "sip_transport": "tls",
        "status_callback": "https://hooks.example.com/siprec",
    }
    inputs.update(overrides)
    return {k: v for k, v in inputs.items() if v is not None}


def sent_text(call: responses.Call) -> str:
    """The body a request recorded by `responses` carried, as text."""
    body = call.request.body
    return body.decode() if isinstance(body, bytes) else str(body)


def sent_form(call: responses.Call) -> dict[str, str]:
    """The form fields a request recorded by `responses` carried (blank values kept)."""
    return {k: v[0] for k, v in parse_qs(sent_text(call), keep_blank_values=True).items()}


def sent_json(call: responses.Call) -> Any:
    """The JSON body a request recorded by `responses` carried."""
    return json.loads(sent_text(call))
