"""The quickstart stack (Pulumi.yaml at the top, its program in examples/quickstart/) under the genuine engine."""

from __future__ import annotations

import re
from pathlib import Path

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CALL, KEY, EngineStack, api_requests, bad_track_failure, quickstart_project
from tests.support.recording_server import RecordingServer, Reply

SESSION = "pulumi-python:dynamic/telnyx:SiprecSession"


def quickstart(tmp_path: Path, cli: Path, emulator: Emulator, *, key: str | None = KEY, **config: str) -> EngineStack:
    stack = EngineStack(quickstart_project(tmp_path / "project"), tmp_path, cli=cli)
    stack.set_config({"telnyx:baseUrl": emulator.base_url, "callSid": CALL, **config},
                     {"telnyx:apiKey": key} if key else {})
    return stack


def test_preview_needs_no_key_and_sends_nothing(tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator, key=None)
    preview = stack.preview()
    assert preview.change_summary == {"create": 2}
    assert api_requests(emulator) == []


def test_a_bad_input_fails_preview_on_the_property_and_sends_nothing(tmp_path: Path, cli: Path,
                                                                      emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator, track="sideways")
    text = stack.failing(stack.preview)
    assert bad_track_failure(SESSION) in text
    assert api_requests(emulator) == []


def test_up_starts_one_session_with_the_exact_form_and_a_second_run_changes_nothing(
        tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator, accountSid="acct-1")
    up = stack.up()
    [start] = [r for r in api_requests(emulator) if r["route"] == "siprec.start"]
    assert (start["method"], start["path"]) == ("POST", f"/v2/texml/Accounts/acct-1/Calls/{CALL}/Siprec.json")
    assert start["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert start["body"] == ("ConnectorName=my-srs&Track=both_tracks&IncludeMetadataCustomHeaders=false&"
                             "Secure=false&SessionTimeoutSecs=1800&SipTransport=udp")
    [session] = emulator.state()["sessions"]
    assert {k: v.value for k, v in up.outputs.items()} == {"sid": session["sid"], "status": "in-progress",
                                                           "account_sid": "acct-1"}
    # Where the program declared it, not the generated class's constructor (dynamic/program.py says why).
    [state] = stack.resources(SESSION)
    assert state["sourcePosition"] == "project:///examples/quickstart/__main__.py#14"
    stack.preview(expect_no_changes=True)
    stack.up(expect_no_changes=True)
    stack.refresh(expect_no_changes=True)
    assert [r["route"] for r in api_requests(emulator)] == ["siprec.start", "call.fetch"]


def test_without_an_account_sid_it_is_looked_up_once(tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator)
    up = stack.up()
    assert up.outputs["account_sid"].value == emulator.behaviour.organization_id
    assert [r["route"] for r in api_requests(emulator)] == ["whoami", "siprec.start"]
    stack.up(expect_no_changes=True)


def test_the_key_is_ciphertext_in_the_state_and_nowhere_in_plain_text(tmp_path: Path, cli: Path,
                                                                      emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator)
    stack.up()
    stack.refresh()
    stack.destroy()
    assert [r["route"] for r in api_requests(emulator)] == ["whoami", "siprec.start", "call.fetch", "siprec.stop"], \
        "the key reached the provider: every request was accepted"
    # The engine keeps the stack's config as the default provider's inputs: there, the key is ciphertext.
    stack.up()
    [provider] = stack.resources("pulumi:providers:pulumi-python")
    assert set(provider["inputs"]["telnyx:apiKey"]) == {"4dabf18193072939515e22adb298388d", "ciphertext"}
    scanned = 0
    for path in stack.files():
        assert KEY.encode() not in path.read_bytes(), f"the key is in plain text in {path}"
        scanned += 1
    assert scanned > 5, "the state, its backup and history were scanned"
    assert KEY not in stack.text()
    assert KEY not in (tmp_path / "project" / "Pulumi.test.yaml").read_text()


