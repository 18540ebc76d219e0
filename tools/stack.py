"""Runs a project's stack through the Pulumi CLI on a local file backend: `preview`, `up`, `refresh`, `destroy`.

The CLI comes from `tools/pulumi-cli` (a `pulumi` 3.139.0+ on PATH, else one built from the Go module proxy into a
cache). Python programs run as the CLI's language host would run them when `pulumi-language-python` is installed
(the official CLI ships it); otherwise, since that host is not served by any registry we reach, through the
Automation API with an inline program that runs the project's own `__main__.py`. YAML programs always run under
the genuine `pulumi-language-yaml`. Either way the engine, the state and the dynamic provider server are real.

    python -m tools.stack --project examples/quickstart --stack local up --config callSid=v3:x

The examples' run scripts and `tests/engine/` use it; users with the official CLI can run plain `pulumi up`.
"""

from __future__ import annotations

import argparse
import os
import runpy
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
CLI_SCRIPT = ROOT / "tools" / "pulumi-cli"
DEFAULT_BACKEND = ROOT / ".pulumi-local"
PASSPHRASE = "local-stacks-only"  # noqa: S105 - protects only throwaway keys on a local backend


def cache_dir() -> Path:
    """Where tools/pulumi-cli keeps the CLI it builds (outside git)."""
    explicit = os.environ.get("PULUMI_TELNYX_SIPREC_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-telnyx-siprec"


def cli_dir(*, yaml_host: bool = False) -> Path:
    """The folder with `pulumi` and the dynamic provider's launcher (built on first use; progress on stderr)."""
    command = [str(CLI_SCRIPT)] + (["--yaml"] if yaml_host else [])
    found = subprocess.run(command, check=False, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own script
    if found.returncode != 0:
        raise SystemExit(f"tools/pulumi-cli could not provide a Pulumi CLI (exit {found.returncode}); see above")
    return Path(found.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class Project:
    """A folder with a Pulumi.yaml: its name, runtime and the program the runtime runs."""

    folder: Path
    name: str
    runtime: str
    program: Path

    @classmethod
    def load(cls, folder: Path) -> Project:
        folder = folder.resolve()
        settings = yaml.safe_load((folder / "Pulumi.yaml").read_text())
        runtime = settings["runtime"]
        runtime_name = runtime["name"] if isinstance(runtime, dict) else runtime
        main = folder / settings.get("main", ".")
        program = main / "__main__.py" if main.is_dir() else main
        return cls(folder, settings["name"], runtime_name, program)


def python_host_available(directory: Path) -> bool:
    """True when the official Python language host is installed beside the CLI or on PATH."""
    return (directory / "pulumi-language-python").exists() or shutil.which("pulumi-language-python") is not None


@dataclass
class LocalStack:
    """One stack of a project on a local file backend, driven through the Automation API."""

    project: Project
    stack: str = "local"
    backend: Path = DEFAULT_BACKEND
    home: Path | None = None
    """PULUMI_HOME (None: a folder in the cache)."""
    env: Mapping[str, str] = field(default_factory=dict)
    on_output: Callable[[str], Any] | None = print
    inline: bool | None = None
    """Run a Python program inline (None: only when the official language host is missing)."""
    cli: Path | None = None

    def __post_init__(self) -> None:
        self.cli = self.cli or cli_dir(yaml_host=self.project.runtime == "yaml")
        if self.inline is None:
            self.inline = self.project.runtime == "python" and not python_host_available(self.cli)
        self.backend.mkdir(parents=True, exist_ok=True)
        self.home = self.home or cache_dir() / "pulumi-home"
        self.home.mkdir(parents=True, exist_ok=True)
        self._stack: Any = None

    @property
    def mode(self) -> str:
        return "inline program (Automation API)" if self.inline else f"{self.project.runtime} language host"

    def environment(self) -> dict[str, str]:
        """What the CLI and the plugins it starts run with: a local backend, nothing fetched from the network."""
        return {
            "PATH": f"{self.cli}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PULUMI_BACKEND_URL": self.backend.resolve().as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": os.environ.get("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE),
            "PULUMI_HOME": str(self.home),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            # The launcher (tools/pulumi-resource-pulumi-python) runs the provider server with this interpreter
            # when the project names no virtualenv: the one that has this package installed.
            "PULUMI_PYTHON_CMD": sys.executable,
            **self.env,
        }

    def workspace_stack(self) -> Any:
        """The Automation API stack, created on the backend if needed."""
        if self._stack is not None:
            return self._stack
        from pulumi import automation as auto

        env = self.environment()
        options = auto.LocalWorkspaceOptions(
            work_dir=str(self.project.folder),
            pulumi_home=env["PULUMI_HOME"],
            env_vars=env,
            pulumi_command=auto.PulumiCommand(root=str(Path(self.cli or "").parent)),
        )
        if self.inline:
            program = str(self.project.program)

            def run_program() -> None:
                runpy.run_path(program, run_name="__main__")

            self._stack = auto.create_or_select_stack(
                stack_name=self.stack, project_name=self.project.name, program=run_program, opts=options,
            )
        else:
            self._stack = auto.create_or_select_stack(stack_name=self.stack, work_dir=str(self.project.folder),
                                                      opts=options)
        return self._stack

    def set_config(self, values: Mapping[str, str], secrets: Mapping[str, str] | None = None, *,
                   path: bool = False) -> None:
        """Sets stack config (`path`: keys like `call.to` set a field of an object value)."""
        from pulumi import automation as auto

        stack = self.workspace_stack()
        config = {k: auto.ConfigValue(v) for k, v in values.items()}
        config.update({k: auto.ConfigValue(v, secret=True) for k, v in (secrets or {}).items()})
        if config:
            stack.set_all_config(config, path=path)

    def preview(self, **kwargs: Any) -> Any:
        return self.workspace_stack().preview(on_output=self.on_output, **kwargs)

    def up(self, **kwargs: Any) -> Any:
        return self.workspace_stack().up(on_output=self.on_output, **kwargs)

    def refresh(self, **kwargs: Any) -> Any:
        return self.workspace_stack().refresh(on_output=self.on_output, **kwargs)

    def destroy(self, **kwargs: Any) -> Any:
        return self.workspace_stack().destroy(on_output=self.on_output, **kwargs)

    def outputs(self) -> dict[str, Any]:
        return {name: value.value for name, value in self.workspace_stack().outputs().items()}


def _pairs(items: Sequence[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=VALUE, got {item!r}")
        pairs[key] = value
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.stack", description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="folder with the Pulumi.yaml (default: the root)")
    parser.add_argument("--stack", default="local")
    parser.add_argument("--backend", type=Path, default=DEFAULT_BACKEND, help="local state folder")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="set stack config")
    parser.add_argument("--secret", action="append", default=[], metavar="KEY=VALUE", help="set secret config")
    parser.add_argument("operations", nargs="+", choices=("preview", "up", "refresh", "destroy", "outputs"))
    args = parser.parse_args(argv)
    stack = LocalStack(Project.load(args.project), args.stack, args.backend)
    print(f"stack {args.stack} of {stack.project.name}: {stack.mode}, CLI in {stack.cli}", file=sys.stderr)
    from pulumi.automation.errors import CommandError

    try:
        stack.set_config(_pairs(args.config), _pairs(args.secret))
        for operation in args.operations:
            if operation == "outputs":
                for name, value in stack.outputs().items():
                    print(f"    {name}: {value}")
            else:
                getattr(stack, operation)()
    except CommandError:
        # The CLI's own output, its diagnostics included, has already been streamed.
        print(f"pulumi {args.operations[0]} failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
