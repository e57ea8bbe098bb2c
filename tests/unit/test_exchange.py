"""habit.exchange: export every entry and block, import it back losslessly and never twice."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from habit import logs
from habit.db.store import open_store
from habit.exchange import CSV_COLUMNS, ImportProblem, export_data, import_file, read_export
from habit.paths import HomePaths

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 19, 13, 0, 0, 123456, tzinfo=UTC)


def fresh_store(root: Path):
    return open_store(HomePaths(root))


def populate(store) -> None:
    done = store.start_block(started_at=NOW - timedelta(hours=3), planned_minutes=25,
                             goal="run sanity test X", commitment_id="focus-block")
    store.finish_block(done.id, status="completed", ended_at=NOW - timedelta(hours=2, minutes=35))
    cut = store.start_block(started_at=NOW - timedelta(hours=1), planned_minutes=10, goal="",
                            label="experiment")
    store.finish_block(cut.id, status="interrupted", ended_at=NOW - timedelta(minutes=57, seconds=1))
    store.start_block(started_at=NOW - timedelta(minutes=5), planned_minutes=25, goal="still going")
    store.add_entry("win", 'ran test "X", it failed; now I know where', NOW - timedelta(hours=2),
                    created_at=NOW, block_id=done.id, commitment_id="wins-log")
    store.add_entry("win", "after the short one", NOW - timedelta(minutes=56), created_at=NOW,
                    block_id=cut.id)
    logs.log_proud(store, "asked for help 🎉 — café", now=NOW, tz=BERLIN, target=3,
                   commitment_id="proud-things")
    logs.log_peer(store, "", now=NOW, peer="Sam", reply="Slowing down is allowed, ok?")
    logs.log_reflection(store, "line one,\nline two\twith a tab", now=NOW)
    logs.log_pause(store, None, now=NOW, at=NOW - timedelta(days=400))
    logs.log_win(store, "=SUM(A1:A3) stays text", now=NOW)


def table(store):
    """Everything but the local row ids, with block links followed to the block's uid."""
    blocks, entries = store.all_rows()
    uid = {b.id: b.uid for b in blocks}
    return (
        [{k: v for k, v in vars(b).items() if k != "id"} for b in blocks],
        [{**{k: v for k, v in vars(e).items() if k not in ("id", "block_id")},
          "block": uid.get(e.block_id)} for e in entries],
    )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_is_lossless_and_idempotent(store, tmp_path, fmt):
    populate(store)
    first = export_data(store, fmt, now=NOW)
    path = tmp_path / f"out.{fmt}"
    path.write_text(first, encoding="utf-8")

    other = fresh_store(tmp_path / "other")
    result = import_file(other, path)
    assert (result.blocks_added, result.entries_added) == (3, 7)
    assert table(other) == table(store)
    assert export_data(other, fmt, now=NOW) == first  # byte for byte

    again = import_file(other, path)
    assert (again.blocks_added, again.entries_added, again.blocks_skipped, again.entries_skipped) == (
        0, 0, 3, 7)
    assert table(other) == table(store)
    assert import_file(store, path).entries_added == 0  # into the store it came from: nothing new


def test_import_links_entries_to_the_local_block_ids(store, tmp_path):
    other = fresh_store(tmp_path / "other")
    other.start_block(started_at=NOW - timedelta(days=9), planned_minutes=5)  # shifts the ids there
    populate(store)
    path = tmp_path / "out.json"
    path.write_text(export_data(store, "json", now=NOW), encoding="utf-8")
    import_file(other, path)
    blocks = {b.id: b for b in other.blocks()}
    linked = [e for e in other.entries() if e.block_id is not None]
    assert [blocks[e.block_id].goal for e in linked] == ["run sanity test X", ""]
    assert [e.block_id for e in linked] != [e.block_id for e in store.entries() if e.block_id]


def test_merge_keeps_both_sides(store, tmp_path):
    populate(store)
    path = tmp_path / "out.csv"
    path.write_text(export_data(store, "csv", now=NOW), encoding="utf-8")
    other = fresh_store(tmp_path / "other")
    mine = logs.log_win(other, "only here", now=NOW)
    import_file(other, path)
    assert len(other.entries()) == 8 and other.get_entry(mine.id).text == "only here"


def test_csv_shape(store):
    populate(store)
    lines = export_data(store, "csv", now=NOW).splitlines()
    assert lines[0].split(",") == CSV_COLUMNS
    assert lines[1].startswith("block,")


