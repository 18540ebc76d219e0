"""Stacks that release 0.1.0 deployed keep working with this code (issue 21, point 4): their state, imported into a
fresh stack, previews and updates with no changes, refreshes, and destroys with the requests that tear everything
down.

The states are fixtures (tests/engine/fixtures/state-0.1.0/), written through the genuine engine by
make_state_fixtures.py at the 0.1.0 release: a Python quickstart stack, the Python test-call stack and the YAML
test-call stack on the provider plugin. A Python resource's state names the provider that serves it: `__provider`,
in its inputs and its outputs, is the 0.1.0 provider class pickled by reference (module and class name). The
engine hands the outputs' copy to the provider on refresh and destroy (the Python SDK's dynamic provider server
unpickles `request.properties`), and neither a no-change `up` nor a refresh rewrites it (the engine's SameStep
keeps the old outputs; the server's Read copies the old `__provider` into what it returns): those module paths must
stay importable for as long as such resources live.

The one edit to a fixture: its emulator's base URL (recorded in the default provider's inputs and in outputs such
as a session's `uri`) becomes this test's emulator's, as the endpoint of a real stack stays put across an upgrade.
Without it, the preview still reports no changes (the engine does not count a default provider's changed config),
`up` then stores the stack's config as the provider's inputs, and a refresh or destroy run before that `up` would
configure the provider from the state's inputs (they do not run the program) and send to the old URL.
"""

from __future__ import annotations

import json
import pickletools
import shutil
from base64 import b64decode
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml  # type: ignore[import-untyped]

