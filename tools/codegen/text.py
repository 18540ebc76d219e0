"""Text helpers for generated Python and Markdown: wrapped docstrings and safe table cells."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

LINE_LENGTH = 120

Paragraph = str | Sequence[str]
"""A paragraph to reflow, or a list of entries (e.g. `:param` lines) each wrapped on its own."""


def docstring(text: Paragraph | Sequence[Paragraph], indent: str) -> list[str]:
    """A triple-quoted docstring wrapped at the project's line length. A string's blank lines separate paragraphs;
    a list holds paragraphs, each a string or a list of entries whose continuation lines are indented."""
    paragraphs: list[Paragraph] = (
        [p for p in text.strip().split("\n\n")] if isinstance(text, str) else list(text)
    )
    width = LINE_LENGTH - len(indent)
    body: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            body.append("")
        entries = [paragraph] if isinstance(paragraph, str) else list(paragraph)
        for entry in entries:
            opener = '"""' if not body else ""
            body += textwrap.wrap(" ".join(entry.split()), width, initial_indent=opener,
                                  subsequent_indent="" if isinstance(paragraph, str) else "    ",
                                  break_long_words=False, break_on_hyphens=False)
    lines = [indent + line if line else "" for line in body]
    if len(lines) == 1 and len(lines[0]) + 3 <= LINE_LENGTH:
        return [lines[0] + '"""']
    return [*lines, indent + '"""']


def cell(text: str) -> str:
    """`text` as one Markdown table cell: on one line, with its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
