"""One version, stated in `_version.py`: every other place that names it agrees.

The wheel's and sdist's own metadata are checked in tests/test_packaging.py, and the plugin's GetPluginInfo
against the schema in tests/test_plugin.py.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path

import responses

import pulumi_telnyx_siprec
from pulumi_telnyx_siprec import __version__
from pulumi_telnyx_siprec.client.telnyx_client import TelnyxClient
from tests.support.samples import ACCOUNT_SID, API_KEY, CALL_SID, SIPREC_SID, STOP_PATH, stop_answer
from tools.codegen.package_schema import package_schema

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(pulumi_telnyx_siprec.__file__).parent
VERSION_FILE = PACKAGE / "_version.py"


def test_the_version_is_a_release_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?", __version__), __version__


def test_pyproject_reads_the_version_from_the_version_module() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    project = pyproject.split("\n[project]\n", 1)[1].split("\n[", 1)[0]
    assert re.search(r"^version\s*=", project, re.MULTILINE) is None, "pyproject.toml states a version of its own"
    assert re.search(r'^dynamic\s*=\s*\[[^]]*"version"', project, re.MULTILINE)
    assert 'version = { attr = "pulumi_telnyx_siprec._version.__version__" }' in pyproject


def test_the_installed_metadata_has_the_version() -> None:
    installed = importlib.metadata.version("pulumi-telnyx-siprec")
    assert installed == __version__, "the installed metadata is stale: run `pip install -e '.[dev]'` again"


def test_the_plugin_schema_and_its_checked_in_copy_have_the_version() -> None:
    assert package_schema()["version"] == __version__
    [checked_in] = PACKAGE.rglob("schema.json")
    assert json.loads(checked_in.read_text())["version"] == __version__


@responses.activate
def test_requests_name_the_version_in_their_user_agent() -> None:
    base = "https://api.telnyx.test/v2"
    url = base + STOP_PATH.removeprefix("/v2")
    responses.post(url, json=stop_answer())
    TelnyxClient(API_KEY, base).stop_siprec(ACCOUNT_SID, CALL_SID, SIPREC_SID)
    [call] = responses.calls
    assert call.request.headers["User-Agent"] == f"pulumi-telnyx-siprec/{__version__}"


def test_the_changelog_s_latest_release_is_the_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^]]+)\]", changelog, re.MULTILINE)
    assert headings[:1] == ["Unreleased"], "CHANGELOG.md starts with an `## [Unreleased]` section"
    assert headings[1:2] == [__version__], f"CHANGELOG.md's latest release section is not `## [{__version__}]`"


def test_no_other_package_file_states_the_version() -> None:
    literal = re.compile(rf"(?<![\w.]){re.escape(__version__)}(?![\w.])")
    stating = [path.relative_to(PACKAGE).as_posix() for path in sorted(PACKAGE.rglob("*"))
               if path.is_file() and path.suffix in {".py", ".json", ".txt", ".toml", ".yaml"}
               and path != VERSION_FILE and path.name != "schema.json" and literal.search(path.read_text())]
    assert stating == [], "import __version__ from _version.py instead of writing it out"
