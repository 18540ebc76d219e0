"""Stacks run by the genuine Pulumi engine (tools/stack.py), on a local backend in a temporary folder.

A project is copied into the test's folder, so nothing a run writes (stack config files) lands in the checkout; a
Python stack's `virtualenv` is this interpreter's, linked where the project expects it. Everything the CLI prints
is kept (`output`), so tests can read it as a user would, and scan it for secrets.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from pulumi.automation.errors import CommandError

from pulumi_telnyx_siprec.emulator import Emulator
from tools.stack import LocalStack, Project, cli_dir

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "engine-tests-passphrase"  # a throwaway local backend's
KEY = "KEYengine-tests-0123456789abcdef"
"""The API key the engine tests' emulator accepts."""
CALL = "v3:engine-test-call"
"""The live call the engine tests' emulator holds."""
CONNECTION = "1773070540731319841"
"""The TeXML application the test-call stacks place their calls through."""
CALL_CONTROL_APP = "1773070540731319842"
"""The Call Control application the Call Control test-call stacks dial through."""


def api_requests(emulator: Emulator) -> list[dict[str, Any]]:
    """Every API request the emulator has answered, in order (its control endpoints are not recorded)."""
    requests: list[dict[str, Any]] = emulator.state()["requests"]
    return requests


def routes(emulator: Emulator) -> list[str]:
    """The route of every API request the emulator has answered, in order (`siprec.start`, `call.fetch`...)."""
    return [request["route"] for request in api_requests(emulator)]


def bad_track_failure(session_type: str) -> str:
    """What the engine shows for the quickstart's session with `track: sideways`, whichever host ran the program:
    the check failure, naming the property, as both adapters word it."""
    return (f"{session_type} resource 'recording': property track value {{sideways}} has a problem: must be one of "
            "`both_tracks`, `inbound_track`, `outbound_track`, got 'sideways'")


CLI_PENDING = "PULUMI_TELNYX_SIPREC_CLI_PENDING"
"""Set by .ci/run while it builds the CLI and runs the tests that need none."""


def engine_cli(*, yaml_host: bool = False) -> Path:
    """The CLI folder (built on first use); fails in CI when it cannot be had, as a missing CLI must."""
    if os.environ.get(CLI_PENDING):
        raise SystemExit("this test needs the Pulumi CLI, which .ci/run is still building: mark it "
                         "`@pytest.mark.engine` (tests under tests/engine/ are) so that it runs once the CLI is built")
    return cli_dir(yaml_host=yaml_host)


def copy_project(source: Path, into: Path, files: tuple[str, ...] = ("Pulumi.yaml", "__main__.py")) -> Path:
    """A copy of a project folder's files in `into`; its `virtualenv` (if any) links to this interpreter's."""
    into.mkdir(parents=True, exist_ok=True)
    for name in files:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / name, target)
    settings = yaml.safe_load((into / "Pulumi.yaml").read_text())
    runtime = settings.get("runtime")
    venv = runtime.get("options", {}).get("virtualenv") if isinstance(runtime, dict) else None
    if venv:
        (into / venv).symlink_to(Path(sys.prefix), target_is_directory=True)
    return into


def quickstart_project(into: Path) -> Path:
    """The top-level stack: Pulumi.yaml here, its program in examples/quickstart/."""
    return copy_project(ROOT, into, ("Pulumi.yaml", "examples/quickstart/__main__.py"))


def call_example_project(into: Path) -> Path:
    return copy_project(ROOT / "examples" / "test-call", into)


def call_control_example_project(into: Path) -> Path:
    return copy_project(ROOT / "examples" / "call-control-test-call", into)


def program_project(into: Path, name: str, program: str, config: Mapping[str, Any] | None = None) -> Path:
    """A project for a test program of tests/programs/ (no virtualenv option: this interpreter runs it)."""
    into.mkdir(parents=True, exist_ok=True)
    settings = {"name": name, "runtime": {"name": "python", "options": {"toolchain": "pip"}},
                "config": dict(config or {})}
    (into / "Pulumi.yaml").write_text(yaml.safe_dump(settings))
    shutil.copy(ROOT / "tests" / "programs" / program / "__main__.py", into / "__main__.py")
    return into


class EngineStack(LocalStack):
    """A `LocalStack` that keeps every line the CLI prints, across operations."""

    def __init__(self, project: Path, folder: Path, *, stack: str = "test", env: Mapping[str, str] | None = None,
                 cli: Path | None = None) -> None:
        self.output: list[str] = []
        self.folder = folder
        super().__init__(Project.load(project), stack, folder / "backend", home=folder / "pulumi-home",
                         env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, **(env or {})},
                         on_output=self.output.append, cli=cli)

    def run_cli(self, *args: str) -> str:
        """A plain `pulumi` command on this stack, in its project folder, as a user types it; its output."""
        assert self.cli is not None
        done = subprocess.run([str(self.cli / "pulumi"), *args, "--stack", self.stack,
                               "--non-interactive"], cwd=self.project.folder,
                              env={**os.environ, **self.environment()}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    def import_state(self, deployment: Path) -> None:
        """`pulumi stack import --file`: the stack (created if need be) takes the state a `pulumi stack export`
        wrote. Its secrets must be ciphertext under this stack's secrets provider (the same passphrase and salt)."""
        self.workspace_stack()
        self.run_cli("stack", "import", "--file", str(deployment))

    def text(self) -> str:
        return "\n".join(self.output)

    def failing(self, operation: Callable[..., Any], **kwargs: Any) -> str:
        """Runs an operation that must fail; the CLI's output and error text."""
        before = len(self.output)
        try:
            operation(**kwargs)
        except CommandError as err:
            return "\n".join(self.output[before:]) + "\n" + str(err)
        raise AssertionError(f"{operation.__name__} succeeded; expected a failure")

    def files(self) -> Iterator[Path]:
        """Every file the backend and PULUMI_HOME hold (state, backups, history, locks, plugins)."""
        for root in (self.backend, self.home):
            assert root is not None
            for path in Path(root).rglob("*"):
                if path.is_file():
                    yield path

    def checkpoint_file(self) -> Path:
        return self.backend / ".pulumi" / "stacks" / self.project.name / f"{self.stack}.json"

    def state(self) -> dict[str, Any]:
        """The stack's latest deployment as the backend's file holds it (secrets as ciphertext)."""
        latest: dict[str, Any] = json.loads(self.checkpoint_file().read_text())["checkpoint"]["latest"] or {}
        return latest

    def resources(self, type_part: str = "") -> list[dict[str, Any]]:
        """The state's resources whose type contains `type_part`, in state order."""
        return [r for r in self.state().get("resources") or [] if type_part in r["type"]]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
