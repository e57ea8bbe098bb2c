"""Checking the words a user types before they are saved. Pure; no I/O, no heavy imports.

Decisions (documented in docs/readme/logging.md):
- Surrounding whitespace is trimmed; what is left is stored exactly as typed (emoji, accents,
  zero-width characters and tabs included).
- Empty text is refused where the log needs words; optional notes may be left out.
- Control characters (escape sequences, NUL, bell, ...) are refused with a clear line: stored, they
  could repaint or garble the terminal whenever `habit history` prints them later. Tab is allowed.
- Line breaks: a wins line, a proud thing, a step, a peer note or reply is one line, so a line break
  inside it is refused (a single trailing one, as from a pasted line, is trimmed). A reflection or a
  note may span lines; "\\r\\n" is stored as "\\n".
- Text longer than MAX_CHARS is refused with the limit in the message; nothing is cut silently.
"""

from __future__ import annotations

import unicodedata

from habit.errors import UsageProblem

MAX_CHARS = 2_000  # about a page; a one-line log is rarely over 200
MULTILINE_KINDS = frozenset({"reflection", "note"})
_ALLOWED_CONTROLS = {"\t"}
# Characters that reorder or break what a terminal shows: bidi embeddings/overrides/isolates and the
# Unicode line and paragraph separators. Refused in stored text, escaped in messages.
UNSAFE_FORMAT = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


class TextProblem(UsageProblem):
    """Text that cannot be saved as given; nothing was saved."""


def clean_text(raw: str | None, *, what: str = "text", required: bool = True,
               multiline: bool = False) -> str:
    """Return the text to store, or raise TextProblem with one line saying what to change.

    `what` names the field in messages ("the win", "the reply").
    """
    full = (raw or "").replace("\r\n", "\n")
    text = full.strip()
    # str.strip() also drops the separators \x1c-\x1f and \x85: control characters, refused like
    # any other rather than trimmed away unseen.
    edges = full[: len(full) - len(full.lstrip())] + full[len(full.rstrip()):]
    for char in edges:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r\x0b\x0c":
            raise TextProblem(
                f"{what} has a control character ({_describe(char)}). "
                "Nothing was saved; retype it without that character."
            )
    if not text:
        if required:
            raise TextProblem(f"{what} is empty; nothing was saved. Write a few words.")
        return ""
    if len(text) > MAX_CHARS:
        raise TextProblem(
            f"{what} is {len(text):,} characters; the limit is {MAX_CHARS:,}. "
            "Nothing was saved. Shorten it, or keep the long version in a file and log a line about it."
        )
    for index, char in enumerate(text):
        if char == "\n":
            if multiline:
                continue
            raise TextProblem(
                f"{what} has more than one line; a log here is one line. Nothing was saved. "
                "Join the lines, or use `habit reflect` for longer words."
            )
        category = unicodedata.category(char)
        if category == "Cs":
            raise TextProblem(
                f"{what} has bytes that are not valid text (UTF-8) at character {index + 1}. "
                "Nothing was saved; retype it or check the terminal's encoding."
            )
        if category == "Cc" and char not in _ALLOWED_CONTROLS or char == "\r":
            raise TextProblem(
                f"{what} has a control character ({_describe(char)}) at character {index + 1}. "
                "Nothing was saved; retype it without that character."
            )
    return text


def clean_optional(raw: str | None, *, what: str, multiline: bool = False) -> str | None:
    """Like clean_text for optional fields (peer name, reply): empty becomes None."""
    text = clean_text(raw, what=what, required=False, multiline=multiline)
    return text or None


def one_line(text: str) -> str:
    """Text safe to show on one line of a message: line breaks become spaces, and control,
    bidi-override and line/paragraph-separator characters are shown as escapes (\\x07, \\u202e)."""
    out = []
    for char in " ".join(text.split()):
        if _is_unsafe(char):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs") or char in UNSAFE_FORMAT


def is_multiline_kind(kind: str) -> bool:
    return kind in MULTILINE_KINDS


def _describe(char: str) -> str:
    names = {"\x1b": "escape", "\x00": "NUL", "\x07": "bell", "\x08": "backspace", "\r": "carriage return",
             "\x7f": "delete"}
    return names.get(char, f"U+{ord(char):04X}")
