"""The inputs of `habit distill`: which format a text is, captions mapped to lines, the client."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from habit.distill import TranscriptProblem, distill
from habit.distill_input import detect_format, read_turns

NOW = datetime(2026, 11, 19, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))
VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana Ruiz>What will you try this week?</v>\n\n"
    "00:00:03.500 --> 00:00:06.000\n<v Ben Cole>I'll walk for 20 minutes at 7am on weekdays.</v>\n\n"
    "00:00:06.500 --> 00:00:08.000\n<v Ana Ruiz>And on Fridays? Would you call someone?</v>\n\n"
    "00:00:08.500 --> 00:00:09.000\n<v Ben Cole>I'll call Kim on Fridays at 5pm.</v>\n"
)
SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\nAna: What will you try?\n\n"
    "2\n00:00:03,500 --> 00:00:06,000\nBen: I'll stretch for ten minutes\nevery morning at 7:30.\n"
)


@pytest.mark.parametrize(("text", "name", "want"), [
    (VTT, "call.txt", "vtt"), (SRT, "call.txt", "srt"), ("x", "call.vtt", "vtt"), ("x", "call.srt", "srt"),
    ("Patient: hi\n\nTherapist: hello\n", "s.txt", "turns"),
    ("Ana: one\nBen: two\nAna: three\nBen: four\n", "s.txt", "turns"),
    ("- walk at 7\n- Homework: read\n- Note: calm\n", "n.md", "notes"),
])
def test_the_format_is_worked_out(text, name, want):
    assert detect_format(text, name) == want


def test_vtt_voice_tags_give_turns_with_their_file_lines_and_the_client():
    fmt, turns = read_turns(VTT, fmt=None, name="call.vtt", label="call.vtt", client=None)
    assert fmt == "vtt"
    assert [(t.speaker, t.is_client, [n for n, _ in t.lines]) for t in turns] == [
        ("Ana Ruiz", False, [4]), ("Ben Cole", True, [7]),
        ("Ana Ruiz", False, [10]), ("Ben Cole", True, [13])]
    assert turns[1].lines[0][1] == "I'll walk for 20 minutes at 7am on weekdays."


def test_srt_names_in_the_text_and_a_cue_over_two_lines():
    draft = distill(SRT, source="call.srt", now=NOW)
    assert [(c.line, c.kind) for c in draft.commitments] == [(7, "focus_block")]
    assert draft.commitments[0].fields["schedule"]["at"] == "07:30"


def test_a_client_that_cannot_be_worked_out_is_asked_for_in_one_line():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hello\n\n00:00:02.000 --> 00:00:03.000\nBen: hi\n"
    with pytest.raises(TranscriptProblem) as err:
        distill(text, source="c.vtt", now=NOW)
    message = str(err.value)
    assert "Speakers seen: Ana, Ben" in message and "--client NAME" in message and "\n" not in message
    assert distill(text, source="c.vtt", now=NOW, client="ben").is_empty


def test_a_client_name_not_among_the_speakers_lists_them():
    with pytest.raises(TranscriptProblem, match="speakers found: Ana Ruiz, Ben Cole"):
        distill(VTT, source="c.vtt", now=NOW, client="Zoe")


def test_the_first_name_alone_chooses_the_client():
    draft = distill(VTT, source="c.vtt", now=NOW, client="Ana")
    assert draft.is_empty  # Ana only asks


def test_a_forced_format_is_used():
    draft = distill("Ana: I'll walk at 7am every day\n", source="x.txt", now=NOW, fmt="notes")
    assert [c.kind for c in draft.commitments] == ["tiny_step"]
