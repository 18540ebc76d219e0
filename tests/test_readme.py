"""The README matches the code: its reference tables are the ones the code renders, its commands are CI's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.readme_tables import TABLES, table_pattern

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("title", list(TABLES))
def test_reference_table_matches_the_code(title: str) -> None:
    match = table_pattern(title).search(README)
    regenerate = "run `python -m tests.support.readme_tables --write`"
    assert match, f"README has no `{title}` table; {regenerate}"
    assert match.group(1) == TABLES[title], f"README's `{title}` table is stale; {regenerate}"


def test_the_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "```sh\n.ci/run\n```" in README
    for step in ("ruff check .", "mypy --strict pulumi_telnyx_siprec", "python -m pytest"):
        assert step in ci, step
        assert step.split(" ", 1)[-1] in README, step
