"""The YAML stacks (examples/yaml) under the genuine engine and the genuine YAML language host, served by the
provider plugin `pulumi-resource-telnyx-siprec` (this package's console script, found on PATH)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CALL, CONNECTION, KEY, ROOT, EngineStack, bad_track_failure, routes

SESSION = "telnyx-siprec:index:SiprecSession"


def yaml_stack(tmp_path: Path, yaml_cli: Path, example: str) -> EngineStack:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "examples" / "yaml" / example / "Pulumi.yaml", project)
    return EngineStack(project, tmp_path, cli=yaml_cli)


def quickstart(tmp_path: Path, yaml_cli: Path, emulator: Emulator, **config: str) -> EngineStack:
    stack = yaml_stack(tmp_path, yaml_cli, "quickstart")
    stack.set_config({"telnyx-siprec:baseUrl": emulator.base_url, "callSid": CALL, **config},
                     {"telnyx-siprec:apiKey": KEY})
    return stack


def test_a_bad_input_fails_preview_on_the_property_and_sends_nothing(tmp_path: Path, yaml_cli: Path,
                                                                      emulator: Emulator) -> None:
    stack = quickstart(tmp_path, yaml_cli, emulator, track="sideways")
    text = stack.failing(stack.preview)
    assert bad_track_failure(SESSION) in text
    assert routes(emulator) == []


def test_the_yaml_quickstart_up_no_changes_replace_refresh_and_destroy(tmp_path: Path, yaml_cli: Path,
                                                                      emulator: Emulator) -> None:
    stack = quickstart(tmp_path, yaml_cli, emulator)
    up = stack.up()
    [start] = [r for r in emulator.state()["requests"] if r["route"] == "siprec.start"]
    assert start["body"] == ("ConnectorName=my-srs&Track=both_tracks&IncludeMetadataCustomHeaders=false&"
                             "Secure=false&SessionTimeoutSecs=1800&SipTransport=udp")
    [session] = emulator.state()["sessions"]
    assert {k: v.value for k, v in up.outputs.items()} == {
        "sid": session["sid"], "status": "in-progress", "accountSid": emulator.behaviour.organization_id}
    stack.preview(expect_no_changes=True)
    stack.up(expect_no_changes=True)
    stack.refresh(expect_no_changes=True)

    stack.set_config({"track": "outbound_track"})
    stack.up()
    assert [r for r in routes(emulator) if r.startswith("siprec")] == ["siprec.start", "siprec.start", "siprec.stop"]
    assert stack.text().index("created replacement") < stack.text().index("deleting original")

    emulator.end_call(CALL)
    stack.refresh()
    assert stack.resources(SESSION) == []
    emulator.add_call(CALL)
    stack.up()
    stack.destroy()
    assert [s["status"] for s in emulator.state()["sessions"]] == ["stopped"] * 3


def test_the_key_is_ciphertext_in_the_providers_state_and_nowhere_in_plain_text(tmp_path: Path, yaml_cli: Path,
                                                                                emulator: Emulator) -> None:
    stack = quickstart(tmp_path, yaml_cli, emulator)
    stack.up()
    stack.destroy()
    stack.up()
    [provider] = stack.resources("pulumi:providers:telnyx-siprec")
    assert set(provider["inputs"]["apiKey"]) == {"4dabf18193072939515e22adb298388d", "ciphertext"}
    for path in stack.files():
        assert KEY.encode() not in path.read_bytes(), f"the key is in plain text in {path}"
    assert KEY not in stack.text()


def test_the_yaml_test_call_stack_places_records_and_hangs_up(tmp_path: Path, yaml_cli: Path,
                                                              emulator: Emulator) -> None:
    stack = yaml_stack(tmp_path, yaml_cli, "test-call")
    stack.set_config({"telnyx-siprec:baseUrl": emulator.base_url, "srsHost": "srs.example.com"},
                     {"telnyx-siprec:apiKey": KEY})
    # As the example says to: strings, or pulumi-yaml reads them as numbers (pulumi/pulumi-yaml#577).
    for key, value in {"call.connectionId": CONNECTION, "call.to": "+15550100002", "call.from": "+15550100001"}.items():
        stack.run_cli("config", "set", "--path", "--type", "string", key, value)
    up = stack.up()
    [call] = [c for c in emulator.state()["calls"].values() if c["connection_id"]]
    [session] = emulator.state()["sessions"]
    assert (up.outputs["callSid"].value, session["call_sid"], session["metadata_extensions"]) == (
        call["sid"], call["sid"], {"X-Test-Run": "local"})
    [create] = [r for r in emulator.state()["requests"] if r["route"] == "call.create"]
    assert json.loads(create["body"])["To"] == "+15550100002", "a string, not a number: the plus is kept"
    stack.destroy()
    assert ([s["status"] for s in emulator.state()["sessions"]], call["status"]) == (["stopped"], "in-progress")
    assert [c["status"] for c in emulator.state()["calls"].values() if c["connection_id"]] == ["completed"]
    assert emulator.state()["connectors"] == {}
