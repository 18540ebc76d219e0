"""The hand-written docs stay true to the repository: every relative link resolves (to a file, and to a heading when
it names one), every `python -m` in their code names a module that can run as a script, every repository script
they name exists (and is executable where they run it), every page is linked from another, and the README stays a
landing page. The generated tables inside them are checked by tests/test_generated.py."""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent


def doc_paths() -> list[str]:
    """Every Markdown file a reader is sent to, relative to the repository root."""
    docs = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md"))
    return ["README.md", "CHANGELOG.md", "benchmarks/README.md", *docs]


DOCS = doc_paths()

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<lang>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)", re.S)
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.+?)[ \t#]*$", re.M)
SHELL = {"sh", "bash", "shell", "console"}
# `python -m X`, `python3 -m X`, `.venv/bin/python -u -m X`.
PYTHON_M = re.compile(r"(?<![\w-])python3?(?:\s+-[A-Za-z]+)*\s+-m\s+(?P<module>[A-Za-z_][\w.]*)")
# A path into the repository's scripts and examples, as the docs write them (from the repository root).
PATH = r"(?P<path>(?:\.ci|examples|benchmarks|tools)/[\w.*/-]*)"
SCRIPT_PATH = re.compile(r"(?<![\w.$/~-])" + PATH)
# Where a shell line runs a command: its start, or after `$(`, `&&`, `||`, `;`, `|`, `&` (and a `$ ` prompt).
COMMAND_START = re.compile(r"(?:^|\$\(|&&|\|\||;|\||&)[ \t]*(?:\$[ \t]+)?" + PATH, re.M)
# What .ci/run writes; the docs name these folders, a clean checkout has none.
BUILD_OUTPUTS = (".ci/dist", ".ci/logs")


@dataclass(frozen=True)
class Code:
    """A piece of code in a Markdown file: a fenced block (with its language) or an inline code span."""

    text: str
    shell: bool
    span: bool


@cache
def text_of(doc: str) -> str:
    return (ROOT / doc).read_text(encoding="utf-8")


def without_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return "\n" * text[: end + 5].count("\n") + text[end + 5:]
    return text


def split_code(doc: str) -> tuple[str, list[Code]]:
    """The file's prose (code spans and fenced blocks blanked out) and its code."""
    text = without_front_matter(text_of(doc))
    code: list[Code] = []

    def fenced(match: re.Match[str]) -> str:
        lang = match["lang"].strip().split(" ")[0].lower()
        code.append(Code(match["body"], shell=lang in SHELL, span=False))
        return "\n" * match[0].count("\n")

    def inline(match: re.Match[str]) -> str:
        code.append(Code(match["code"].strip(), shell=False, span=True))
        return " " * len(match[0])

    prose = CODE_SPAN.sub(inline, FENCE.sub(fenced, text))
    return prose, code


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = LINK.sub(lambda m: m[0][1:m[0].index("](")], heading)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


@cache
def anchors(doc: str) -> frozenset[str]:
    # Headings are read from the text with fenced blocks removed but code spans kept (they are part of the title).
    text = FENCE.sub(lambda m: "\n" * m[0].count("\n"), without_front_matter(text_of(doc)))
    seen: dict[str, int] = {}
    found = set()
    for match in HEADING.finditer(text):
        base = slug(match["text"])
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def relative_links(doc: str) -> Iterator[str]:
    prose, _ = split_code(doc)
    for match in LINK.finditer(prose):
        target = match["target"]
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target):  # not http:, https:, mailto:
            yield target


def link_problem(doc: str, target: str) -> str | None:
    """Why a relative link from `doc` does not resolve, or None."""
    path, _, anchor = target.partition("#")
    resolved = (ROOT / doc).parent / path if path else ROOT / doc
    if not resolved.exists():
        return f"{doc}: link {target} points at {path}, which does not exist"
    relative = resolved.resolve().relative_to(ROOT).as_posix()
    if anchor and resolved.suffix == ".md" and anchor not in anchors(relative):
        return f"{doc}: link {target}: {relative} has no heading with the anchor #{anchor}"
    return None


@pytest.mark.parametrize("doc", DOCS)
def test_every_relative_link_resolves(doc: str) -> None:
    problems = [problem for target in relative_links(doc) if (problem := link_problem(doc, target))]
    assert not problems, "\n".join(problems)


def runnable_module(module: str) -> bool:
    """Whether `python -m module` can run it: a package with a `__main__`, or a module file. Imports its parent
    packages (as find_spec does), never the module itself."""
    try:
        spec = importlib.util.find_spec(module)
        if spec is None:
            return False
        if spec.submodule_search_locations is not None:  # a package: it runs its __main__
            return importlib.util.find_spec(f"{module}.__main__") is not None
    except (ImportError, ValueError):
        return False
    return True


def python_modules(doc: str) -> set[str]:
    _, code = split_code(doc)
    return {match["module"] for piece in code for match in PYTHON_M.finditer(piece.text)}


