"""Counts said in words: singular for exactly one, never "(s)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.plurals import count

BRACKETED_S = re.compile(r"\b(?!https?\()\w+\(s\)")


@pytest.mark.parametrize(
    ("number", "noun", "said"),
    [
        (1, "manual action", "1 manual action"),
        (0, "manual action", "0 manual actions"),
        (3, "access ending", "3 access endings"),
        (1_250, "group", "1,250 groups"),
        (2, "person", "2 people"),
        (2, "box", "2 boxes"),
    ],
)
def test_counts_are_said_with_the_right_plural(number, noun, said):
    assert count(number, noun) == said


def test_no_template_or_module_counts_with_s_in_brackets():
    root = Path(__file__).resolve().parents[1]
    files = [*root.glob("templates/**/*.html"), *root.glob("dashboard/**/*.py")]
    said = [
        f"{path.relative_to(root)}: {found}"
        for path in files
        if "emulator" not in path.parts
        for found in BRACKETED_S.findall(path.read_text())
    ]
    assert said == []
