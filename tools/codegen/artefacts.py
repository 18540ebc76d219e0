"""Every generated artefact: whole files (the Python classes, the package schema, the resource pages) and tables
inside hand-written files (between `<!-- table: NAME -->` and `<!-- end table -->`), with how to render each."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pulumi_telnyx_siprec.configuration.settings import PLUGIN_SETTINGS
from pulumi_telnyx_siprec.resources.registry import SPECS

from . import docs_pages, figures, native_classes, package_schema, python_classes

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class GeneratedFile:
    """A file generated whole."""

    path: str
    render: Callable[[], str]


@dataclass(frozen=True)
class GeneratedTable:
    """A table inside a hand-written file, between its markers."""

    path: str
    title: str
    render: Callable[[], str]


def _files() -> list[GeneratedFile]:
    files = [
        GeneratedFile("pulumi_telnyx_siprec/__init__.py", lambda: python_classes.render_package_init(SPECS)),
        GeneratedFile(package_schema.SCHEMA_PATH, package_schema.render),
        GeneratedFile(native_classes.INIT_PATH, lambda: native_classes.render_init(SPECS)),
        GeneratedFile(native_classes.PROVIDER_PATH, lambda: native_classes.render_provider(PLUGIN_SETTINGS)),
    ]
    for spec in SPECS:
        files.append(GeneratedFile(python_classes.module_path(spec),
                                   lambda spec=spec: python_classes.render_module(spec)))  # type: ignore[misc]
        files.append(GeneratedFile(native_classes.module_path(spec),
                                   lambda spec=spec: native_classes.render_module(spec)))  # type: ignore[misc]
        files.append(GeneratedFile(docs_pages.page_path(spec),
                                   lambda spec=spec: docs_pages.resource_page(spec)))  # type: ignore[misc]
    return files


FILES = _files()
BENCHMARKS = "benchmarks/README.md"
TABLES = [
    GeneratedTable("README.md", "resources", lambda: docs_pages.resources_table("docs/")),
    GeneratedTable("docs/_index.md", "resources", lambda: docs_pages.resources_table("")),
    GeneratedTable("docs/installation-configuration.md", "settings", docs_pages.settings_table),
    GeneratedTable("docs/reliability.md", "reliability", figures.reliability_table),
    GeneratedTable(BENCHMARKS, "benchmarks", figures.benchmark_table),
    GeneratedTable(BENCHMARKS, "benchmark profile", figures.profile_table),
    GeneratedTable(BENCHMARKS, "engine benchmarks", lambda: figures.benchmark_table(figures.ENGINE_RESULTS)),
    GeneratedTable(BENCHMARKS, "engine benchmark diagnostics", figures.engine_diagnostics_table),
    GeneratedTable(BENCHMARKS, "python families", figures.python_families_table),
    GeneratedTable(BENCHMARKS, "python families scaling", figures.python_families_scaling_table),
    GeneratedTable(BENCHMARKS, "python families state", figures.python_families_state_table),
    GeneratedTable(BENCHMARKS, "python families diagnostics",
                   lambda: figures.engine_diagnostics_table(figures.PYTHON_FAMILIES_RESULTS)),
    GeneratedTable("README.md", "python families", figures.python_families_summary),
    GeneratedTable(BENCHMARKS, "SIP benchmark", figures.sip_table),
    GeneratedTable(BENCHMARKS, "HTTP client benchmark", figures.http_clients_table),
]


def table_pattern(title: str) -> re.Pattern[str]:
    """Matches one generated table between its markers; group 1 is the table."""
    return re.compile(rf"<!-- table: {re.escape(title)} -->\n((?:(?!<!-- ).*\n)*?)<!-- end table -->")


def _with_table(text: str, table: GeneratedTable) -> str:
    block = f"<!-- table: {table.title} -->\n{table.render()}\n<!-- end table -->"
    new, count = table_pattern(table.title).subn(lambda _match: block, text)
    if count != 1:
        raise ValueError(f"{table.path} needs exactly one `<!-- table: {table.title} -->` section, found {count}")
    return new


def expected() -> dict[str, str]:
    """Every generated path and the content it should have now."""
    contents = {f.path: f.render() for f in FILES}
    for table in TABLES:
        if table.path not in contents:
            contents[table.path] = (ROOT / table.path).read_text(encoding="utf-8")
        contents[table.path] = _with_table(contents[table.path], table)
    return contents


def stale() -> list[str]:
    """The generated paths whose content on disk differs from what the specs and results render."""
    return [path for path, text in expected().items()
            if not (ROOT / path).is_file() or (ROOT / path).read_text(encoding="utf-8") != text]


def write() -> list[str]:
    """Writes every stale artefact; returns their paths."""
    changed = stale()
    contents = expected()
    for path in changed:
        target = ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(contents[path], encoding="utf-8")
    return changed
