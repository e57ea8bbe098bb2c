"""The .ics export parsed back with icalendar and expanded across DST changes to local times."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from habit.calendar_export import PRODID, export_calendar, interval_times
from habit.catalog import Catalog, load_catalog
from habit.config import Config, PeerConfig, load_config
from habit.errors import NotFound
from habit.plans import Commitment, Schedule, Source
from plan_support import BRIEF_PLANS, activate


@pytest.fixture(autouse=True)
def _brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)

BERLIN = ZoneInfo("Europe/Berlin")
JAW_TIMES = [time(9), time(10, 30), time(12), time(13, 30), time(15), time(16, 30)]


def export(home, *, tz=BERLIN, now: datetime, config: Config | None = None, catalog=None):
    config = config or load_config(home)
    catalog = catalog or load_catalog(home, config)
    return export_calendar(catalog, config, tz=tz, now=now)


def expand(ics: bytes, start: date, end: date) -> dict[str, list[datetime]]:
    calendar = icalendar.Calendar.from_ical(ics)
    found: dict[str, list[datetime]] = defaultdict(list)
    for event in recurring_ical_events.of(calendar).between(start, end):
        found[str(event["UID"])].append(event.start)
    return {uid: sorted(starts) for uid, starts in found.items()}


def days(start: date, end: date, *, weekdays: set[int] | None = None) -> list[date]:
    out = []
    day = start
    while day < end:
        if weekdays is None or day.weekday() in weekdays:
            out.append(day)
        day += timedelta(days=1)
    return out


# ---------------------------------------------------------------- across the autumn change in Berlin

START, END = date(2026, 10, 19), date(2026, 11, 9)  # three weeks around Sun 2026-10-25


@pytest.fixture
def autumn(home):
    now = datetime(2026, 10, 19, 7, 0, tzinfo=BERLIN)  # a Monday morning
    return export(home, now=now)


def test_every_recurrence_lands_on_its_local_time_across_the_dst_change(autumn):
    got = expand(autumn.ics, START, END)
    workdays = days(START, END, weekdays={0, 1, 2, 3, 4})

    def at(day_list, clock):
        return [datetime.combine(d, clock, tzinfo=BERLIN) for d in day_list]

    assert got["start-ritual@habit.local"] == at(workdays, time(8, 30))
    assert got["peer-check@habit.local"] == at(days(START, END, weekdays={4}), time(16))
    assert got["daily-reflection@habit.local"] == at(days(START, END), time(21))
    assert got["proud-things@habit.local"] == at(days(START, END, weekdays={6}), time(19))
    for clock in JAW_TIMES:
        assert got[f"jaw-clench-pause-{clock:%H%M}@habit.local"] == at(workdays, clock)
    # The wall clock stays put while the UTC offset moves from +2 to +1.
    offsets = {s.utcoffset() for s in got["daily-reflection@habit.local"]}
    assert offsets == {timedelta(hours=2), timedelta(hours=1)}
    assert all(s.hour == 21 for s in got["daily-reflection@habit.local"])


def test_one_off_commitments_appear_exactly_once(home):
    result = export(home, now=datetime(2026, 11, 19, 14, tzinfo=BERLIN))
    got = expand(result.ics, date(2026, 11, 16), date(2027, 2, 1))
    assert got["runbook-draft@habit.local"] == [datetime(2026, 11, 23, 10, tzinfo=BERLIN)]


def test_the_vtimezone_itself_gives_the_right_offsets(autumn):
    calendar = icalendar.Calendar.from_ical(autumn.ics)
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Berlin"
    from_file = vtimezone.to_tz()
    for moment in (datetime(2026, 10, 24, 12), datetime(2026, 10, 26, 12), datetime(2027, 3, 27, 12),
                   datetime(2027, 3, 29, 12), datetime(2030, 7, 1, 12)):
        assert from_file.utcoffset(moment) == BERLIN.utcoffset(moment), moment


# ---------------------------------------------------------------- other zones and their own changes


@pytest.mark.parametrize(("zone", "start", "end"), [
    ("America/New_York", date(2026, 10, 26), date(2026, 11, 16)),   # back on 2026-11-01
    ("Australia/Sydney", date(2026, 9, 28), date(2026, 10, 19)),    # forward on 2026-10-04
    ("Europe/Berlin", date(2027, 3, 22), date(2027, 4, 12)),        # forward on 2027-03-28
])
def test_local_times_hold_in_other_zones_and_the_spring_change(home, zone, start, end):
    tz = ZoneInfo(zone)
    result = export(home, tz=tz, now=datetime.combine(start, time(6), tzinfo=tz))
    got = expand(result.ics, start, end)
    fridays = got["peer-check@habit.local"]
    assert [s.date() for s in fridays] == days(start, end, weekdays={4})
    assert {(s.hour, s.minute) for s in fridays} == {(16, 0)}
    assert len({s.utcoffset() for s in got["daily-reflection@habit.local"]}) == 2
    assert {(s.hour, s.minute) for s in got["daily-reflection@habit.local"]} == {(21, 0)}
    assert {str(s.tzinfo) for s in fridays} == {zone}


def test_utc_needs_no_vtimezone(home):
    result = export(home, tz=UTC, now=datetime(2026, 11, 19, 14, tzinfo=UTC))
    text = result.ics.decode()
    assert "BEGIN:VTIMEZONE" not in text and "TZID" not in text
    assert "DTSTART:20261120T160000Z" in text


# ---------------------------------------------------------------- the parts of each event


def test_each_event_has_what_calendars_need(autumn):
    calendar = icalendar.Calendar.from_ical(autumn.ics)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == PRODID
    events = calendar.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) == len(autumn.events)
    for event in events:
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert event.decoded("DTSTAMP") == datetime(2026, 10, 19, 5, 0, tzinfo=UTC)
        assert event["DESCRIPTION"].startswith("\u201c")
        [alarm] = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(0)
        assert alarm["DESCRIPTION"]
    by_uid = {str(e["UID"]): e for e in events}
    ritual = by_uid["start-ritual@habit.local"]
    assert ritual.decoded("DURATION") == timedelta(minutes=5)
    assert ritual["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert "I'll spend 5 minutes on a start-up ritual" in ritual["DESCRIPTION"]
    assert by_uid["daily-reflection@habit.local"]["RRULE"].to_ical() == b"FREQ=DAILY"
    assert by_uid["peer-check@habit.local"]["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=FR"
    assert "RRULE" not in by_uid["runbook-draft@habit.local"]
    assert by_uid["jaw-clench-pause-0900@habit.local"].decoded("DURATION") == timedelta(minutes=5)


def test_the_file_is_well_formed_ical_text(autumn):
    raw = autumn.ics
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.index(b"BEGIN:VTIMEZONE") < raw.index(b"BEGIN:VEVENT")


def test_uids_are_stable_so_a_second_import_updates(home):
    first = export(home, now=datetime(2026, 10, 19, 7, tzinfo=BERLIN))
    later = export(home, now=datetime(2026, 12, 3, 18, tzinfo=BERLIN))
    # The one-offs of November are past by December: left out, and said.
    assert [e.uid for e in first.events if e.commitment_id not in {"runbook-draft", "new-recipe"}] == [
        e.uid for e in later.events]
    assert ("runbook-draft", "was dated 23 November 2026, before today") in [
        (s.commitment_id, s.reason) for s in later.skipped]
    # The later export supersedes the first one in calendars that already have it.
    sequences = [{int(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(x.ics).walk("VEVENT")}
                 for x in (first, later)]
    assert len(sequences[0]) == len(sequences[1]) == 1
    assert min(sequences[1]) > min(sequences[0]) > 0


def test_after_schedules_are_skipped_and_said(autumn):
    skipped = {s.commitment_id: s.reason for s in autumn.skipped}
    assert skipped == {
        "focus-block": "follows start-ritual; it has no time of its own",
        "wins-log": "follows focus-block; it has no time of its own",
    }
    assert not {"focus-block", "wins-log"} & {e.commitment_id for e in autumn.events}


def test_the_peer_check_uses_the_configured_peer_slot(home):
    config = Config(active_plans=("start-ritual-and-peer-check",),
                    peer=PeerConfig(name="Sam", backup="Alex", slot="wed 10:15", minutes=15))
    result = export(home, now=datetime(2026, 10, 19, 7, tzinfo=BERLIN), config=config)
    calendar = icalendar.Calendar.from_ical(result.ics)
    [peer] = [e for e in calendar.walk("VEVENT") if e["UID"] == "peer-check@habit.local"]
    assert peer.decoded("DURATION") == timedelta(minutes=15)
    assert peer["SUMMARY"] == "Weekly 5-minute peer check with Sam"
    assert "Backup: Alex" in peer["DESCRIPTION"]
    got = expand(result.ics, START, END)["peer-check@habit.local"]
    assert got == [datetime.combine(d, time(10, 15), tzinfo=BERLIN) for d in days(START, END, weekdays={2})]


# ---------------------------------------------------------------- synthetic schedules


def _item(cid: str, schedule: Schedule, **kw) -> Commitment:
    return Commitment(id=cid, kind=kw.pop("kind", "one_off"), title=cid.title(), plan_id="p",
                      source=Source("s.txt", 1, "I'll try"), schedule=schedule, **kw)


def test_a_time_in_the_spring_gap_follows_zoneinfo(home):
    item = _item("early", Schedule(every="daily", at=time(2, 30)), minutes=10)
    catalog = _catalog(item)
    result = export_calendar(catalog, Config(), tz=BERLIN, now=datetime(2027, 3, 26, 12, tzinfo=BERLIN))
    got = expand(result.ics, date(2027, 3, 26), date(2027, 3, 31))["early@habit.local"]
    assert [s.date() for s in got] == days(date(2027, 3, 26), date(2027, 3, 31))
    # every day at 02:30 local, except the gap day where 02:30 does not exist
    assert [(s.hour, s.minute) for s in got if s.date() != date(2027, 3, 28)] == [(2, 30)] * 4


def _catalog(*items: Commitment):
    from pathlib import Path

    from habit.plans import Plan

    plan = Plan("p", "P", "s.txt", Path("p.toml"), commitments=items)
    return Catalog((plan,), ("p",))


def test_interval_times_match_the_reminder_slots():
    sched = Schedule(every="interval", interval_minutes=90, between=(time(9), time(17)))
    assert interval_times(sched) == JAW_TIMES
    hourly = Schedule(every="interval", interval_minutes=60, between=(time(9), time(12)))
    assert interval_times(hourly) == [time(9), time(10), time(11)]  # the end is a boundary


def test_no_scheduled_commitment_is_a_clear_message():
    item = _item("later", Schedule(every="after", after="x"))
    with pytest.raises(NotFound, match="nothing to put in a calendar"):
        export_calendar(_catalog(item), Config(), tz=BERLIN, now=datetime(2026, 11, 19, tzinfo=BERLIN))


def test_every_event_count_per_commitment(autumn):
    counts = Counter(e.commitment_id for e in autumn.events)
    assert counts["jaw-clench-pause"] == 6
    assert all(n == 1 for cid, n in counts.items() if cid != "jaw-clench-pause")
