"""A Python program on the native classes (`pulumi_telnyx_siprec.native`) under the genuine engine: the engine
serves them with the provider plugin `pulumi-resource-telnyx-siprec`, found on PATH (this interpreter's bin, where
pip puts the console script), or where the project's `plugins.providers` says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml  # type: ignore[import-untyped]

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import CALL, KEY, ROOT, EngineStack, api_requests, bad_track_failure, program_project, routes

SESSION = "telnyx-siprec:index:SiprecSession"
PLUGIN = "pulumi-resource-telnyx-siprec"
SECOND_KEY = "KEYengine-tests-second-account-0123"
SECOND_CALL = "v3:engine-test-second-call"


def native_stack(tmp_path: Path, cli: Path, emulator: Emulator, env: dict[str, str] | None = None,
                 **config: str) -> EngineStack:
    stack = EngineStack(program_project(tmp_path / "project", "native", "native"), tmp_path, cli=cli, env=env)
    stack.set_config({"telnyx-siprec:baseUrl": emulator.base_url, "callSid": CALL, **config},
                     {"telnyx-siprec:apiKey": KEY})
    return stack


def test_preview_keeps_unknowns_and_a_bad_input_fails_on_its_property(tmp_path: Path, cli: Path,
                                                                      emulator: Emulator) -> None:
    stack = native_stack(tmp_path, cli, emulator, placeCall="true")
    preview = stack.preview(diff=True)
    assert preview.change_summary == {"create": 4}, "the stack, the call and two sessions"
    # The second session's call is not placed yet: its `callSid` is unknown; check kept it and filled the defaults.
    on_call = stack.text().split("SiprecSession::on-call]")[1].split("+ ")[0]
    assert re.search(r"callSid +: \[unknown\]", on_call), on_call
    assert re.search(r'track +: "both_tracks"', on_call), on_call
    stack.set_config({"track": "sideways"})
    text = stack.failing(stack.preview)
    assert bad_track_failure(SESSION) in text
    assert api_requests(emulator) == []


def test_up_no_changes_replace_refresh_after_the_call_ends_and_destroy(tmp_path: Path, cli: Path,
                                                                       emulator: Emulator) -> None:
    stack = native_stack(tmp_path, cli, emulator)
    up = stack.up()
    [start] = [r for r in api_requests(emulator) if r["route"] == "siprec.start"]
    assert start["body"] == ("ConnectorName=my-srs&Track=both_tracks&IncludeMetadataCustomHeaders=false&"
                             "Secure=false&SessionTimeoutSecs=1800&SipTransport=udp")
    [session] = emulator.state()["sessions"]
    # The typed outputs resolve, `call_sid` from the engine's `callSid`, `start_time` from `startTime`.
    assert {k: v.value for k, v in up.outputs.items()} == {
        "sid": session["sid"], "call_sid": CALL, "account_sid": emulator.behaviour.organization_id,
        "start_time": session["start_time"]}
    [state] = stack.resources(SESSION)
    assert (state["id"], state["outputs"]["callSid"]) == (session["sid"], CALL)
    assert "__provider" not in state["inputs"]
    assert state["sourcePosition"] == "project:///__main__.py#13"
    [provider] = stack.resources("pulumi:providers:telnyx-siprec")
    assert set(provider["inputs"]["apiKey"]) == {"4dabf18193072939515e22adb298388d", "ciphertext"}
    stack.preview(expect_no_changes=True)

    stack.set_config({"track": "inbound_track"})
    stack.up()
    assert [r for r in routes(emulator) if r.startswith("siprec")] == ["siprec.start", "siprec.start", "siprec.stop"]
    assert stack.text().index("created replacement") < stack.text().index("deleting original")

    emulator.end_call(CALL)
    refresh = stack.refresh()
    assert refresh.summary.resource_changes == {"delete": 1, "same": 1}
    assert stack.resources(SESSION) == []
    emulator.add_call(CALL)
    stack.up()
    stack.destroy()
    assert [s["status"] for s in emulator.state()["sessions"]] == ["stopped"] * 3
    assert stack.resources() == []
    for path in stack.files():
        assert KEY.encode() not in path.read_bytes(), f"the key is in plain text in {path}"
    assert KEY not in stack.text()


def test_an_explicit_provider_talks_to_a_second_api_with_its_own_key(tmp_path: Path, cli: Path,
                                                                     emulator: Emulator) -> None:
    with Emulator(api_key=SECOND_KEY, calls=[SECOND_CALL]) as second:
        stack = native_stack(tmp_path, cli, emulator, secondBaseUrl=second.base_url, secondCallSid=SECOND_CALL)
        stack.set_config({}, {"secondApiKey": SECOND_KEY})
        up = stack.up()
        [first_session] = emulator.state()["sessions"]
        [second_session] = second.state()["sessions"]
        assert (up.outputs["sid"].value, up.outputs["second_sid"].value) == (first_session["sid"],
                                                                             second_session["sid"])
        assert (first_session["call_sid"], second_session["call_sid"]) == (CALL, SECOND_CALL)
        [explicit] = [r for r in stack.resources("pulumi:providers:telnyx-siprec") if r["urn"].endswith("::second")]
        assert set(explicit["inputs"]["apiKey"]) == {"4dabf18193072939515e22adb298388d", "ciphertext"}
        assert explicit["inputs"]["maxConcurrency"] == 8
        stack.destroy()
        assert [s["status"] for s in second.state()["sessions"]] == ["stopped"]
    for path in stack.files():
        assert SECOND_KEY.encode() not in path.read_bytes(), f"the second key is in plain text in {path}"
    assert SECOND_KEY not in stack.text()


# Runs one preview in a process of its own: when the engine cannot load a provider it stops the inline program
# mid-registration, and the SDK leaves that program's coroutine unfinished (collected at exit, where pytest would
# report it as an unraisable exception of this process).
PREVIEW = """
import sys
from pathlib import Path
from pulumi.automation.errors import CommandError
from tests.support.engine import EngineStack
project, folder, cli, path = sys.argv[1:]
stack = EngineStack(Path(project), Path(folder), cli=Path(cli), env={"PATH": path})
try:
    print(stack.preview().change_summary)