@pytest.mark.parametrize("doc", DOCS)
def test_every_python_m_names_a_module_that_runs(doc: str) -> None:
    missing = sorted(module for module in python_modules(doc) if not runnable_module(module))
    assert not missing, f"{doc}: `python -m` of modules that cannot run: {missing}"


def script_paths(doc: str) -> tuple[set[str], set[str]]:
    """The repository paths `doc` names in its code, and those among them it runs as commands."""
    _, code = split_code(doc)
    named: set[str] = set()
    run: set[str] = set()
    for piece in code:
        paths = {m["path"].rstrip(".,:;") for m in SCRIPT_PATH.finditer(piece.text)}
        named |= paths
        if piece.shell:
            run |= {m["path"].rstrip(".,:;") for m in COMMAND_START.finditer(piece.text)}
        elif piece.span:
            words = piece.text.split()
            first = words[0].rstrip(".,:;") if words else ""
            # `tools/pulumi-cli [--yaml]` runs it; `tools/stack.py`, `examples/ci/release.yml` or a folder alone only
            # names it.
            if first in paths and (len(words) > 1 or not (Path(first).suffix or (ROOT / first).is_dir())):
                run.add(first)
    return named, run


def existing(path: str) -> list[Path]:
    """The files or folders a path (or a pattern such as `examples/*/run`) names."""
    if "*" in path:
        return sorted(ROOT.glob(path))
    return [ROOT / path] if (ROOT / path).exists() else []


@pytest.mark.parametrize("doc", DOCS)
def test_every_script_the_docs_name_exists_and_runs(doc: str) -> None:
    named, run = script_paths(doc)
    named = {p for p in named if not p.startswith(BUILD_OUTPUTS)}
    run &= named
    missing = sorted(p for p in named if not existing(p))
    assert not missing, f"{doc} names paths that do not exist: {missing}"
    not_executable = sorted(p for p in run if any(not (f.is_file() and os.access(f, os.X_OK)) for f in existing(p)))
    assert not not_executable, f"{doc} runs these as commands, but they are not executable files: {not_executable}"


def test_every_page_is_linked_from_another() -> None:
    linked = set()
    for doc in DOCS:
        for target in relative_links(doc):
            path = target.partition("#")[0]
            if path:
                resolved = ((ROOT / doc).parent / path).resolve()
                if resolved.is_relative_to(ROOT):
                    linked.add(resolved.relative_to(ROOT).as_posix())
    orphans = sorted(doc for doc in DOCS if doc != "README.md" and doc not in linked)
    assert not orphans, f"no page links to {orphans}"


def test_the_readme_is_a_landing_page() -> None:
    lines = text_of("README.md").count("\n")
    assert lines <= 300, f"README.md has {lines} lines; move reference into docs/"


@pytest.mark.parametrize("page", ["docs/_index.md", "docs/installation-configuration.md"])
def test_the_registry_pages_have_their_front_matter(page: str) -> None:
    text = text_of(page)
    assert text.startswith("---\n"), f"{page} needs front matter"
    front = yaml.safe_load(text[4:text.index("\n---\n", 4)])
    assert set(front) >= {"title", "meta_desc", "layout"}
    assert front["layout"] == "package"


def test_the_test_call_config_table_matches_its_pulumi_yaml() -> None:
    config = yaml.safe_load((ROOT / "examples" / "test-call" / "Pulumi.yaml").read_text())["config"]
    rows = [line.split("|") for line in text_of("docs/guides/test-call.md").splitlines() if line.startswith("| `")]
    documented = {row[1].strip().strip("`"): row[2].strip() for row in rows}
    assert set(documented) == set(config) | {"statusCallback"}, "statusCallback is read by the program, not declared"
    for key, declared in config.items():
        default = declared.get("default")
        if default is None:
            assert documented[key].startswith("none"), key
        else:
            shown = str(default).lower() if isinstance(default, bool) else str(default)
            assert documented[key] == f"`{shown}`", key


# The checks above must be able to fail: each is shown a broken example.

def test_a_broken_link_or_anchor_is_reported() -> None:
    assert link_problem("README.md", "docs/no-such-page.md") is not None
    assert link_problem("README.md", "docs/troubleshooting.md#no-such-heading") is not None
    assert link_problem("README.md", "docs/troubleshooting.md#interrupted-up") is None
    assert link_problem("docs/guides/operations.md", "../resources/texml-call.md#outputs") is None


def test_a_module_that_cannot_run_is_reported() -> None:
    assert runnable_module("tools.codegen")  # a package with __main__
    assert runnable_module("benchmarks.engine")  # a module file
    assert runnable_module("venv")
    assert not runnable_module("tools")  # a package without __main__
    assert not runnable_module("tests.support.readme_tables")
    assert not runnable_module("no_such_package.module")


def test_slugs_are_githubs() -> None:
    assert slug("How it runs under Pulumi") == "how-it-runs-under-pulumi"
    assert slug("Interrupted `up`") == "interrupted-up"
    assert slug("8. What Telnyx sends to the SRS") == "8-what-telnyx-sends-to-the-srs"
    assert slug("The engine: `pulumi up`, `refresh` and `destroy`") == "the-engine-pulumi-up-refresh-and-destroy"
