"""The .ics read by the programs people use: icalendar + recurring-ical-events, vobject, ical.js.

Each reader expands the same events for ten years from the file alone (its own VTIMEZONE), and
every occurrence must be the commitment's local time as zoneinfo says, on both sides of every DST
change, in zones north and south of the equator and one without DST.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from habit.calendar_export import export_calendar
from habit.catalog import Catalog
from habit.config import Config
from habit.plans import Commitment, Plan, Schedule, Source

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
YEARS = 10
UNTIL = datetime(NOW.year + YEARS, 12, 31, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
NODE_PREFIX = Path(os.environ.get("HABIT_TEST_NODE_PREFIX", ROOT / ".test-node"))


def _catalog() -> Catalog:
    def item(cid, schedule):
        return Commitment(id=cid, kind="one_off", title=cid, plan_id="p",
                          source=Source("s.txt", 1, "I'll try"), schedule=schedule, minutes=5)

    items = (
        item("peer", Schedule(every="weekly", day="fri", at=time(16))),
        item("late", Schedule(every="weekly", day="sun", at=time(23, 30))),
        item("dawn", Schedule(every="weekdays", at=time(3, 30))),  # the hour after most changes
    )
    return Catalog((Plan("p", "P", "s.txt", Path("p.toml"), commitments=items),), ("p",))


def _expected(zone: ZoneInfo, weekdays: set[int], at: time) -> list[datetime]:
    day = NOW.astimezone(zone).date()
    out = []
    while (moment := datetime.combine(day, at, tzinfo=zone)) < UNTIL:
        if day.weekday() in weekdays and moment >= NOW:
            out.append(moment.astimezone(UTC))
        day += timedelta(days=1)
    return out


WANT = {"peer@habit.local": ({4}, time(16)), "late@habit.local": ({6}, time(23, 30)),
        "dawn@habit.local": ({0, 1, 2, 3, 4}, time(3, 30))}


@pytest.fixture(params=ZONES)
def exported(request, tmp_path):
    zone = ZoneInfo(request.param)
    ics = export_calendar(_catalog(), Config(), tz=zone, now=NOW).ics
    path = tmp_path / "habit.ics"
    path.write_bytes(ics)
    expected = {uid: _expected(zone, days, at) for uid, (days, at) in WANT.items()}
    return zone, path, expected


def _check(got: dict[str, list[datetime]], expected: dict[str, list[datetime]], reader: str) -> None:
    for uid, want in expected.items():
        have = sorted(t.astimezone(UTC) for t in got[uid] if NOW <= t < UNTIL)
        wrong = [(w, h) for w, h in zip(want, have, strict=False) if w != h]
        assert not wrong[:3] and len(have) == len(want), f"{reader}, {uid}: first wrong {wrong[:3]}"


def test_the_vtimezone_is_written_as_yearly_rules(exported):
    zone, path, _ = exported
    [vtz] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VTIMEZONE")
    assert "RDATE" not in path.read_text()
    parts = vtz.subcomponents
    if zone.key == "Asia/Kolkata":
        assert [p.name for p in parts] == ["STANDARD"]
    else:
        assert sorted(p.name for p in parts) == ["DAYLIGHT", "STANDARD"]
        assert all(p["RRULE"]["FREQ"] == ["YEARLY"] for p in parts)


def test_icalendar_and_recurring_ical_events(exported):
    _, path, expected = exported
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    got: dict[str, list[datetime]] = {uid: [] for uid in expected}
    for event in recurring_ical_events.of(calendar).between(NOW, UNTIL):
        got[str(event["UID"])].append(event.start)
    _check(got, expected, "recurring-ical-events")


def test_vobject(exported):
    vobject = pytest.importorskip("vobject")
    _, path, expected = exported
    calendar = vobject.readOne(path.read_text())
    got = {}
    for event in calendar.vevent_list:
        rules = event.getrruleset()
        got[event.uid.value] = list(rules.between(NOW, UNTIL, inc=True))
    _check(got, expected, "vobject")


def _icaljs() -> Path:
    """The ical.js package (Thunderbird's engine), installed from npm once; skip when that cannot be."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("needs node and npm to run Mozilla's ical.js")
    if not (NODE_PREFIX / "node_modules" / "ical.js").is_dir():
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NODE_PREFIX),
                               "ical.js@2"], capture_output=True, text=True, timeout=170)
        if done.returncode != 0:
            pytest.skip(f"npm could not install ical.js here: {done.stderr.strip()[-200:]}")
    return NODE_PREFIX


def test_icaljs_as_thunderbird_reads_it(exported):
    prefix = _icaljs()
    _, path, expected = exported
    script = Path(__file__).with_name("readers") / "icaljs_occurrences.mjs"
    done = subprocess.run(["node", str(script), str(path), str(int(UNTIL.timestamp()))],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "ICALJS_PREFIX": str(prefix)})
    assert done.returncode == 0, done.stderr
    got = {uid: [datetime.fromtimestamp(t, UTC) for t in times]
           for uid, times in json.loads(done.stdout).items()}
    _check(got, expected, "ical.js")


def test_a_zone_whose_rule_is_not_yearly_keeps_the_transition_list():
    # Israel changes on the Friday before the last Sunday of March: no BYDAY rule says that.
    zone = ZoneInfo("Asia/Jerusalem")
    ics = export_calendar(_catalog(), Config(), tz=zone, now=NOW).ics
    calendar = icalendar.Calendar.from_ical(ics)
    got: dict[str, list[datetime]] = {uid: [] for uid in WANT}
    for event in recurring_ical_events.of(calendar).between(NOW, date(2030, 1, 1)):
        got[str(event["UID"])].append(event.start)
    assert all(t.astimezone(zone).time() == WANT[uid][1] for uid, ts in got.items() for t in ts)