except CommandError as err:
    print(stack.text(), err, sep="\\n")
    sys.exit(1)
"""


def preview_in_a_process(stack: EngineStack, path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PREVIEW, str(stack.project.folder), str(stack.folder), str(stack.cli),
                           path], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_without_the_plugin_on_path_preview_says_so_and_plugins_providers_in_pulumi_yaml_fixes_it(
        tmp_path: Path, cli: Path, emulator: Emulator) -> None:
    # PATH as in a shell without the virtualenv activated: the CLI, and system folders without the plugin.
    bin_dir = str(Path(sys.executable).parent)
    system = [d for d in os.environ.get("PATH", "").split(os.pathsep)
              if d and d != bin_dir and not shutil.which(PLUGIN, path=d)]
    path = os.pathsep.join([str(cli), *system])
    stack = native_stack(tmp_path, cli, emulator)
    missing = preview_in_a_process(stack, path)
    assert missing.returncode == 1, missing.stdout + missing.stderr
    assert f"no resource plugin '{PLUGIN}' found in the workspace or on your $PATH" in missing.stdout
    # The fix the docs give for a project run outside its virtualenv: name the plugin's folder in Pulumi.yaml.
    settings = yaml.safe_load((stack.project.folder / "Pulumi.yaml").read_text())
    settings["plugins"] = {"providers": [{"name": "telnyx-siprec", "path": bin_dir}]}
    (stack.project.folder / "Pulumi.yaml").write_text(yaml.safe_dump(settings))
    fixed = EngineStack(stack.project.folder, tmp_path, cli=cli, env={"PATH": path})
    assert fixed.preview().change_summary == {"create": 2}
    assert api_requests(emulator) == []