def test_changing_track_starts_the_new_session_before_stopping_the_old(tmp_path: Path, cli: Path,
                                                                       emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator, accountSid="acct-1")
    stack.up()
    stack.set_config({"track": "inbound_track"})
    stack.up()
    routes = [r["route"] for r in api_requests(emulator) if r["route"].startswith("siprec")]
    assert routes == ["siprec.start", "siprec.start", "siprec.stop"], "the call is never left unrecorded"
    first, second = emulator.state()["sessions"]
    assert (first["status"], second["status"]) == ("stopped", "in-progress")
    assert second["params"]["Track"] == "inbound_track"
    text = stack.text()
    assert text.index("created replacement") < text.index("deleting original")


def test_refresh_after_the_call_ended_drops_the_session_and_up_says_the_call_ended(
        tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator)
    stack.up()
    emulator.end_call(CALL)
    refresh = stack.refresh()
    assert refresh.summary.resource_changes == {"delete": 1, "same": 1}
    assert stack.resources(SESSION) == []
    text = stack.failing(stack.up)
    assert ("pulumi_telnyx_siprec.resources.siprec_session.operations.CallEndedError: start SIPREC session failed: "
            f"POST /texml/Accounts/61bf923e-5e4d-4595-a110-56190ea18a1b/Calls/{CALL}/Siprec.json answered 404: "
            "Resource not found; call "
            f"'{CALL}' has ended (status `completed`): a SIPREC session needs a call in progress; place a new call "
            "and set `call_sid` to it") in text


def test_a_wrong_key_fails_up_with_telnyx_error_and_advice_and_no_key_in_it(tmp_path: Path, cli: Path,
                                                                            emulator: Emulator) -> None:
    wrong = "KEYnot-the-emulators-key-42"
    stack = quickstart(tmp_path, cli, emulator, key=wrong)
    text = stack.failing(stack.up)
    assert ("answered 401: [10009] Authentication failed: The API key is missing or invalid; send `Authorization: "
            "Bearer <API key>`; Telnyx rejected the API key (check that it is a current v2 API key); set a valid key "
            "with `pulumi config set --secret telnyx:apiKey <key>`") in text
    assert wrong not in text
    assert emulator.state()["sessions"] == []


def test_the_status_callback_receives_the_session_events(tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    hook = RecordingServer(lambda _request: Reply(200, {}))
    try:
        stack = quickstart(tmp_path, cli, emulator, statusCallback=hook.base_url.removesuffix("/v2") + "/events")
        stack.up()
        stack.destroy()
        state = emulator.wait_until(lambda s: len(s["callbacks"]) == 2)
    finally:
        hook.close()
    assert [(c["event"], c["delivered"]) for c in state["callbacks"]] == [("siprec-started", True),
                                                                         ("siprec-stopped", True)]


def test_destroy_stops_the_session_and_a_second_destroy_does_nothing(tmp_path: Path, cli: Path,
                                                                     emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator)
    stack.up()
    stack.destroy()
    assert [s["status"] for s in emulator.state()["sessions"]] == ["stopped"]
    before = len(api_requests(emulator))
    stack.destroy()
    assert len(api_requests(emulator)) == before


def test_a_failed_create_ends_with_our_message_and_no_frame_of_ours_below_the_provider(
        tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    stack = quickstart(tmp_path, cli, emulator, key=None)
    text = stack.failing(stack.up)
    message = ("pulumi_telnyx_siprec.client.errors.ConfigurationError: no Telnyx API key is configured: run `pulumi "
               "config set --secret telnyx:apiKey <your key>` (or export TELNYX_API_KEY) and try again")
    assert message in text
    frames = re.findall(r'File "([^"]+)", line \d+, in (\w+)', text.split(message)[0].rsplit("Traceback", 1)[-1])
    ours = [(Path(f).name, fn) for f, fn in frames if "pulumi_telnyx_siprec" in f]
    assert ours == [("provider.py", "create")], frames
