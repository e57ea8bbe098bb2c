"""Hostile plan files: whatever is in the file, loading it gives a Plan or PlanProblems, never a crash.

Three kinds of input: random bytes, TOML-ish text stitched from real plan lines and noise, and the
shipped plans with random fields replaced by random values of any TOML type (or removed).
"""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habit.errors import PlanProblems
from habit.plans import Plan, builtin_plans_dir, load_plan

SHIPPED = sorted(builtin_plans_dir().glob("*.toml"))
SHIPPED_LINES = [line for path in SHIPPED for line in path.read_text("utf-8").splitlines()]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _load(tmp_path: Path, data: bytes) -> Plan | None:
    path = tmp_path / "plan.toml"
    path.write_bytes(data)
    try:
        plan = load_plan(path)
    except PlanProblems as err:
        assert err.problems, "PlanProblems with no problem in it"
        for line in err.problems:
            assert "\n" not in line and line.startswith(str(path)), line
        return None
    assert isinstance(plan, Plan)
    return plan


def test_the_shipped_plans_load():
    assert SHIPPED and all(isinstance(load_plan(p), Plan) for p in SHIPPED)


@FAST
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path, data):
    _load(tmp_path, data)


tomlish_line = st.one_of(
    st.sampled_from(SHIPPED_LINES),
    st.sampled_from(["[plan]", "[[commitment]]", "[commitment.schedule]", "[commitment.source]",
                     "[commitment]", "[[plan]]", "id = ", 'id = ""', "kind = 42", "every = [1, 2]",
                     'at = "25:61"', "at = 09:00:00", "date = 2026-02-30", "grace_minutes = -1",
                     "grace_minutes = 1e400", 'steps = "not a list"', "steps = [[]]", "x = {a = 1}",
                     "line = 99999999999999999999", '"\\u0000" = 1', "chosen = 'yes'"]),
    st.text(max_size=60),
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(
        ["id", "kind", "title", "phrase", "every", "at", "date", "days", "steps", "grace_minutes",
         "minutes", "window", "jitter_minutes", "after", "file", "line", "quote", "chosen"]),
        st.sampled_from(['""', "0", "-5", "true", "[]", "{}", '"mon"', '["x", 1]', "nan", "inf",
                         '"every"', "2026-11-19T10:00:00Z", '"\\u202e"', '"' + "x" * 3000 + '"'])),
)


@FAST
@given(lines=st.lists(tomlish_line, max_size=40))
def test_toml_ish_text(tmp_path, lines):
    _load(tmp_path, "\n".join(lines).encode("utf-8"))


toml_scalars = st.one_of(
    st.text(max_size=30), st.sampled_from(["", " ", "once", "daily", "weekly", "mon", "09:00", "24:00",
                                          "2026-11-23", "focus_block", "after", "\x00", "🌱" * 500]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(), st.booleans(),
    st.dates(min_value=date(1, 1, 1)), st.times(),
    st.datetimes(timezones=st.just(UTC)) | st.datetimes(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


def _targets(data: dict) -> list[tuple]:
    """Every (container, key) in a plan: the plan table, each commitment and its sub-tables."""
    found = [(data["plan"], key) for key in data["plan"]]
    for item in data.get("commitment", []):
        found += [(item, key) for key in item]
        for sub in ("schedule", "source"):
            if isinstance(item.get(sub), dict):
                found += [(item[sub], key) for key in item[sub]]
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(SHIPPED), picks=st.lists(st.tuples(st.integers(0, 10_000), toml_values,
                                                                 st.sampled_from(["set", "drop", "add"])),
                                                       min_size=1, max_size=4))
def test_random_values_in_real_fields(tmp_path, source, picks):
    data = copy.deepcopy(tomllib.loads(source.read_text("utf-8")))
    for index, value, action in picks:
        targets = _targets(data)
        container, key = targets[index % len(targets)]
        if action == "set":
            container[key] = value
        elif action == "drop":
            container.pop(key, None)
        else:
            container[f"unknown_{index}"] = value
    try:
        raw = tomli_w.dumps(data).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):
        return  # not expressible as TOML (e.g. a naive/aware mix tomli_w refuses): nothing to load
    _load(tmp_path, raw)


@pytest.mark.parametrize("text", ["[plan]\nid = 1\n", "\ufeff[plan]", "[[commitment]]\nschedule = 3",
                                  "plan = 'x'\ncommitment = 'y'", "commitment = [1, 2]"])
def test_known_awkward_shapes_are_problems_not_crashes(tmp_path, text):
    assert _load(tmp_path, text.encode("utf-8")) is None


def test_times_and_dates_of_every_toml_type(tmp_path):
    data = tomllib.loads(SHIPPED[0].read_text("utf-8"))
    for value in (time(9, 0), date(2026, 11, 23), datetime(2026, 11, 23, 9, 0),
                  datetime(2026, 11, 23, 9, 0, tzinfo=UTC), 900, 9.5):
        data["commitment"][0]["schedule"]["at"] = value
        _load(tmp_path, tomli_w.dumps(data).encode("utf-8"))
