"""The package says it has no provider plugin, in an editable install and in the wheel.

The Python language host (`listPulumiPackageInfos` and `packageDependencyFromPluginJSON` in
sdk/python/cmd/pulumi-language-python/main.go of pulumi/pulumi) takes every installed distribution named `pulumi-*`
for a provider SDK and asks the engine for its plugin, unless the distribution's top-level package folder holds a
`pulumi-plugin.json` with `"resource": false`. Without it `pulumi install` fails with "failed to download plugin:
telnyx-siprec-0.1.0". These tests look the file up in an installed environment the way the host does: the
distribution's name, its import package (dashes to underscores), that package's folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "pulumi-telnyx-siprec"

FIND_PLUGIN_JSON = """
import importlib.metadata, importlib.util, json, pathlib, sys
dist = importlib.metadata.distribution(sys.argv[1])
spec = importlib.util.find_spec(dist.metadata["Name"].replace("-", "_"))
folders = list(spec.submodule_search_locations or []) if spec else []
found = [pathlib.Path(f) / "pulumi-plugin.json" for f in folders if (pathlib.Path(f) / "pulumi-plugin.json").is_file()]
print(json.dumps({"version": dist.version, "plugin_json": json.loads(found[0].read_text()) if found else None}))
"""


def lookup(python: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run([python, "-c", FIND_PLUGIN_JSON, DISTRIBUTION], check=True, capture_output=True,
                          text=True, env=env)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_editable_install_declares_no_plugin() -> None:
    assert lookup(sys.executable)["plugin_json"] == {"resource": False}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(out), str(ROOT)], check=True)
    [built] = out.glob("pulumi_telnyx_siprec-*.whl")
    return built


def test_the_wheel_ships_the_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert json.loads(archive.read("pulumi_telnyx_siprec/pulumi-plugin.json")) == {"resource": False}


def test_an_install_of_the_wheel_declares_no_plugin(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONNOUSERSITE": "1"}
    # -I would drop PYTHONPATH; -S keeps the checkout's editable install out of sight.
    result = subprocess.run([sys.executable, "-S", "-c", FIND_PLUGIN_JSON, DISTRIBUTION], check=True,
                            capture_output=True, text=True, env=env)
    found = json.loads(result.stdout)
    assert found["plugin_json"] == {"resource": False}
