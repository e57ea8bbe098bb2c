"""`habit distill`: a transcript in, a draft plan (or a readable table) out; calm one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from habit.plans import load_plan

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_0b58a16c2af9e31f.txt"
DATA = ROOT / "tests" / "data"


def test_stdout_is_a_draft_plan_that_the_plan_checker_accepts(habit, tmp_path):
    result = habit("distill", str(SEED))
    draft = tmp_path / "draft.toml"
    draft.write_text(result.stdout, encoding="utf-8")
    plan = load_plan(draft)
    assert [(c.source.line, c.kind) for c in plan.commitments] == [
        (37, "start_ritual"), (37, "focus_block"), (37, "wins_log"), (117, "peer_check")]
    checked = habit("plan", "check", str(draft))
    assert checked.stdout.startswith(f"ok: {draft}")


def test_output_file_then_plan_add_activates_the_draft(habit, tmp_path):
    draft = tmp_path / "draft.toml"
    result = habit("distill", str(DATA / "custom_speakers.txt"), "--client", "Sam", "-o", str(draft))
    assert result.stdout == ""
    assert f"Wrote a draft with 3 commitments to {draft}" in result.stderr
    added = habit("plan", "add", str(draft))
    assert "Activated draft-custom-speakers (3 commitments)" in added.stdout
    listed = habit("plan", "list")
    assert "draft-custom-speakers" in listed.stdout


def test_an_existing_output_file_is_kept_unless_forced(habit, tmp_path):
    draft = tmp_path / "draft.toml"
    draft.write_text("# my own notes\n", encoding="utf-8")
    result = habit("distill", str(SEED), "-o", str(draft), ok=False)
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert draft.read_text(encoding="utf-8") == "# my own notes\n"
    habit("distill", str(SEED), "-o", str(draft), "--force")
    assert load_plan(draft).commitments


def test_table_format_is_a_readable_summary(habit):
    result = habit("distill", str(SEED), "--table")
    out = result.stdout
    assert out.startswith("Draft from 000_0b58a16c2af9e31f.txt: 4 commitments to check")
    assert "start-ritual-5-min — 5-minute start ritual" in out
    assert "when:  after start-ritual-5-min" in out
    assert "line 117: “I’ll try setting that up tomorrow”" in out
    assert "[[commitment]]" not in out


def test_standard_input_with_a_dash(habit):
    text = "Client: I'll write one line in my wins log after lunch every day.\n\nCoach: Good.\n"
    result = habit("distill", "-", input=text)
    assert 'kind = "wins_log"' in result.stdout
    assert 'file = "stdin"' in result.stdout
    assert 'at = "13:30"' in result.stdout


def test_no_commitment_gives_an_empty_draft_and_a_kind_message(habit, tmp_path):
    result = habit("distill", str(DATA / "no_commitment.txt"))
    assert "[[commitment]]" not in result.stdout
    assert "No commitments found" in result.stderr
    assert "That is fine" in result.stderr
    draft = tmp_path / "empty.toml"
    draft.write_text(result.stdout, encoding="utf-8")
    assert load_plan(draft).commitments == ()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "x.bin", b"\x00\x01\x02binary"), "binary file"),
        (lambda d: _write(d / "empty.txt", b""), "is empty"),
        (lambda d: _write(d / "call.vtt", b"not a caption file\n"), "is not valid WebVTT"),
        (lambda d: _write(d / "call.srt", b"1\nno timing here\n"), "is not valid SRT"),
    ],
)
def test_bad_inputs_get_one_calm_line_and_a_non_zero_exit(habit, tmp_path, make, message):
    result = habit("distill", str(make(tmp_path)), ok=False)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("habit: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_client_name_lists_the_speakers(habit):
    result = habit("distill", str(SEED), "--client", "Morgan", ok=False)
    assert result.exit_code == 2
    assert "no turns by 'Morgan'" in result.stderr
    assert "speakers found: Patient, Therapist" in result.stderr


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_activate_checks_and_activates_the_draft_in_one_step(habit, tmp_path):
    notes = DATA / "notes" / "01_bullets_homework.md"
    result = habit("distill", str(notes), "--activate")
    assert result.stdout.startswith("Activated draft-01-bullets-homework (5 commitments).")
    assert "draft-01-bullets-homework" in habit("plan", "list").stdout
    copy = tmp_path / "same-notes.md"
    copy.write_text(notes.read_text(encoding="utf-8"), encoding="utf-8")
    clash = habit("distill", str(copy), "--activate", ok=False)  # the same commitment ids
    assert clash.exit_code != 0
    lines = clash.stderr.strip().splitlines()
    assert len(lines) == 1 and "draft-01-bullets-homework" in lines[0] and "nothing was changed" in lines[0]
    assert "draft-same-notes" not in habit("plan", "list").stdout


def test_activate_refuses_an_empty_draft(habit):
    result = habit("distill", str(DATA / "no_commitment.txt"), "--activate", ok=False)
    assert result.exit_code == 2
    assert "nothing to activate" in result.stderr
    assert "draft-no-commitment" not in habit("plan", "list").stdout


def test_a_caption_file_with_named_speakers(habit):
    result = habit("distill", str(DATA / "notes" / "22_teams_voices.vtt"), "--table")
    assert "line 13: “I'm going to do a 5-minute start ritual at 8:30 on weekdays”" in result.stdout
    assert "when:  after start-ritual-5-min" in result.stdout
