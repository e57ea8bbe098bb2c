"""habit.logs and habit.text: the quick-log domain, over a real store and a fake clock."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from habit import logs
from habit.clock import FakeClock
from habit.errors import NotFound, UsageProblem
from habit.plans import builtin_plans_dir, load_plan, plan_files
from habit.text import MAX_CHARS, TextProblem, clean_text
from habit.weeks import IsoWeek

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 19, 14, 0, tzinfo=BERLIN).astimezone(UTC)  # Thu, 2026-W47


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def shipped_commitments():
    return [c for path in plan_files(builtin_plans_dir()) for c in load_plan(path).commitments]


# ---------------------------------------------------------------- the module stays light


def test_importing_logs_loads_no_database_code():
    probe = "import habit.logs, habit.text, habit.exchange, sys; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in out.stdout.split()}
    assert not loaded & {"sqlalchemy", "sqlmodel", "pydantic"}


def test_every_entry_kind_has_its_words():
    assert set(logs.KIND_WORDS) == set(logs.ENTRY_KINDS)


# ---------------------------------------------------------------- --at


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-18 21:30", at(2026, 11, 18, 21, 30)),
        ("13:30", at(2026, 11, 19, 13, 30)),
        ("9:05", at(2026, 11, 19, 9, 5)),
        ("yesterday 21:30", at(2026, 11, 18, 21, 30)),
        ("Yesterday  23:59", at(2026, 11, 18, 23, 59)),
        ("today 08:00", at(2026, 11, 19, 8, 0)),
        ("2026-11-18T21:30+01:00", datetime(2026, 11, 18, 20, 30, tzinfo=UTC)),
        ("2026-11-18T20:30Z", datetime(2026, 11, 18, 20, 30, tzinfo=UTC)),
        ("2026-11-18T21:30:15-05:00", datetime(2026, 11, 19, 2, 30, 15, tzinfo=UTC)),
        ("now", NOW),
    ],
)
def test_parse_at_forms(text, expected):
    got = logs.parse_at(text, now=NOW, tz=BERLIN)
    assert got == expected
    assert got.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("21:30", "still ahead"),
        ("2026-11-20 10:00", "in the future"),
        ("2027-01-01T00:00+00:00", "in the future"),
        ("tomorrow 10:00", "not a time"),
        ("2026-11-18", "needs a time"),
        ("yesterday", "needs a time"),
        ("25:00", "not a time of day"),
        ("last tuesday", "not a time"),
        ("0001-01-01 00:30", "from 1970 on"),
        ("1969-12-31T22:59Z", "1969-12-31 is before 1970"),  # 23:59 on New Year's Eve in Berlin
        ("1969-12-31 23:59", "1969-12-31 is before 1970"),
        ("", "not a time"),
    ],
)
def test_parse_at_refuses_with_one_line(text, message):
    with pytest.raises(logs.TimeProblem, match=message) as err:
        logs.parse_at(text, now=NOW, tz=BERLIN)
    assert "\n" not in str(err.value)


def test_1970_is_the_local_date_typed():
    assert logs.parse_at("1970-01-01 00:00", now=NOW, tz=BERLIN) == datetime(1969, 12, 31, 23, 0, tzinfo=UTC)


def test_a_minute_ahead_is_still_now():
    assert logs.parse_at("14:01", now=NOW, tz=BERLIN) == at(2026, 11, 19, 14, 1)


def test_yesterday_across_the_spring_change():
    now = datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN)  # clocks went forward at 02:00 today
    assert logs.parse_at("yesterday 23:30", now=now, tz=BERLIN) == datetime(2026, 3, 28, 22, 30, tzinfo=UTC)
    assert logs.parse_at("01:30", now=now, tz=BERLIN) == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert logs.parse_at("03:30", now=now, tz=BERLIN) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", at(2026, 11, 19, 0, 0)),
        ("yesterday", at(2026, 11, 18, 0, 0)),
        ("7d", at(2026, 11, 12, 0, 0)),
        ("2026-11-01", at(2026, 11, 1, 0, 0)),
        ("2026-W46", at(2026, 11, 9, 0, 0)),
    ],
)
def test_parse_since(text, expected):
    assert logs.parse_since(text, now=NOW, tz=BERLIN) == expected


def test_parse_since_far_back_means_everything():
    assert logs.parse_since("0001-01-01", now=NOW, tz=BERLIN) == logs.EARLIEST
    assert logs.parse_since("9999d", now=NOW, tz=BERLIN) == at(1999, 7, 5, 0, 0)  # 9,999 days before


@pytest.mark.parametrize("text", ["2026-12-01", "2026-W50", "someday"])
def test_parse_since_refuses(text):
    with pytest.raises(UsageProblem):
        logs.parse_since(text, now=NOW, tz=BERLIN)


def test_parse_kinds():
    assert logs.parse_kinds("win") == ("win",)
    assert logs.parse_kinds("wins, Proud,win") == ("win", "proud")
    assert logs.parse_kinds(None) is None
    with pytest.raises(UsageProblem, match="'feelings' is not a kind"):
        logs.parse_kinds("feelings")


# ---------------------------------------------------------------- text


def test_text_is_trimmed_and_otherwise_exact():
    raw = "  ran test «X» 🎉\twith café, \"quotes\", commas; zero\u200bwidth  \n"
    assert clean_text(raw) == raw.strip()


@pytest.mark.parametrize("raw", ["", "   ", "\n\t ", None])
def test_empty_text_is_refused(raw):
    with pytest.raises(TextProblem, match="empty"):
        clean_text(raw, what="the win")
    assert clean_text(raw, required=False) == ""


def test_long_text_names_the_limit():
    assert clean_text("x" * MAX_CHARS) == "x" * MAX_CHARS
    with pytest.raises(TextProblem, match=f"10,000 characters; the limit is {MAX_CHARS:,}"):
        clean_text("x" * 10_000)


@pytest.mark.parametrize("char", ["\x1b", "\x00", "\x07", "\x08", "\r", "\x7f", "\x9b"])
def test_control_characters_are_refused(char):
    with pytest.raises(TextProblem, match="control character") as err:
        clean_text(f"red{char}[31m text")
    assert "character 4" in str(err.value)


def test_invalid_utf8_from_argv_is_refused():
    raw = b"caf\xe9".decode("utf-8", "surrogateescape")
    with pytest.raises(TextProblem, match="not valid text"):
        clean_text(raw)


def test_newlines_one_line_kinds_refuse_reflections_keep():
    with pytest.raises(TextProblem, match="more than one line"):
        clean_text("one\ntwo")
    assert clean_text("one\r\ntwo\n", multiline=True) == "one\ntwo"
    assert clean_text("one line\n") == "one line"


# ---------------------------------------------------------------- writing


def test_log_win_saves_at_once_with_times(store):
    entry = logs.log_win(store, " ran sanity test X ", now=NOW, commitment_id="wins-log")
    assert (entry.kind, entry.text, entry.at, entry.created_at) == ("win", "ran sanity test X", NOW, NOW)
    assert store.get_entry(entry.id) == entry
    past = logs.log_win(store, "late one", now=NOW, at=at(2026, 11, 18, 21, 30))
    assert past.at == at(2026, 11, 18, 21, 30) and past.created_at == NOW


@pytest.mark.parametrize("text", ["", "x" * 10_000, "bell\x07", "two\nlines"])
def test_bad_text_saves_nothing(store, text):
    with pytest.raises(TextProblem):
        logs.log_win(store, text, now=NOW)
    assert store.entries() == []


def test_future_at_saves_nothing(store):
    with pytest.raises(logs.TimeProblem, match="future"):
        logs.log_win(store, "tomorrow's win", now=NOW, at=NOW + timedelta(hours=2))
    assert store.entries() == []


def test_log_kind_must_be_a_log_kind(store):
    with pytest.raises(UsageProblem):
        logs.log_win(store, "x", now=NOW, kind="proud")
    assert logs.log_win(store, "burnt it, good data", now=NOW, kind="experiment").kind == "experiment"


def test_optional_words_and_peer_fields(store):
    pause = logs.log_pause(store, None, now=NOW)
    assert (pause.kind, pause.text) == ("pause", "")
    peer = logs.log_peer(store, "", now=NOW, peer=" Sam ", reply="Slowing down is allowed.")
    assert (peer.text, peer.peer, peer.reply) == ("", "Sam", "Slowing down is allowed.")
    assert logs.log_peer(store, "x", now=NOW, peer="", reply="  ").peer is None
    with pytest.raises(TextProblem, match="the reply"):
        logs.log_peer(store, "x", now=NOW, reply="ok\x1b[2J")
    reflection = logs.log_reflection(store, "cooked\r\nand plated", now=NOW)
    assert reflection.text == "cooked\nand plated"
    assert logs.log_step(store, "open the folder", now=NOW).kind == "step"


def test_edit_checks_text_by_kind(store):
    win = logs.log_win(store, "first", now=NOW)
    assert logs.edit_entry(store, win.id, "second").text == "second"
    with pytest.raises(TextProblem):
        logs.edit_entry(store, win.id, "a\nb")
    with pytest.raises(TextProblem):
        logs.edit_entry(store, win.id, "  ")
    assert store.get_entry(win.id).text == "second"
    with pytest.raises(NotFound):
        logs.edit_entry(store, 999, "x")


def test_undo_takes_the_last_saved_not_the_latest_time(store):
    with pytest.raises(NotFound, match="nothing to undo"):
        logs.last_entry(store)
    logs.log_win(store, "now", now=NOW)
    late = logs.log_win(store, "backdated", now=NOW + timedelta(seconds=5), at=NOW - timedelta(days=2))
    assert logs.last_entry(store) == late
    logs.undo_entry(store, late.id)
    assert [e.text for e in store.entries()] == ["now"]


def test_history_limit_and_kinds(store):
    for i in range(5):
        logs.log_win(store, f"win {i}", now=NOW, at=NOW - timedelta(hours=5 - i))
    logs.log_proud(store, "proud", now=NOW, tz=BERLIN)
    assert [e.text for e in logs.history(store, limit=2)] == ["win 4", "proud"]
    assert [e.text for e in logs.history(store, kinds=["win"], since=NOW - timedelta(hours=2))] == [
        "win 3", "win 4"]
    with pytest.raises(UsageProblem):
        logs.history(store, limit=0)


# ---------------------------------------------------------------- proud count and weeks


def test_proud_count_this_week_and_other_weeks(store):
    one = logs.log_proud(store, "a", now=NOW, tz=BERLIN, target=3)
    assert one.count.describe() == "1 of 3 this week"
    two = logs.log_proud(store, "b", now=NOW, tz=BERLIN, target=3)
    assert two.count.describe() == "2 of 3 this week"
    back = logs.log_proud(store, "c", now=NOW, tz=BERLIN, target=3, at=at(2026, 11, 15, 23, 30))
    assert back.count.week == IsoWeek(2026, 46)
    assert back.count.describe() == "1 of 3 in 2026-W46"
    logs.log_proud(store, "d", now=NOW, tz=BERLIN, target=3)
    four = logs.log_proud(store, "e", now=NOW, tz=BERLIN, target=3)
    assert four.count.describe() == "4 this week (the plan asks for 3)"
    assert logs.log_proud(store, "f", now=NOW, tz=BERLIN).count.describe() == "5 this week"


def test_proud_week_boundary_in_local_time_autumn_dst(store):
    # 2026-10-25: clocks go back in Berlin; Sunday 23:30 CET is 22:30 UTC, still ISO week 43.
    now = at(2026, 10, 26, 12, 0)
    sunday = logs.log_proud(store, "sun", now=now, tz=BERLIN, target=3, at=at(2026, 10, 25, 23, 30))
    assert sunday.count.week == IsoWeek(2026, 43)
    folded = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN).astimezone(UTC)  # the 2nd 02:30
    assert logs.log_proud(store, "fold", now=now, tz=BERLIN, target=3, at=folded).count.count == 2
    monday = logs.log_proud(store, "mon", now=now, tz=BERLIN, target=3, at=at(2026, 10, 26, 0, 30))
    assert monday.entry.at == datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # a UTC Sunday...
    assert (monday.count.week, monday.count.count) == (IsoWeek(2026, 44), 1)  # ...a local Monday
    assert monday.count.describe() == "1 of 3 this week"


def test_proud_week_boundary_spring_dst(store):
    now = at(2026, 3, 30, 12, 0)
    late = logs.log_proud(store, "x", now=now, tz=BERLIN, target=3, at=at(2026, 3, 29, 23, 59))
    early = logs.log_proud(store, "y", now=now, tz=BERLIN, target=3, at=at(2026, 3, 30, 0, 1))
    assert (late.count.week, late.count.count) == (IsoWeek(2026, 13), 1)
    assert (early.count.week, early.count.count) == (IsoWeek(2026, 14), 1)


def test_proud_count_in_iso_week_53(store):
    now = at(2027, 1, 3, 20, 0)  # Sunday: 2026 has 53 ISO weeks, this is the last day of W53
    logs.log_proud(store, "old year", now=now, tz=BERLIN, target=3, at=at(2026, 12, 28, 0, 0))
    logs.log_proud(store, "not yet", now=now, tz=BERLIN, target=3, at=at(2026, 12, 27, 23, 59))
    result = logs.log_proud(store, "new year", now=now, tz=BERLIN, target=3, at=at(2027, 1, 2, 9, 0))
    assert result.count.week == IsoWeek(2026, 53)
    assert result.count.describe() == "2 of 3 this week"
    after = logs.log_proud(store, "monday", now=at(2027, 1, 4, 9, 0), tz=BERLIN, target=3)
    assert (after.count.week, after.count.count) == (IsoWeek(2027, 1), 1)


# ---------------------------------------------------------------- today


def test_today_is_the_local_day_and_lists_next_reminders(store):
    logs.log_win(store, "late last night", now=NOW, at=at(2026, 11, 18, 23, 30))  # 22:30 UTC on the 18th
    logs.log_win(store, "just after midnight", now=NOW, at=at(2026, 11, 19, 0, 10))  # 23:10 UTC the 18th
    logs.log_win(store, "this afternoon", now=NOW)
    result = logs.today(store, shipped_commitments(), now=NOW, tz=BERLIN)
    assert [e.text for e in result.entries] == ["just after midnight", "this afternoon"]
    assert result.day.isoformat() == "2026-11-19"
    times = [u.at for u in result.upcoming]
    assert times == sorted(times) and all(t >= NOW for t in times) and len(times) == 4
    # Thursday 14:00: the daily reflection at 21:00 tonight comes before Friday's reminders.
    assert ("daily-reflection", at(2026, 11, 19, 21, 0)) in [(u.commitment_id, u.at) for u in result.upcoming]


# ---------------------------------------------------------------- scripts from the plans


def test_pause_script_uses_the_plans_words():
    script = logs.pause_script(shipped_commitments())
    assert script.commitment_id == "jaw-clench-pause"
    assert script.lines == (
        "Slow exhale.",
        "Soften the jaw.",
        'Ask: "Is the fear of being seen as unfit worth holding onto right now?"',
        'When you share work, say: "I\'m sharing this draft"',
    )


def test_pause_script_without_a_plan_is_still_calm():
    assert logs.pause_script([]).lines == (
        "Slow exhale.", "Let the tension go where you notice it.", "Name the thought.")


def test_reflection_phrase_from_the_plan():
    phrase, commitment_id = logs.reflection_phrase(shipped_commitments())
    assert phrase == "You're doing your best, and that's enough."
    assert commitment_id == "daily-reflection"
    assert logs.reflection_phrase([]) == ("You're doing your best, and that's enough.", None)


def test_grounding_is_about_a_minute_paced_by_the_clock():
    item = next(c for c in shipped_commitments() if c.id == "grounding-step")
    script = logs.grounding(item)
    assert script.beats[0].text == "Notice your feet on the floor and your breath coming in and out."
    assert sum("in, slowly" in b.text for b in script.beats) == 3
    assert script.example == "I will open the project folder and run one single unit test."
    clock = FakeClock(NOW)
    shown: list[str] = []
    elapsed = logs.pace(clock, script.beats, shown.append, wait=True)
    assert 45 <= elapsed <= 75 and clock.slept == elapsed
    assert shown == [b.text for b in script.beats]
    quick = FakeClock(NOW)
    assert logs.pace(quick, script.beats, lambda _: None, wait=False) == 0 and quick.slept == 0


def test_entry_json_shape(store):
    entry = logs.log_peer(store, "note", now=NOW, peer="Sam", reply="ok")
    data = logs.entry_json(entry, BERLIN)
    assert list(data) == ["id", "uid", "kind", "text", "at", "at_local", "created_at",
                          "commitment_id", "block_id", "peer", "reply"]
    assert data["at"] == "2026-11-19T13:00:00+00:00"
    assert data["at_local"] == "2026-11-19T14:00:00+01:00"