from pulumi_telnyx_siprec.emulator import Emulator
from tests.support.engine import (
    KEY,
    PASSPHRASE,
    ROOT,
    EngineStack,
    api_requests,
    call_example_project,
    copy_project,
    quickstart_project,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "state-0.1.0"
PYTHON_SESSION = "pulumi-python:dynamic/telnyx:SiprecSession"
PYTHON_CONNECTOR = "pulumi-python:dynamic/telnyx:SiprecConnector"
PYTHON_CALL = "pulumi-python:dynamic/telnyx:TexmlCall"
RELEASE_PROVIDERS = {
    PYTHON_SESSION: ("pulumi_telnyx_siprec.session_provider", "SiprecSessionProvider"),
    PYTHON_CONNECTOR: ("pulumi_telnyx_siprec.connector_provider", "SiprecConnectorProvider"),
    PYTHON_CALL: ("pulumi_telnyx_siprec.call_provider", "TexmlCallProvider"),
}
"""The provider class each 0.1.0 Python resource's `__provider` names."""


def yaml_test_call_project(into: Path) -> Path:
    return copy_project(ROOT / "examples" / "yaml" / "test-call", into, ("Pulumi.yaml",))


@dataclass(frozen=True)
class Case:
    """A fixture stack and how to run it now."""

    name: str
    project: Callable[[Path], Path]
    types: tuple[str, ...]
    """The types of the state's resources besides the stack and its default provider, in state order."""
    base_url_key: str

    @property
    def yaml_host(self) -> bool:
        return self.base_url_key.startswith("telnyx-siprec:")


CASES = (
    Case("quickstart", quickstart_project, (PYTHON_SESSION,), "telnyx:baseUrl"),
    Case("test-call", call_example_project, (PYTHON_CONNECTOR, PYTHON_CALL, PYTHON_SESSION), "telnyx:baseUrl"),
    Case("yaml-test-call", yaml_test_call_project, ("telnyx-siprec:index:SiprecConnector",
                                                    "telnyx-siprec:index:TexmlCall",
                                                    "telnyx-siprec:index:SiprecSession"), "telnyx-siprec:baseUrl"),
)


def pickled_globals(encoded: str) -> list[tuple[str, str]]:
    """The (module, name) of every global a base64 pickle refers to, read from its opcodes: nothing is imported,
    so this says what the state names, whatever this code can still load."""
    found: list[tuple[str, str]] = []
    strings: list[str] = []
    for opcode, argument, _position in pickletools.genops(b64decode(encoded)):
        if isinstance(argument, str) and "UNICODE" in opcode.name:
            strings.append(argument)
        elif opcode.name == "STACK_GLOBAL":
            found.append((strings[-2], strings[-1]))
        elif opcode.name == "GLOBAL":
            module, _, name = str(argument).partition(" ")
            found.append((module, name))
    return found


def managed(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    """A deployment's resources other than the stack and providers, in state order."""
    return [r for r in deployment.get("resources") or []
            if r["type"] != "pulumi:pulumi:Stack" and not r["type"].startswith("pulumi:providers:")]


def output(resource: dict[str, Any], name: str) -> Any:
    """An output by its Python name, whichever way the resource's adapter spells it (`call_sid`, `callSid`)."""
    head, *rest = name.split("_")
    outputs: dict[str, Any] = resource["outputs"]
    return outputs[name] if name in outputs else outputs[head + "".join(part.title() for part in rest)]


def identities(resources: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(type, id) of each resource, sorted: an update may store the resources in another order."""
    return sorted((r["type"], r["id"]) for r in resources)


def of_kind(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["type"].endswith(":" + kind)]


def written_by_the_release(resources: list[dict[str, Any]], yaml_host: bool,
                           parts: tuple[str, ...] = ("inputs", "outputs")) -> None:
    """Fails unless the state is what 0.1.0 wrote: the plugin's types, or `__provider` in each of `parts` naming
    0.1.0's provider class."""
    for resource in resources:
        if yaml_host:
            assert resource["type"].startswith("telnyx-siprec:index:")
            assert "__provider" not in resource["inputs"]
            continue
        release = RELEASE_PROVIDERS[resource["type"]]
        for part in parts:
            assert pickled_globals(resource[part]["__provider"]) == [release], (resource["urn"], part)


def hold_what_the_state_refers_to(emulator: Emulator, resources: list[dict[str, Any]]) -> None:
    """The live calls, the connectors and the sessions of the state, in the emulator, each under the id the state
    has: a real stack's calls and sessions stay live across an upgrade of the package, so its destroy stops each
    session as Telnyx would (200), not as one already gone (404)."""
    for resource in of_kind(resources, "SiprecSession") + of_kind(resources, "TexmlCall"):
        emulator.add_call(output(resource, "call_sid"))
    for session in of_kind(resources, "SiprecSession"):
        emulator.add_session(session["id"], output(session, "call_sid"), account_sid=output(session, "account_sid"),
                             params={"ConnectorName": output(session, "connector_name")})
    for connector in of_kind(resources, "SiprecConnector"):
        created = requests.post(f"{emulator.base_url}/siprec_connectors", timeout=10,
                                headers={"Authorization": f"Bearer {KEY}"},
                                json={k: connector["outputs"][k] for k in ("name", "host", "port")})
        assert created.status_code == 201, created.text


def refresh_routes(resources: list[dict[str, Any]]) -> list[str]:
    """The routes a refresh must use, sorted: a session and a call are read from their call, a connector itself."""
    return sorted(["call.fetch"] * len(of_kind(resources, "SiprecSession") + of_kind(resources, "TexmlCall"))
                  + ["connector.read"] * len(of_kind(resources, "SiprecConnector")))


def teardown_requests(resources: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The (method, path, body) a destroy must send: every session stopped, then (in either order) every call
    hung up and every connector deleted."""
    stops = [("POST", f"/v2/texml/Accounts/{output(s, 'account_sid')}/Calls/{output(s, 'call_sid')}/Siprec/"
                      f"{s['id']}.json", "Status=stopped") for s in of_kind(resources, "SiprecSession")]
    hang_ups = [("POST", f"/v2/texml/Accounts/{output(c, 'account_sid')}/Calls/{c['id']}", "Status=completed")
                for c in of_kind(resources, "TexmlCall")]
    deletes = [("DELETE", f"/v2/siprec_connectors/{c['id']}", "") for c in of_kind(resources, "SiprecConnector")]
    return stops + sorted(hang_ups + deletes)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_stack_deployed_by_0_1_0_shows_no_changes_refreshes_and_destroys(
        case: Case, tmp_path: Path, emulator: Emulator, request: pytest.FixtureRequest) -> None:
    cli: Path = request.getfixturevalue("yaml_cli" if case.yaml_host else "cli")
    config_file = FIXTURES / f"{case.name}.Pulumi.test.yaml"
    fixture = (FIXTURES / f"{case.name}.json").read_text()
    resources = managed(json.loads(fixture)["deployment"])
    assert [r["type"] for r in resources] == list(case.types)
    written_by_the_release(resources, case.yaml_host)
    assert KEY not in fixture, "the API key is ciphertext in the state"
    assert KEY not in config_file.read_text(), "and in the config"

    hold_what_the_state_refers_to(emulator, resources)
    project = case.project(tmp_path / "project")
    shutil.copy(config_file, project / "Pulumi.test.yaml")  # its salt and the key's ciphertext
    stack = EngineStack(project, tmp_path, cli=cli, env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    stack.set_config({case.base_url_key: emulator.base_url})
    recorded_url = yaml.safe_load(config_file.read_text())["config"][case.base_url_key]
    state = tmp_path / "state.json"
    state.write_text(fixture.replace(recorded_url, emulator.base_url))
    stack.import_state(state)
    imported = managed(stack.state())
    assert identities(imported) == identities(resources)
    written_by_the_release(imported, case.yaml_host)
    start = len(api_requests(emulator))

    unchanged = {"same": len(resources) + 1}  # and the stack
    preview = stack.preview(expect_no_changes=True)
    assert preview.change_summary == unchanged
    assert f"Resources:\n    {len(resources) + 1} unchanged" in preview.stdout
    up = stack.up(expect_no_changes=True)
    assert up.summary.resource_changes == unchanged
    assert len(api_requests(emulator)) == start, "preview and up send nothing"
    # The inputs now hold what this code's program registered; the outputs, which refresh and destroy unpickle
    # the provider from, are still 0.1.0's.
    written_by_the_release(managed(stack.state()), case.yaml_host, ("outputs",))

    # The emulator's answers differ from the fixture's outputs (a call's `start_time`, a connector's `created_at`:
    # it made them just now); refresh stores them, and counts a resource changed only when its inputs change.
    refresh = stack.refresh(expect_no_changes=True)
    assert refresh.summary.resource_changes == unchanged
    refreshed = managed(stack.state())
    assert identities(refreshed) == identities(resources), "every call is live: nothing is dropped"
    written_by_the_release(refreshed, case.yaml_host, ("outputs",))
    assert sorted(r["route"] for r in api_requests(emulator)[start:]) == refresh_routes(resources)

    before_destroy = len(api_requests(emulator))
    stack.destroy()
    teardown = api_requests(emulator)[before_destroy:]
    expected = teardown_requests(resources)
    assert [(r["method"], r["path"], r["body"]) for r in teardown[:1]] == expected[:1], "the session stops first"
    assert sorted((r["method"], r["path"], r["body"]) for r in teardown) == sorted(expected)
    assert all(r["status"] in (200, 204) for r in teardown), teardown
    assert managed(stack.state()) == []
    assert [(s["sid"], s["status"]) for s in emulator.state()["sessions"]] == [
        (s["id"], "stopped") for s in of_kind(resources, "SiprecSession")]
    calls = emulator.state()["calls"]
    assert [calls[c["id"]]["status"] for c in of_kind(resources, "TexmlCall")] == ["completed"] * len(
        of_kind(resources, "TexmlCall"))
    assert emulator.state()["connectors"] == {}
