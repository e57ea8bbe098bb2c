"""Edit plan files without hand-written TOML: `habit plan set / unset / remove`.

tomlkit keeps the comments and layout of the file; every change is validated as a whole plan
(and against the other active plans) before it atomically replaces the file. A plan shipped with
habit is never changed: editing one first copies it into the data folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from habit.catalog import load_catalog
from habit.config import PeerConfig, load_config, save_config, with_active
from habit.errors import NotFound, PlanProblems, UsageProblem
from habit.paths import HomePaths, ensure_home, write_private
from habit.plans import (
    EVERY,
    KINDS,
    WEEKDAYS,
    Commitment,
    Plan,
    builtin_plans_dir,
    check_unique,
    parse_hhmm,
    parse_plan,
)

OWN_PLAN_ID = "my-plan"
OWN_PLAN_TEXT = """\
# Your own plan, written with `habit plan set` (edit it freely; `habit plan check` validates it).
[plan]
id = "my-plan"
title = "My plan"
own = true
"""
# Options of `plan set` that live under [commitment.schedule]; the rest sit on the commitment.
SCHEDULE_FIELDS = ("every", "days", "at", "after")
COMMITMENT_FIELDS = ("kind", "title", "cue", "minutes", "breathing_minutes", "weekly_target", "peer",
                     "backup", "phrase", "steps", "template", "question", "reward")
# What `plan unset` accepts, as typed (option names work too).
UNSET_NAMES = {name.replace("_", "-"): name for name in (*COMMITMENT_FIELDS, *SCHEDULE_FIELDS)}
UNSET_NAMES.update({"target": "weekly_target", "step": "steps", "schedule": "schedule"})


@dataclass(frozen=True)
class Edited:
    plan: Plan
    commitment: Commitment | None  # None after a removal
    copied_from: Path | None       # the shipped file copied into the data folder first
    created: bool                  # a new commitment (or a new own plan)


def set_commitment(paths: HomePaths, commitment_id: str, changes: dict[str, Any], *,
                   plan_id: str | None = None) -> Edited:
    """Create or change one commitment; `changes` holds only the options given."""
    changes = {key: value for key, value in changes.items() if value is not None}
    _check_values(changes)
    target, existing = _locate(paths, commitment_id, plan_id)
    legacy = load_config(paths).peer
    migrate = _is_peer_check(existing, changes) and any(vars(legacy).values())
    if migrate:  # an older config.toml's [peer] moves into the plan on this first edit
        changes = {**_legacy_changes(legacy), **changes}
    doc, path, copied = _open_for_edit(paths, target)
    table = _find(doc, commitment_id)
    created = table is None
    if table is None:
        if "kind" not in changes:
            raise UsageProblem(f"'{commitment_id}' is a new commitment: say what it is with --kind "
                               f"({', '.join(KINDS)}).")
        table = _new_table(doc, commitment_id, changes, own_plan=_is_own(doc))
    _apply(table, changes)
    plan = _validate_and_write(paths, doc, path, activate=True)
    if migrate:
        config = load_config(paths)
        save_config(paths, replace(config, peer=PeerConfig()))
    return Edited(plan, plan.commitment(commitment_id), copied, created or existing is None)


def unset_field(paths: HomePaths, commitment_id: str, name: str) -> Edited:
    key = UNSET_NAMES.get(name.strip().lstrip("-").replace("_", "-"))
    if key is None:
        raise UsageProblem(f"'{name}' is not a field habit can unset; use one of "
                           f"{', '.join(sorted(UNSET_NAMES))}.")
    if key in ("kind", "title"):
        raise UsageProblem(f"every commitment needs a {key}; change it with `habit plan set "
                           f"{commitment_id} --{key} ...` instead.")
    target, _ = _locate(paths, commitment_id, None, must_exist=True)
    doc, path, copied = _open_for_edit(paths, target)
    table = _find(doc, commitment_id)
    assert table is not None
    if key in ("schedule", "every"):
        table.pop("schedule", None)  # no schedule: a commitment done when you choose
    else:
        holder = table.get("schedule", {}) if key in SCHEDULE_FIELDS else table
        if key == "days":
            holder.pop("day", None)
        holder.pop(key, None)
    plan = _validate_and_write(paths, doc, path, activate=False)
    return Edited(plan, plan.commitment(commitment_id), copied, False)


def remove_commitment(paths: HomePaths, commitment_id: str) -> Edited:
    target, _ = _locate(paths, commitment_id, None, must_exist=True)
    doc, path, copied = _open_for_edit(paths, target)
    items = doc.get("commitment")
    followers = [t.get("id") for t in items
                 if t.get("schedule", {}).get("after") == commitment_id]
    if followers:
        raise UsageProblem(f"{', '.join(map(str, followers))} follows {commitment_id}; move or "
                           f"remove it first (`habit plan set {followers[0]} --every ...`).")
    index = next(i for i, t in enumerate(items) if t.get("id") == commitment_id)
    del items[index]
    plan = _validate_and_write(paths, doc, path, activate=False)
    return Edited(plan, None, copied, False)


def _is_peer_check(existing: Commitment | None, changes: dict[str, Any]) -> bool:
    return (existing.kind if existing else changes.get("kind")) == "peer_check"


def _legacy_changes(peer: PeerConfig) -> dict[str, Any]:
    from habit.schedule import parse_slot

    changes: dict[str, Any] = {"peer": peer.name, "backup": peer.backup, "minutes": peer.minutes}
    slot = parse_slot(peer.slot) if peer.slot else None
    if slot is not None:
        changes.update(every="weekly", days=[slot[0]], at=slot[1].strftime("%H:%M"))
    return {key: value for key, value in changes.items() if value is not None}


# ---------------------------------------------------------------- where the commitment lives


def _locate(paths: HomePaths, commitment_id: str, plan_id: str | None, *,
            must_exist: bool = False) -> tuple[Path | None, Commitment | None]:
    """The plan file to edit (None: the user's own plan, still to be made) and the commitment."""
    catalog = load_catalog(paths)
    if plan_id is not None:
        plan = catalog.plan(plan_id) if plan_id != OWN_PLAN_ID or _own_exists(paths) else None
        found = next((c for c in plan.commitments if c.id == commitment_id), None) if plan else None
        if plan is not None:
            _refuse_clash_elsewhere(catalog.active, plan.id, commitment_id)
        return (plan.path if plan else None), found
    for plan in catalog.active:
        for item in plan.commitments:
            if item.id == commitment_id:
                return plan.path, item
    if must_exist:
        raise NotFound(f"no active commitment '{commitment_id}'; `habit plan list` shows the ids.")
    own = next((p for p in catalog.plans if p.id == OWN_PLAN_ID), None)
    return (own.path if own else None), None


def _own_exists(paths: HomePaths) -> bool:
    return (paths.plans_dir / f"{OWN_PLAN_ID}.toml").is_file()


def _refuse_clash_elsewhere(active: list[Plan], plan_id: str, commitment_id: str) -> None:
    for plan in active:
        if plan.id != plan_id and any(c.id == commitment_id for c in plan.commitments):
            raise UsageProblem(f"the active plan {plan.id} already has a commitment '{commitment_id}'; "
                               "choose another id, or edit that one.")


def _open_for_edit(paths: HomePaths, path: Path | None) -> tuple[Any, Path, Path | None]:
    """The TOML document and where it will be written (always inside the data folder)."""
    import tomlkit

    ensure_home(paths)
    paths.plans_dir.mkdir(mode=0o700, exist_ok=True)
    if path is None:
        return tomlkit.parse(OWN_PLAN_TEXT), paths.plans_dir / f"{OWN_PLAN_ID}.toml", None
    text = path.read_text(encoding="utf-8")
    shipped = path.resolve().parent == builtin_plans_dir().resolve()
    target = paths.plans_dir / path.name if shipped else path
    return tomlkit.parse(text), target, (path if shipped else None)


def _is_own(doc: Any) -> bool:
    return bool(doc.get("plan", {}).get("own", False))


def _find(doc: Any, commitment_id: str) -> Any | None:
    for table in doc.get("commitment", []):
        if table.get("id") == commitment_id:
            return table
    return None


def _new_table(doc: Any, commitment_id: str, changes: dict[str, Any], *, own_plan: bool) -> Any:
    import tomlkit

    table = tomlkit.table()
    table.trivia.indent = "\n"  # a blank line before each [[commitment]], as in the examples
    table.add("id", commitment_id)
    table.add("kind", changes["kind"])
    table.add("title", changes.get("title") or KINDS[changes["kind"]].capitalize())
    if not own_plan:
        table.add("own", True)  # written by the user: no session words to quote
    if "commitment" not in doc:
        doc.add("commitment", tomlkit.aot())
    doc["commitment"].append(table)
    return table


# ---------------------------------------------------------------- applying the options


def _check_values(changes: dict[str, Any]) -> None:
    kind = changes.get("kind")
    if kind is not None and kind not in KINDS:
        raise UsageProblem(f"--kind {kind}: use one of {', '.join(KINDS)}.")
    every = changes.get("every")
    if every is not None and every not in EVERY:
        raise UsageProblem(f"--every {every}: use one of {', '.join(EVERY)}.")
    if "at" in changes and parse_hhmm(changes["at"]) is None:
        raise UsageProblem(f"--at {changes['at']}: give a time like 09:15.")
    if "days" in changes:
        changes["days"] = parse_days(changes["days"])


_FULL = {d: f for d, f in zip(WEEKDAYS, ("monday", "tuesday", "wednesday", "thursday", "friday",
                                          "saturday", "sunday"), strict=True)}


def _day(word: str) -> str:
    short = word[:3]
    return short if short in WEEKDAYS and word in (short, _FULL[short]) else ""


def parse_days(raw: str | list[str]) -> list[str]:
    """'mon,wed,fri', 'mon-fri', 'Thursday' -> ["mon", "wed", "fri"] ... in week order."""
    text = raw if isinstance(raw, str) else ",".join(raw)
    picked: list[str] = []
    for word in (w.strip().lower() for w in text.replace(" ", ",").split(",") if w.strip()):
        start, dash, end = word.partition("-")
        first, last = _day(start), _day(end if dash else start)
        if first not in WEEKDAYS or last not in WEEKDAYS or WEEKDAYS.index(first) > WEEKDAYS.index(last):
            raise UsageProblem(f"--days {text}: give days like mon,wed,fri or mon-fri.")
        picked.extend(WEEKDAYS[WEEKDAYS.index(first): WEEKDAYS.index(last) + 1])
    if not picked:
        raise UsageProblem(f"--days {text}: give days like mon,wed,fri or mon-fri.")
    return [d for d in WEEKDAYS if d in picked]


def _apply(table: Any, changes: dict[str, Any]) -> None:
    import tomlkit

    for key in COMMITMENT_FIELDS:
        if key in changes and key != "kind":
            value = changes[key]
            if value == "":  # an empty text clears the field (`peer setup --backup ""`)
                table.pop(key, None)
                continue
            table[key] = list(value) if key == "steps" else value
        elif key == "kind" and key in changes:
            table["kind"] = changes["kind"]
    if not any(key in changes for key in SCHEDULE_FIELDS):
        return
    every = changes.get("every") or table.get("schedule", {}).get("every")
    if "schedule" not in table:
        fresh = tomlkit.table()
        fresh.trivia.indent = "\n"
        fresh.add("every", every or "daily")  # first, as in the examples
        table.add("schedule", fresh)
    sched = table["schedule"]
    if "after" in changes:
        every = "after"
        sched["after"] = changes["after"]
    if "days" in changes:
        if every in (None, "daily", "weekdays", "once", "after"):
            every = "weekly"  # a day set is a weekly schedule on those days
        sched.pop("day", None)
        sched["days"] = changes["days"]
    if every is None:
        every = "daily"
    sched["every"] = every
    if every != "after":
        sched.pop("after", None)
    if every in ("daily", "weekdays", "once"):
        sched.pop("days", None)
        sched.pop("day", None)
    if "at" in changes:
        at = parse_hhmm(changes["at"])
        sched["at"] = at.strftime("%H:%M") if at else changes["at"]
        sched.pop("chosen", None)  # the user chose this time now


def _validate_and_write(paths: HomePaths, doc: Any, path: Path, *, activate: bool) -> Plan:
    import tomlkit

    text = tomlkit.dumps(doc)
    plan = parse_plan(text, path=path)  # raises PlanProblems: nothing is written
    config = load_config(paths)
    catalog = load_catalog(paths, config)
    others = [p for p in catalog.active if p.id != plan.id]
    active = plan.id in config.active_plans or activate
    if active:
        try:
            check_unique([*others, plan])
        except PlanProblems as err:
            raise UsageProblem(err.problems[0].split(": ", 1)[-1]) from None
    write_private(path, text)
    if active and plan.id not in config.active_plans:
        save_config(paths, with_active(config, [*config.active_plans, plan.id]))
    return plan
