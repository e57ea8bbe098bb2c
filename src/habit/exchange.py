"""Export every entry and block as CSV or JSON, and import such a file back.

- Lossless: every field of every entry and block, times as ISO 8601 in UTC with microseconds.
  Local row ids are not part of the data (they differ between machines); an entry names its block
  by the block's `uid` (`block_uid`), and import maps that back to the local block id.
- Idempotent: entries and blocks have a unique `uid`; import skips any uid already present, so
  importing the same file twice adds nothing (an existing row wins over the file's copy).
- All or nothing: the whole file is checked before anything is written, then written in one
  transaction. A bad row is reported as one line naming the row and field.
- CSV: one file, one row per record, `record` says "block" or "entry"; blocks come first. An empty
  cell in an optional column means "no value" (habit never stores an empty optional text).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from habit.errors import HabitError, UsageProblem
from habit.records import ENTRY_KINDS
from habit.text import TextProblem, clean_text

if TYPE_CHECKING:
    from habit.records import BlockRecord, EntryRecord, FullStore

FORMAT_NAME = "habit-export"
FORMAT_VERSION = 1
BLOCK_STATUSES = ("running", "completed", "interrupted")

# field -> (type, optional). The order is the column order of the CSV and the JSON objects.
BLOCK_FIELDS: dict[str, tuple[str, bool]] = {
    "uid": ("str", False), "commitment_id": ("str", True), "started_at": ("time", False),
    "planned_minutes": ("int", False), "goal": ("str", False), "label": ("str", True),
    "status": ("str", False), "last_seen_at": ("time", False), "ended_at": ("time", True),
    "actual_seconds": ("int", True),
}
ENTRY_FIELDS: dict[str, tuple[str, bool]] = {
    "uid": ("str", False), "kind": ("str", False), "text": ("str", False), "at": ("time", False),
    "created_at": ("time", False), "commitment_id": ("str", True), "block_uid": ("str", True),
    "peer": ("str", True), "reply": ("str", True),
}
CSV_COLUMNS = ["record", *dict.fromkeys([*ENTRY_FIELDS, *BLOCK_FIELDS])]


class ImportProblem(HabitError):
    """The file to import cannot be read as a habit export; nothing was imported."""

    exit_code = 2


@dataclass(frozen=True)
class ImportResult:
    blocks_added: int
    blocks_skipped: int
    entries_added: int
    entries_skipped: int


# ---------------------------------------------------------------- export


def export_data(store: FullStore, fmt: str, *, now: datetime) -> str:
    """Every block and entry, oldest first, as the text of a CSV or JSON file."""
    blocks, entries = store.all_rows()
    block_uid = {block.id: block.uid for block in blocks}
    block_rows = [_block_dict(b) for b in blocks]
    entry_rows = [_entry_dict(e, block_uid) for e in entries]
    if fmt == "json":
        return json.dumps({
            "format": FORMAT_NAME, "version": FORMAT_VERSION,
            "exported_at": now.astimezone(UTC).isoformat(),
            "blocks": block_rows, "entries": entry_rows,
        }, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record, rows in (("block", block_rows), ("entry", entry_rows)):
            for row in rows:
                writer.writerow({"record": record, **{k: _csv_cell(v) for k, v in row.items()}})
        return out.getvalue()
    raise UsageProblem(f"'{fmt}' is not an export format; use --format csv or --format json.")


def _block_dict(block: BlockRecord) -> dict[str, Any]:
    return {name: _plain(getattr(block, name)) for name in BLOCK_FIELDS}


def _entry_dict(entry: EntryRecord, block_uid: dict[int, str]) -> dict[str, Any]:
    row = {name: _plain(getattr(entry, name, None)) for name in ENTRY_FIELDS}
    row["block_uid"] = block_uid.get(entry.block_id) if entry.block_id is not None else None
    return row


def _plain(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _csv_cell(value: Any) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------- import


def read_export(path: Path) -> tuple[list[dict], list[dict]]:
    """Read and check a whole export file; returns (blocks, entries) ready for the store."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportProblem(f"{path} does not exist; nothing was imported.") from None
    except IsADirectoryError:
        raise ImportProblem(f"{path} is a folder; give the export file itself.") from None
    except OSError as err:
        raise ImportProblem(f"cannot read {path} ({err.strerror}); nothing was imported.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem(f"{path} is not a UTF-8 text file; nothing was imported.") from None
    if text.lstrip().startswith("{"):
        blocks, entries = _from_json(text, path)
    else:
        blocks, entries = _from_csv(text, path)
    _check_unique_uids(blocks, entries, path)
    return blocks, entries


def import_file(store: FullStore, path: Path) -> ImportResult:
    blocks, entries = read_export(path)
    in_file = {block["uid"] for block in blocks}
    for entry in entries:  # a link to a block neither in the file nor here would be lost
        ref = entry.get("block_uid")
        if ref and ref not in in_file and not store.has_uid("block", ref):
            raise ImportProblem(
                f"{path}: entry {entry['uid']} belongs to block {ref}, which is neither in the file "
                "nor here; nothing was imported. Export again with the blocks included."
            )
    added_blocks, added_entries = store.import_rows(blocks, entries)
    return ImportResult(added_blocks, len(blocks) - added_blocks, added_entries,
                        len(entries) - added_entries)


def _from_json(text: str, path: Path) -> tuple[list[dict], list[dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ImportProblem(
            f"{path}: line {err.lineno}: not valid JSON ({err.msg}); nothing was imported."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ImportProblem(f"{path} is not a habit export (no \"format\": \"{FORMAT_NAME}\").")
    version = data.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ImportProblem(
            f"{path} is export version {version!r}; this habit reads version {FORMAT_VERSION}. "
            "Upgrade habit to import it."
        )
    out: list[list[dict]] = []
    for key, spec in (("blocks", BLOCK_FIELDS), ("entries", ENTRY_FIELDS)):
        rows = data.get(key, [])
        if not isinstance(rows, list):
            raise ImportProblem(f"{path}: \"{key}\" is not a list; nothing was imported.")
        out.append([_check_row(row, spec, f"{path}: {key}[{i}]", csv_text=False)
                    for i, row in enumerate(rows)])
    return out[0], out[1]


def _from_csv(text: str, path: Path) -> tuple[list[dict], list[dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ("record", "uid") if c not in header]
    if missing:
        raise ImportProblem(
            f"{path} is not a habit export (no {', '.join(missing)} column); nothing was imported."
        )
    blocks: list[dict] = []
    entries: list[dict] = []
    for row in reader:
        where = f"{path}: line {reader.line_num}"
        record = (row.get("record") or "").strip()
        if record == "block":
            blocks.append(_check_row(row, BLOCK_FIELDS, where, csv_text=True))
        elif record == "entry":
            entries.append(_check_row(row, ENTRY_FIELDS, where, csv_text=True))
        else:
            raise ImportProblem(f"{where}: record is '{record}', not block or entry; nothing was imported.")
    return blocks, entries


def _check_row(row: Any, spec: dict[str, tuple[str, bool]], where: str, *,
               csv_text: bool) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise ImportProblem(f"{where}: not an object; nothing was imported.")
    values: dict[str, Any] = {}
    for name, (kind, optional) in spec.items():
        value = row.get(name)
        if csv_text and value == "" and (optional or kind != "str"):
            value = None  # an empty CSV cell is "no value"; a required text may be empty
        if value is None:
            if not optional:
                raise ImportProblem(f"{where}: {name} is missing; nothing was imported.")
            values[name] = None
            continue
        values[name] = _convert(value, kind, name, where, csv_text=csv_text)
    if not values.get("uid"):
        raise ImportProblem(f"{where}: uid is missing; nothing was imported.")
    if "kind" in values and values["kind"] not in ENTRY_KINDS:
        raise ImportProblem(
            f"{where}: kind '{values['kind']}' is not one of {', '.join(ENTRY_KINDS)}; nothing was imported."
        )
    if "status" in values and values["status"] not in BLOCK_STATUSES:
        raise ImportProblem(
            f"{where}: status '{values['status']}' is not one of {', '.join(BLOCK_STATUSES)}."
        )
    return values


def _convert(value: Any, kind: str, name: str, where: str, *, csv_text: bool) -> Any:
    if kind == "time":
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise ImportProblem(
                f"{where}: {name} '{value}' is not an ISO time; nothing was imported."
            ) from None
        if moment.tzinfo is None:
            raise ImportProblem(f"{where}: {name} '{value}' has no UTC offset; nothing was imported.")
        return moment.astimezone(UTC)
    if kind == "int":
        try:
            if isinstance(value, bool) or (not csv_text and not isinstance(value, int)):
                raise ValueError
            return int(value)
        except ValueError:
            raise ImportProblem(
                f"{where}: {name} '{value}' is not a whole number; nothing was imported."
            ) from None
    if not isinstance(value, str):
        raise ImportProblem(f"{where}: {name} is not text; nothing was imported.")
    try:  # the same checks as typed text (no control characters, the length limit), never altered
        clean_text(value, what=name, required=False, multiline=True)
    except TextProblem as err:
        raise ImportProblem(f"{where}: {err}") from None
    return value


def _check_unique_uids(blocks: list[dict], entries: list[dict], path: Path) -> None:
    seen: set[str] = set()
    for kind, rows in (("block", blocks), ("entry", entries)):
        for row in rows:
            key = f"{kind}:{row['uid']}"
            if key in seen:
                raise ImportProblem(f"{path}: {kind} uid {row['uid']} appears twice; nothing was imported.")
            seen.add(key)