def test_json_shape(store):
    populate(store)
    data = json.loads(export_data(store, "json", now=NOW))
    assert (data["format"], data["version"]) == ("habit-export", 1)
    assert data["entries"][0]["at"].endswith("+00:00")
    assert set(data["entries"][0]) == {"uid", "kind", "text", "at", "created_at", "commitment_id",
                                       "block_uid", "peer", "reply"}


printable = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r"), max_size=60
).map(str.strip)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(st.sampled_from(["win", "reflection", "note"]), printable,
                                st.one_of(st.none(), printable.filter(bool))), min_size=1, max_size=4),
       fmt=st.sampled_from(["csv", "json"]))
def test_round_trip_any_text(texts, fmt):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = fresh_store(root / "a")
        for i, (kind, text, reply) in enumerate(texts):
            source.add_entry(kind, text, NOW - timedelta(seconds=i), created_at=NOW, reply=reply)
        path = root / f"x.{fmt}"
        path.write_text(export_data(source, fmt, now=NOW), encoding="utf-8", newline="")
        target = fresh_store(root / "b")
        import_file(target, path)
        assert table(target) == table(source)
        source.close()
        target.close()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ENTRY = {"uid": "e1", "kind": "win", "text": "x", "at": "2026-11-19T13:00:00+00:00",
              "created_at": "2026-11-19T13:00:00+00:00"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.json", "{not json", "line 1: not valid JSON"),
        ("a.json", '{"entries": []}', "not a habit export"),
        ("a.json", json.dumps({"format": "habit-export", "version": 9}), "export version 9"),
        ("a.json", json.dumps({"format": "habit-export", "version": 1,
                               "entries": [{**GOOD_ENTRY, "kind": "mood"}]}), "kind 'mood'"),
        ("a.json", json.dumps({"format": "habit-export", "version": 1,
                               "entries": [{**GOOD_ENTRY, "at": "2026-11-19 13:00"}]}), "no UTC offset"),
        ("a.json", json.dumps({"format": "habit-export", "version": 1,
                               "entries": [{**GOOD_ENTRY, "uid": ""}]}), "uid is missing"),
        ("a.json", json.dumps({"format": "habit-export", "version": 1,
                               "entries": [{**GOOD_ENTRY, "text": "\x1b[2J"}]}), "control character"),
        ("a.json", json.dumps({"format": "habit-export", "version": 1,
                               "entries": [GOOD_ENTRY, {**GOOD_ENTRY, "text": "y"}]}), "appears twice"),
        ("a.csv", "when,what\n2026,x\n", "no record, uid column"),
        ("a.csv", "record,uid,kind,text,at,created_at\nentry,e1,win,x,yesterday,2026-11-19T13:00Z\n",
         "line 2: at 'yesterday' is not an ISO time"),
        ("a.csv", "record,uid\nthing,e1\n", "record is 'thing'"),
    ],
)
def test_bad_files_import_nothing(store, tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(ImportProblem, match=message) as err:
        import_file(store, path)
    assert "\n" not in str(err.value)
    assert store.entries() == [] and store.blocks() == []


def test_a_bad_row_late_in_the_file_imports_nothing_before_it(store, tmp_path):
    rows = [{**GOOD_ENTRY, "uid": f"e{i}"} for i in range(5)] + [{**GOOD_ENTRY, "uid": "z", "at": "x"}]
    path = write(tmp_path, "a.json", json.dumps({"format": "habit-export", "version": 1, "entries": rows}))
    with pytest.raises(ImportProblem, match=r"entries\[5\]"):
        import_file(store, path)
    assert store.entries() == []


def test_a_link_to_an_unknown_block_is_refused_not_dropped(store, tmp_path):
    row = {**GOOD_ENTRY, "block_uid": "b-elsewhere"}
    path = write(tmp_path, "a.json", json.dumps({"format": "habit-export", "version": 1, "entries": [row]}))
    with pytest.raises(ImportProblem, match="block b-elsewhere, which is neither in the file nor here"):
        import_file(store, path)
    assert store.entries() == []
    block = store.start_block(started_at=NOW, planned_minutes=5, uid="b-elsewhere")
    assert import_file(store, path).entries_added == 1
    assert store.entries()[0].block_id == block.id


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(ImportProblem, match="does not exist"):
        read_export(tmp_path / "nope.json")
    with pytest.raises(ImportProblem, match="is a folder"):
        read_export(tmp_path)
    binary = tmp_path / "a.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ImportProblem, match="not a UTF-8"):
        read_export(binary)
