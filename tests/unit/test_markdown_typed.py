"""The markdown review shows what was typed: rendered by markdown-it-py, the text reads back as typed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from habit.render import md_escape

markdown_it = pytest.importorskip("markdown_it")
# CommonMark plus the GFM parts people's viewers add: tables and ~~strikethrough~~.
MD = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
ACTING = {"em_open", "strong_open", "s_open", "link_open", "image", "html_inline", "html_block",
          "heading_open", "ordered_list_open", "code_block", "fence", "hr", "table_open"}


def visible(document: str) -> tuple[list[str], set[str]]:
    """The lines a reader sees, and which markdown constructs acted."""
    lines, acted, current = [], set(), []
    for token in MD.parse(document):
        acted |= {token.type} & ACTING
        if token.type == "paragraph_open" and current:
            lines.append("".join(current))
            current = []
        for child in token.children or ():
            acted |= {child.type} & ACTING
            if child.type in ("text", "code_inline"):
                current.append(child.content)
            elif child.type == "hardbreak":
                lines.append("".join(current))
                current = []
            elif child.type == "softbreak":
                current.append(" ")
    lines.append("".join(current))
    return [_norm(x) for x in lines if _norm(x)], acted


def _norm(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def typed(text: str) -> list[str]:
    return [_norm(x) for x in text.split("\n") if _norm(x)]


def check(text: str) -> None:
    for document in (f"- Mon 09:00: {md_escape(text)}\n",
                     f"- Mon 09:00 with Sam\n  > {md_escape(text, indent='  > ')}\n"):
        lines, acted = visible(document)
        got = lines[1:] if "with Sam" in document else lines
        want = typed(text)
        if "with Sam" not in document:
            want = [f"Mon 09:00: {want[0]}", *want[1:]] if want else ["Mon 09:00:"]
        assert got == want, document
        assert not acted, (acted, document)


@pytest.mark.parametrize("text", [
    "1. starts like a list",
    "I typed &amp; and &lt;b&gt; on purpose",
    "~~strike~~ stays as typed",
    "first line of the reflection\nsecond line of it",
    "# not a heading\n- not a list\n+ nor this\n2) nor this\n===\n---",
    "*stars* _under_ `ticks` <b>html</b> [link](http://x) ![img](y) a|b \\ ends \\",
    "paragraph one\n\nparagraph two",
])
def test_the_issues_examples_read_as_typed(text):
    check(text)


PRINTABLE = st.text(st.sampled_from("ab 1.)#*_-+=~&;<>|`[]()!\\:\n\t") | st.characters(
    whitelist_categories=("L", "N", "P", "S", "Zs")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(PRINTABLE)
def test_any_typed_text_reads_back_as_typed(text):
    check(text)
