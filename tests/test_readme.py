"""The README matches the code: its reference tables are the ones the code renders, its commands are CI's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.readme_tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("title", list(TABLES))
def test_reference_table_matches_the_code(title: str) -> None:
    match = re.search(rf"<!-- table: {re.escape(title)} -->\n(.*?)\n<!-- end table -->", README, re.DOTALL)
    regenerate = "run `python -m tests.support.readme_tables`"
    assert match, f"README has no `{title}` table; {regenerate}"
    assert match.group(1) == TABLES[title], f"README's `{title}` table is stale; {regenerate}"


def test_the_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "```sh\n.ci/run\n```" in README
    for step in ("ruff check .", "mypy --strict pulumi_telnyx_siprec", "python -m pytest"):
        assert step in ci, step
        assert step.split(" ", 1)[-1] in README, step
