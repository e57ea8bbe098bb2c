"""`habit plan check` as a plan's author feels it: every missing or wrong field is its own line
naming the commitment and the field (a commitment is never silently dropped), and every documented
range accepts its edge values (docs/plan-format.md)."""

from __future__ import annotations

import pytest

HEAD = '[plan]\nid = "p"\ntitle = "A plan"\nsession = "s.txt"\n'
SOURCE = '[commitment.source]\nfile = "s.txt"\nline = 1\nquote = "I said so."\n'


def commitment(body: str, *, schedule: str | None = None, source: bool = True) -> str:
    text = f"\n[[commitment]]\n{body}\n"
    if schedule is not None:
        text += f"[commitment.schedule]\n{schedule}\n"
    return text + (SOURCE if source else "")


def check(habit, tmp_path, text: str):
    path = tmp_path / "draft.toml"
    path.write_text(text)
    result = habit("plan", "check", str(path), ok=False)
    return result, [line.removeprefix("habit: ") for line in result.stderr.splitlines()], str(path)


BASE = 'id = "c"\nkind = "one_off"\ntitle = "Call Sam"'


@pytest.mark.parametrize("missing", ["id", "kind", "title"])
def test_a_missing_required_field_is_reported_not_dropped(habit, tmp_path, missing):
    body = "\n".join(line for line in BASE.splitlines() if not line.startswith(missing))
    result, lines, path = check(habit, tmp_path, HEAD + commitment(body))
    assert result.exit_code != 0 and "ok:" not in result.stdout
    where = "commitment #1" if missing == "id" else "commitment c"
    assert f"{path}: {where}: {missing}: missing" in lines


def test_a_missing_source_is_reported(habit, tmp_path):
    result, lines, path = check(habit, tmp_path, HEAD + commitment(BASE, source=False))
    assert result.exit_code != 0
    [line] = lines  # one line, which also names the way out for a plan of one's own
    assert line.startswith(f"{path}: commitment c: source: missing; every commitment quotes the "
                           "session it came from") and "own = true" in line


@pytest.mark.parametrize("field", ["file", "line", "quote"])
def test_a_missing_source_field_is_reported(habit, tmp_path, field):
    source = "\n".join(line for line in SOURCE.splitlines() if not line.startswith(field))
    text = HEAD + f"\n[[commitment]]\n{BASE}\n{source}\n"
    result, lines, path = check(habit, tmp_path, text)
    assert result.exit_code != 0 and f"{path}: commitment c: source.{field}: missing" in lines


def test_every_problem_of_a_file_is_listed_at_once(habit, tmp_path):
    text = HEAD + commitment('id = "a"\nkind = "one_off"') + commitment('id = "b"\ntitle = "B"')
    result, lines, path = check(habit, tmp_path, text)
    assert lines == [f"{path}: commitment a: title: missing", f"{path}: commitment b: kind: missing"]


@pytest.mark.parametrize("every,extra", [("daily", ""), ("weekdays", ""), ("weekly", 'day = "fri"'),
                                         ("once", 'date = "2026-11-23"')])
def test_at_is_required_for_a_timed_schedule(habit, tmp_path, every, extra):
    result, lines, path = check(habit, tmp_path, HEAD + commitment(
        BASE, schedule=f'every = "{every}"\n{extra}'))
    assert result.exit_code != 0
    assert lines == [f"{path}: commitment c: schedule.at: missing (HH:MM)"]


@pytest.mark.parametrize("at", ["24:30", "24:00", "9:30", "09:60", "noon", "0930"])
def test_a_time_that_is_not_on_the_clock_is_refused(habit, tmp_path, at):
    result, lines, path = check(habit, tmp_path, HEAD + commitment(
        BASE, schedule=f'every = "daily"\nat = "{at}"'))
    assert result.exit_code != 0
    assert lines == [f"{path}: commitment c: schedule.at: '{at}' is not a time like 09:30"]


@pytest.mark.parametrize("at", ["00:00", "23:59", "09:30"])
def test_every_time_of_day_is_accepted(habit, tmp_path, at):
    result, _, path = check(habit, tmp_path, HEAD + commitment(
        BASE, schedule=f'every = "daily"\nat = "{at}"'))
    assert result.exit_code == 0 and result.stdout == f"ok: {path} (p, 1 commitments)\n"


RANGES = [("minutes", 1, 240), ("weekly_target", 1, 50), ("breathing_minutes", 1, 30),
          ("grace_minutes", 0, 10080)]


@pytest.mark.parametrize("field,low,high", RANGES, ids=[r[0] for r in RANGES])
def test_each_documented_range_accepts_its_edges_and_refuses_beyond(habit, tmp_path, field, low,
                                                                    high):
    for value in (low, high):
        result, lines, _ = check(habit, tmp_path, HEAD + commitment(f"{BASE}\n{field} = {value}"))
        assert result.exit_code == 0, lines
    for value in (low - 1, high + 1):
        result, lines, path = check(habit, tmp_path, HEAD + commitment(f"{BASE}\n{field} = {value}"))
        assert lines == [f"{path}: commitment c: {field}: must be a whole number from {low} to {high}"]


SCHEDULE_RANGES = [("interval_minutes", 5, 480), ("jitter_minutes", 0, 60)]


@pytest.mark.parametrize("field,low,high", SCHEDULE_RANGES, ids=[r[0] for r in SCHEDULE_RANGES])
def test_each_schedule_range_accepts_its_edges_and_refuses_beyond(habit, tmp_path, field, low, high):
    def schedule(value):
        values = {"interval_minutes": 60, "jitter_minutes": 0, field: value}
        return ('every = "interval"\nbetween = ["09:00", "17:00"]\n'
                + "".join(f"{k} = {v}\n" for k, v in values.items()))

    for value in (low, high):
        result, lines, _ = check(habit, tmp_path, HEAD + commitment(BASE, schedule=schedule(value)))
        assert result.exit_code == 0, lines
    for value in (low - 1, high + 1):
        result, lines, path = check(habit, tmp_path, HEAD + commitment(BASE, schedule=schedule(value)))
        assert lines == [f"{path}: commitment c: schedule.{field}: must be a whole number from "
                         f"{low} to {high}"]


@pytest.mark.parametrize("day", ["mon", "sun"])
def test_weekly_days_are_the_seven_short_names(habit, tmp_path, day):
    result, _, _ = check(habit, tmp_path, HEAD + commitment(
        BASE, schedule=f'every = "weekly"\nday = "{day}"\nat = "10:00"'))
    assert result.exit_code == 0


@pytest.mark.parametrize("window", ['["17:30", "09:30"]', '["09:30", "09:30"]', '["09:30"]'])
def test_an_interval_window_must_open_before_it_closes(habit, tmp_path, window):
    result, lines, path = check(habit, tmp_path, HEAD + commitment(
        BASE, schedule=f'every = "interval"\ninterval_minutes = 60\nbetween = {window}'))
    assert result.exit_code != 0 and len(lines) == 1
    assert lines[0].startswith(f"{path}: commitment c: schedule.between: ")
