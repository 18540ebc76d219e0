"""The package says it has no provider plugin, in an editable install and in the wheel.

The Python language host (`listPulumiPackageInfos` and `packageDependencyFromPluginJSON` in
sdk/python/cmd/pulumi-language-python/main.go of pulumi/pulumi) takes every installed distribution named `pulumi-*`
for a provider SDK and asks the engine for its plugin, unless the distribution's top-level package folder holds a
`pulumi-plugin.json` with `"resource": false`. Without it `pulumi install` fails with "failed to download plugin:
telnyx-siprec-0.1.0". These tests look the file up in an installed environment the way the host does: the
distribution's name, its import package (dashes to underscores), that package's folders.
"""

from __future__ import annotations

import configparser
import email.parser
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from pulumi_telnyx_siprec import __version__

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "pulumi-telnyx-siprec"
DIST_ENV = "PULUMI_TELNYX_SIPREC_DIST"
PACKAGE = "pulumi_telnyx_siprec"

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


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path


def source_copy(dest: Path) -> Path:
    """The checkout's files as git lists them (tracked, and untracked but not ignored) copied to `dest`, or the
    checkout itself when it is not a git work tree.

    setuptools reads the SOURCES.txt an earlier build or `pip install -e` left in the checkout's egg-info and keeps
    shipping every file listed there that still exists, whatever the configuration now says; a copy has none.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=False)
    if listed.returncode != 0:
        return ROOT
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """The wheel and sdist `.ci/run` built (the folder in PULUMI_TELNYX_SIPREC_DIST), else ones built here from a
    copy of the checkout, as a release builds them: the sdist, then the wheel from it (about 10 s on 2 cores).

    Not a wheel built straight from the checkout: that reuses setuptools' build/lib, which keeps files since moved
    or deleted (pypa/setuptools#1871).
    """
    given = os.environ.get(DIST_ENV)
    if given:
        folder = Path(given)
    else:
        folder = tmp_path_factory.mktemp("dist")
        source = source_copy(tmp_path_factory.mktemp("source"))
        done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(folder), str(source)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    wheels, sdists = sorted(folder.glob(f"{PACKAGE}-*.whl")), sorted(folder.glob(f"{PACKAGE}-*.tar.gz"))
    assert len(wheels) == len(sdists) == 1, f"{folder} should hold one wheel and one sdist: {wheels + sdists}"
    return Dist(wheels[0], sdists[0])


@pytest.fixture(scope="module")
def wheel(dist: Dist) -> Path:
    return dist.wheel


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


# What the wheel and the sdist hold. The package's own files are found in the source tree, not listed here, so
# these tests follow modules and data files that move within the package.

NOT_SHIPPED = ("tests", "benchmarks", "tools", "examples", "docs")
# Every module, and the files the package reads at run time: the plugin's schema, the SIPp scenarios of the local
# SRS, pulumi-plugin.json (read by the Python language host) and py.typed (read by type checkers).
SHIPPED = ("*.py", "*.json", "*.xml", "py.typed")


def package_files(*patterns: str) -> list[str]:
    """Files of the package's source tree matching any of `patterns`, as paths from the checkout's root."""
    found = {path for pattern in patterns for path in (ROOT / PACKAGE).rglob(pattern)
             if path.is_file() and "__pycache__" not in path.parts}
    return sorted(path.relative_to(ROOT).as_posix() for path in found)


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def dist_info(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        [path] = [n for n in archive.namelist() if n.split("/")[0].endswith(".dist-info") and n.endswith("/" + name)]
        return archive.read(path).decode()


def test_the_wheel_holds_every_module_and_the_files_the_package_reads(wheel: Path) -> None:
    names = wheel_names(wheel)
    shipped = package_files(*SHIPPED)
    assert {f"{PACKAGE}/pulumi-plugin.json", f"{PACKAGE}/py.typed"} <= set(shipped)
    assert package_files("schema.json"), "the plugin's schema.json is not in the source tree"
    assert package_files("*.xml"), "the local SRS's SIPp scenarios are not in the source tree"
    assert [name for name in shipped if name not in names] == []


def test_the_wheel_holds_nothing_else(wheel: Path) -> None:
    names = wheel_names(wheel)
    assert {name.split("/")[0] for name in names} - {PACKAGE} == {f"{PACKAGE}-{__version__}.dist-info"}
    assert not [name for name in names if name.split("/")[0] in NOT_SHIPPED]
    # A file the source tree no longer has (a stale copy in setuptools' build/lib) would ship an old module.
    stale = [name for name in names if name.startswith(PACKAGE + "/") and not (ROOT / name).is_file()]
    assert stale == []


def test_the_wheel_installs_the_plugin_command(wheel: Path) -> None:
    entry_points = configparser.ConfigParser()
    entry_points.read_string(dist_info(wheel, "entry_points.txt"))
    target = entry_points["console_scripts"]["pulumi-resource-telnyx-siprec"]
    module, _, function = target.partition(":")
    assert function
    module_path = module.replace(".", "/")
    assert {f"{module_path}.py", f"{module_path}/__init__.py"} & wheel_names(wheel), target


def test_the_wheel_declares_its_license_and_carries_the_text(wheel: Path) -> None:
    metadata = email.parser.Parser().parsestr(dist_info(wheel, "METADATA"))
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert "Apache License" in dist_info(wheel, "licenses/LICENSE")


def test_the_wheel_and_the_sdist_have_the_package_version(dist: Dist) -> None:
    metadata = email.parser.Parser().parsestr(dist_info(dist.wheel, "METADATA"))
    assert (metadata["Name"], metadata["Version"]) == (DISTRIBUTION, __version__)
    assert dist.wheel.name.startswith(f"{PACKAGE}-{__version__}-")
    assert dist.sdist.name == f"{PACKAGE}-{__version__}.tar.gz"
    with tarfile.open(dist.sdist) as archive:
        member = archive.extractfile(f"{PACKAGE}-{__version__}/PKG-INFO")
        assert member is not None
        assert email.parser.Parser().parsestr(member.read().decode())["Version"] == __version__


def test_the_sdist_holds_the_project_files_and_the_package(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as archive:
        top = f"{PACKAGE}-{__version__}/"
        names = {name.removeprefix(top) for name in archive.getnames()}
    licenses = sorted(path.name for path in ROOT.glob("LICEN[CS]E*"))
    required = ["pyproject.toml", "README.md", "CHANGELOG.md", *licenses, *package_files(*SHIPPED)]
    assert [name for name in required if name not in names] == []
