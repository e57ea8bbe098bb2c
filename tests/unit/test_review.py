"""The weekly review computed at fixed instants: normal, empty, both DST changes, ISO week 53."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from habit.catalog import load_catalog
from habit.clock import SystemClock
from habit.config import Config, PeerConfig
from habit.errors import UsageProblem
from habit.records import BlockRecord, EntryRecord, ReminderRecord
from habit.review import (
    WeekRecords,
    choose_week,
    compute_week,
    fetch_week_records,
    parse_slot,
    peer_status,
    review_week,
    share_facts,
)
from habit.weeks import IsoWeek, week_of
from plan_support import BRIEF_PLANS

BERLIN = ZoneInfo("Europe/Berlin")
NO_PEER = PeerConfig()
_ids = count(1)


def local(y, mo, d, h=12, mi=0, tz=BERLIN) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz)


def entry(kind: str, when: datetime, text: str = "x", **extra) -> EntryRecord:
    n = next(_ids)
    return EntryRecord(n, f"e{n}", kind, text, when.astimezone(UTC), when.astimezone(UTC), **extra)


def block(start: datetime, minutes: float, status: str = "completed", *, planned: int = 25,
          label: str | None = None, commitment_id: str | None = None) -> BlockRecord:
    n = next(_ids)
    start = start.astimezone(UTC)
    ended = start + timedelta(minutes=minutes) if status != "running" else None
    seconds = round(minutes * 60) if ended else None
    return BlockRecord(n, f"b{n}", commitment_id, start, planned, "goal", label, status,
                       ended or start, ended, seconds)


def reminder(cid: str, when: datetime) -> ReminderRecord:
    n = next(_ids)
    return ReminderRecord(n, cid, when.astimezone(UTC), when.astimezone(UTC), "desktop", "", "")


@pytest.fixture
def commitments(home):
    return load_catalog(home, Config(active_plans=BRIEF_PLANS)).commitments()


def review(week: str, now: datetime, commitments, *, entries=(), blocks=(), reminders=(),
           peer: PeerConfig = NO_PEER, tz=BERLIN):
    records = WeekRecords(tuple(entries), tuple(blocks), tuple(reminders))
    year, w = week.split("-W")
    return compute_week(IsoWeek(int(year), int(w)), tz=tz, now=now.astimezone(UTC),
                        commitments=commitments, peer=peer, records=records)


def counts(result) -> dict[str, tuple[int, int | None]]:
    return {c.id: (c.count, c.target) for c in result.commitments}


# ---------------------------------------------------------------- a normal week


def test_normal_week_counts_each_commitment_against_its_target(commitments):
    entries = [
        entry("proud", local(2026, 11, 16, 19)),
        entry("proud", local(2026, 11, 18, 19)),
        entry("win", local(2026, 11, 16, 9, 30)),
        entry("reflection", local(2026, 11, 16, 21)),
        entry("reflection", local(2026, 11, 16, 22)),  # the same day counts once
        entry("reflection", local(2026, 11, 17, 21)),
        entry("pause", local(2026, 11, 17, 11)),
        entry("pause", local(2026, 11, 17, 15), commitment_id="incident-micro-ritual"),
        entry("peer", local(2026, 11, 19, 16, 3), peer="Sam", reply="Steady."),
    ]
    blocks = [
        block(local(2026, 11, 16, 9), 25),
        block(local(2026, 11, 16, 14), 25),
        block(local(2026, 11, 17, 9), 7.4, "interrupted"),
        block(local(2026, 11, 18, 9), 10, label="experiment"),
        block(local(2026, 11, 19, 13, 50), 0, "running"),
    ]
    result = review("2026-W47", local(2026, 11, 19, 14), commitments, entries=entries,
                    blocks=blocks, peer=PeerConfig(name="Sam", backup="Alex"))
    got = counts(result)
    assert got["proud-things"] == (2, 3)
    assert got["daily-reflection"] == (2, 7)
    assert got["start-ritual"] == (4, 5)  # days a block was started (Mon, Tue, Wed, Thu)
    assert got["focus-block"] == (5, None)
    assert got["wins-log"] == (1, None)
    assert got["jaw-clench-pause"] == (1, None)  # untagged: the first pause cue
    assert got["incident-micro-ritual"] == (1, None)  # tagged: its own
    b = result.blocks
    assert (b.started, b.completed, b.interrupted, b.running) == (5, 3, 1, 1)
    assert b.focused_minutes == 67  # 25 + 25 + 7.4 + 10, the running block not yet
    assert b.experiments == 1
    assert result.state == "current" and not result.is_empty
    assert [d.total for d in result.days] == [6, 4, 2, 2, 0, 0, 0]
    assert result.peer.done and result.peer.checks[0].reply == "Steady."
    assert result.peer.checks[0].day_name == "Thursday"
    assert result.peer.backup_due is None


def test_records_outside_the_week_stay_out_but_feed_the_trend(commitments):
    blocks = [block(local(2026, 11, 9, 9), 30), block(local(2026, 10, 19, 9), 20),
              block(local(2026, 10, 18, 9), 99),  # five weeks back: not in the trend
              block(local(2026, 11, 16, 9), 25)]
    result = review("2026-W47", local(2026, 11, 19, 14), commitments, blocks=blocks)
    assert result.blocks.started == 1
    assert [(str(w.week), w.focused_minutes) for w in result.trend] == [
        ("2026-W43", 20), ("2026-W44", 0), ("2026-W45", 0), ("2026-W46", 30), ("2026-W47", 25)]
    assert result.previous_average == 12.5


def test_reminders_followed_by_an_action_are_counted(commitments):
    reminders = [
        reminder("start-ritual", local(2026, 11, 16, 8, 30)),  # block at 9:00: acted on
        reminder("start-ritual", local(2026, 11, 17, 8, 30)),  # block at 14:00, too late
        reminder("proud-things", local(2026, 11, 22, 19)),  # proud the next morning, in grace
        reminder("daily-reflection", local(2026, 11, 18, 21)),  # reflection before it: no
    ]
    blocks = [block(local(2026, 11, 16, 9), 25), block(local(2026, 11, 17, 14), 25)]
    entries = [entry("proud", local(2026, 11, 22, 21)), entry("reflection", local(2026, 11, 18, 20))]
    result = review("2026-W47", local(2026, 11, 22, 23), commitments, entries=entries,
                    blocks=blocks, reminders=reminders)
    assert (result.reminders.sent, result.reminders.acted_on) == (4, 2)


def test_share_facts_give_blocks_minutes_and_the_two_latest_wins(commitments):
    entries = [entry("win", local(2026, 11, 16, 9), "first"), entry("win", local(2026, 11, 17, 9), "second"),
               entry("win", local(2026, 11, 18, 9), "third")]
    blocks = [block(local(2026, 11, 16, 9), 25), block(local(2026, 11, 17, 9), 12, "interrupted")]
    facts = share_facts(review("2026-W47", local(2026, 11, 19, 14), commitments, entries=entries,
                               blocks=blocks))
    assert (facts.blocks, facts.focused_minutes, facts.wins) == (2, 37, ("second", "third"))


# ---------------------------------------------------------------- empty and future


def test_empty_week(commitments):
    result = review("2026-W47", local(2026, 11, 19, 14), commitments,
                    reminders=[reminder("start-ritual", local(2026, 11, 16, 8, 30))])
    assert result.is_empty
    assert all(c.count == 0 for c in result.commitments)
    assert result.blocks.started == 0 and result.reminders.sent == 1


def test_future_and_past_weeks_say_so(commitments):
    now = local(2026, 11, 19, 14)
    assert review("2026-W48", now, commitments).state == "future"
    assert review("2026-W46", now, commitments).state == "past"


# ---------------------------------------------------------------- DST and week 53


def test_spring_dst_week_2026_w13(commitments):
    """Sun 29 Mar 2026, 02:00 -> 03:00 in Berlin: the week is 167 hours long."""
    week = IsoWeek(2026, 13)
    start, end = week.bounds(BERLIN)
    assert (start, end) == (datetime(2026, 3, 22, 23, tzinfo=UTC), datetime(2026, 3, 29, 22, tzinfo=UTC))
    entries = [
        entry("win", local(2026, 3, 23, 0, 15), "monday, just after midnight"),  # 22 Mar in UTC
        entry("win", local(2026, 3, 29, 23, 30), "sunday night, summer time"),  # 21:30 UTC
        entry("win", local(2026, 3, 30, 0, 30), "next monday"),  # Sun 22:30 UTC: next week
        entry("win", local(2026, 3, 22, 23, 30), "the sunday before"),
    ]
    # 01:30 CET to 03:30 CEST is one hour of real time.
    blocks = [block(local(2026, 3, 29, 1, 30), 60, planned=90)]
    result = review("2026-W13", local(2026, 4, 2, 12), commitments, entries=entries, blocks=blocks)
    assert [n.text for n in result.wins] == ["monday, just after midnight", "sunday night, summer time"]
    assert [d.total for d in result.days] == [1, 0, 0, 0, 0, 0, 2]
    assert result.blocks.focused_minutes == 60
    assert result.block_items[0].started_at.strftime("%a %H:%M %Z") == "Sun 01:30 CET"


def test_autumn_dst_week_2026_w43(commitments):
    """Sun 25 Oct 2026, 03:00 -> 02:00 in Berlin (ISO week 43): the week is 169 hours long."""
    week = IsoWeek(2026, 43)
    start, end = week.bounds(BERLIN)
    assert end - start == timedelta(hours=169)
    first = local(2026, 10, 25, 2, 30).replace(fold=0)  # 00:30 UTC, summer time
    second = local(2026, 10, 25, 2, 30).replace(fold=1)  # 01:30 UTC, winter time
    entries = [entry("proud", first, "first 02:30"), entry("proud", second, "second 02:30"),
               entry("proud", local(2026, 10, 25, 23, 59), "sunday 23:59 CET")]
    blocks = [block(first, 60)]  # 02:30 CEST -> 02:30 CET: sixty real minutes
    result = review("2026-W43", local(2026, 10, 28, 12), commitments, entries=entries, blocks=blocks)
    assert [d.total for d in result.days] == [0, 0, 0, 0, 0, 0, 4]
    assert counts(result)["proud-things"] == (3, 3)
    assert result.blocks.focused_minutes == 60
    assert [t.week for t in result.trend][-1] == week


def test_iso_week_53(commitments):
    """2026-W53: Mon 28 Dec 2026 to Sun 3 Jan 2027, across the year end."""
    entries = [entry("win", local(2026, 12, 31, 23, 59), "new year's eve"),
               entry("win", local(2027, 1, 1, 0, 1), "new year's day"),
               entry("win", local(2027, 1, 3, 23, 30), "last evening"),  # 22:30 UTC
               entry("win", local(2027, 1, 4, 0, 30), "2027-W01")]  # still 3 Jan in UTC
    result = review("2026-W53", local(2027, 1, 8, 12), commitments, entries=entries)
    assert (result.monday.isoformat(), result.sunday.isoformat()) == ("2026-12-28", "2027-01-03")
    assert [n.text for n in result.wins] == ["new year's eve", "new year's day", "last evening"]
    assert [d.total for d in result.days] == [0, 0, 0, 1, 1, 0, 1]
    assert [str(w.week) for w in result.trend] == [
        "2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert IsoWeek(2026, 53).shifted(1) == IsoWeek(2027, 1)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                    timezones=st.just(UTC)))
def test_any_instant_lands_on_its_local_day_in_exactly_one_week(moment):
    item = entry("note", moment)
    week = week_of(moment, BERLIN)
    records = WeekRecords((item,))
    hits = []
    for w in (week.shifted(-1), week, week.shifted(1)):
        result = compute_week(w, tz=BERLIN, now=moment, commitments=(), peer=NO_PEER, records=records)
        hits += [(w, d.day) for d in result.days if d.total]
    assert hits == [(week, moment.astimezone(BERLIN).date())]


# ---------------------------------------------------------------- the peer slot and the backup


def test_backup_named_once_the_plan_slot_has_passed(commitments):
    peer_item = next(c for c in commitments if c.kind == "peer_check")  # weekly fri 16:00, 5 min
    peer = PeerConfig(name="Sam", backup="Alex")
    week = IsoWeek(2026, 47)

    def status(now):
        return peer_status(week, tz=BERLIN, now=now, peer=peer, commitment=peer_item, entries=[])

    assert status(local(2026, 11, 20, 16, 4)).backup_due is None  # the slot is still on
    after = status(local(2026, 11, 20, 16, 5))
    assert after.slot == local(2026, 11, 20, 16) and after.backup_due == "Alex"
    logged = peer_status(week, tz=BERLIN, now=local(2026, 11, 21, 9), peer=peer, commitment=peer_item,
                         entries=[entry("peer", local(2026, 11, 20, 17), peer="Alex")])
    assert logged.done and logged.backup_due is None


def test_configured_slot_wins_over_the_plan(commitments):
    peer_item = next(c for c in commitments if c.kind == "peer_check")
    peer = PeerConfig(name="Sam", backup="Alex", slot="Tue 09:30", minutes=10)
    result = peer_status(IsoWeek(2026, 13), tz=BERLIN, now=local(2026, 3, 24, 9, 40), peer=peer,
                         commitment=peer_item, entries=[])
    assert result.slot == local(2026, 3, 24, 9, 30) and result.backup_due == "Alex"
    assert parse_slot("friday 16:00") == parse_slot("fri 16:00") == ("fri", datetime(1, 1, 1, 16).time())
    for unreadable in ("someday", "fri 25:00", "fridya 16:00"):
        with pytest.raises(UsageProblem, match="is not a weekly slot"):
            parse_slot(unreadable)


def test_no_backup_configured_names_nobody(commitments):
    result = review("2026-W47", local(2026, 11, 21, 12), commitments, peer=PeerConfig(name="Sam"),
                    entries=[entry("win", local(2026, 11, 16, 9))])
    assert result.peer.slot_passed and result.peer.backup_due is None


# ---------------------------------------------------------------- choosing the week


def test_choose_week():
    now = local(2027, 1, 1, 12)
    assert choose_week(None, last=False, now=now, tz=BERLIN) == IsoWeek(2026, 53)
    assert choose_week(None, last=True, now=now, tz=BERLIN) == IsoWeek(2026, 52)
    assert choose_week("2026w13", last=False, now=now, tz=BERLIN) == IsoWeek(2026, 13)
    with pytest.raises(UsageProblem):
        choose_week("2026-W47", last=True, now=now, tz=BERLIN)
    with pytest.raises(UsageProblem):
        choose_week("W47", last=False, now=now, tz=BERLIN)


def test_review_under_freezegun_uses_the_frozen_local_week(home, store, commitments):
    store.add_entry("win", "late on sunday", local(2026, 11, 22, 23, 50),
                    created_at=local(2026, 11, 22, 23, 50))
    # 23:55 on Sunday in Berlin is already Monday... no: 22:55 UTC Sunday. Still 2026-W47 locally.
    with freeze_time("2026-11-22 22:55:00"):
        now = SystemClock().now()
        week = choose_week(None, last=False, now=now, tz=BERLIN)
        result = review_week(store, week, tz=BERLIN, now=now, commitments=commitments, peer=NO_PEER)
    assert str(result.week) == "2026-W47" and [n.text for n in result.wins] == ["late on sunday"]
    with freeze_time("2026-11-22 23:05:00"):  # 00:05 on Monday in Berlin: a new week
        now = SystemClock().now()
        assert choose_week(None, last=False, now=now, tz=BERLIN) == IsoWeek(2026, 48)


# ---------------------------------------------------------------- the queries


def test_week_queries_use_the_timestamp_indexes(store):
    """Every query behind a review is a range on an indexed column (cost follows the week)."""
    from sqlalchemy import event

    seen: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        fetch_week_records(store, IsoWeek(2026, 47), BERLIN)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    tables = {re.search(r"\bFROM\s+(\w+)", s).group(1) for s, _ in seen}
    assert tables == {"entry", "block", "reminder"}
    with store.engine.connect() as conn:
        for statement, params in seen:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).fetchall()
            details = " ".join(str(row[-1]) for row in plan)
            assert "USING INDEX" in details and "SCAN" not in details.replace("SCAN CONSTANT", ""), (
                statement, details)


# ---------------------------------------------------------------- rendering user text safely


def test_user_text_cannot_style_the_markdown_or_the_terminal(commitments):
    from habit import render

    entries = [entry("win", local(2026, 11, 16, 9), "*bold* <b>tag</b> [link](http://x) `code`"),
               entry("proud", local(2026, 11, 16, 10), "# not a heading"),
               entry("win", local(2026, 11, 16, 11), "colour \x1b[31mred\x1b[0m bell\x07"),
               entry("reflection", local(2026, 11, 16, 21), "first line\nsecond line")]
    result = review("2026-W47", local(2026, 11, 19, 14), commitments, entries=entries)
    md = render.markdown(result)
    assert r"- Mon 09:00: \*bold\* \<b\>tag\</b\> \[link\](http://x) \`code\`" in md
    assert r"- Mon 10:00: \# not a heading" in md
    assert "- Mon 21:00: first line\\\n  second line\n" in md  # a hard break: the line is kept
    text = render.text(result)
    assert "\x1b" not in text and "\x07" not in text
    assert r"Mon 11:00  colour \x1b[31mred\x1b[0m bell\x07" in text
    assert "  Mon 21:00  first line\n             second line\n" in text


def test_ascii_only_text_encodes_as_ascii(commitments):
    from habit import render

    result = review("2026-W47", local(2026, 11, 19, 14), commitments,
                    entries=[entry("win", local(2026, 11, 16, 9), "plain words")],
                    blocks=[block(local(2026, 11, 17, 9), 12, "interrupted")],
                    peer=PeerConfig(name="Sam", backup="Alex"))
    out = render.text(result, ascii_only=True)
    out.encode("ascii")
    assert "  Mon #  Tue #  Wed .  Thu .  Fri .  Sat .  Sun ." in out
    assert "Week 2026-W47 . Mon 16 Nov - Sun 22 Nov 2026" in out


def test_json_round_trips_and_keeps_user_text_exact(commitments):
    import json

    from habit import render

    words = "café ☕ \"quoted\" and a tab\there"
    result = review("2026-W47", local(2026, 11, 19, 14), commitments,
                    entries=[entry("win", local(2026, 11, 16, 9), words)])
    data = json.loads(render.json_text(result))
    assert data["wins"] == [{"at": "2026-11-16T09:00:00+01:00", "text": words}]
    assert data["days"][0] == {"date": "2026-11-16", "weekday": "Mon", "entries": 1, "blocks": 0}
    assert data["commitments"][-1]["status"] == "0 of 3 so far"
