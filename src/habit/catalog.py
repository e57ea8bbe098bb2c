"""Which plans are available (shipped and the user's own) and which are active."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from habit.config import Config, PeerConfig, load_config, save_config, with_active
from habit.errors import NotFound, PlanClash, PlanProblems
from habit.paths import HomePaths, ensure_home
from habit.plans import Commitment, Plan, Schedule, builtin_plans_dir, check_unique, load_plan, plan_files


@dataclass(frozen=True)
class Catalog:
    plans: tuple[Plan, ...]  # every available plan, the user's own first
    active_ids: tuple[str, ...]

    @property
    def active(self) -> list[Plan]:
        by_id = {plan.id: plan for plan in self.plans}
        return [by_id[pid] for pid in self.active_ids if pid in by_id]

    def commitments(self) -> list[Commitment]:
        return [item for plan in self.active for item in plan.commitments]

    def of_kind(self, *kinds: str) -> list[Commitment]:
        return [item for item in self.commitments() if item.kind in kinds]

    def first_of_kind(self, kind: str) -> Commitment | None:
        found = self.of_kind(kind)
        return found[0] if found else None

    def plan(self, plan_id: str) -> Plan:
        for plan in self.plans:
            if plan.id == plan_id:
                return plan
        raise NotFound(f"no plan '{plan_id}'; `habit plan list` shows the plans there are.")

    def commitment(self, commitment_id: str) -> Commitment:
        for plan in self.plans:
            for item in plan.commitments:
                if item.id == commitment_id:
                    return item
        raise NotFound(
            f"no commitment '{commitment_id}'; `habit plan list` shows the plans and their ids."
        )


def load_catalog(paths: HomePaths, config: Config | None = None) -> Catalog:
    config = config or load_config(paths)
    files = plan_files(paths.plans_dir) + plan_files(builtin_plans_dir())
    plans: dict[str, Plan] = {}
    problems: list[str] = []
    for path in files:
        try:
            plan = load_plan(path)
        except PlanProblems as err:
            problems.extend(err.problems)
            continue
        plans.setdefault(plan.id, plan)  # the user's own copy wins over the shipped one
    if problems:
        raise PlanProblems(problems)
    catalog = Catalog(tuple(_with_legacy_peer(plans, config).values()), config.active_plans)
    check_unique(catalog.active)
    return catalog


def _with_legacy_peer(plans: dict[str, Plan], config: Config) -> dict[str, Plan]:
    """An older config.toml kept the peer in [peer]: read it onto the first active peer check,
    so every reader sees one arrangement (the next edit writes it into the plan)."""
    peer = config.peer
    if not (peer.name or peer.backup or peer.slot or peer.minutes):
        return plans
    for plan_id in config.active_plans:
        plan = plans.get(plan_id)
        item = next((c for c in plan.commitments if c.kind == "peer_check"), None) if plan else None
        if plan is None or item is None:
            continue
        changed = replace(item, peer=peer.name or item.peer, backup=peer.backup or item.backup,
                          minutes=peer.minutes or item.minutes)
        slot = _legacy_slot(peer.slot)
        if slot is not None:
            changed = replace(changed, schedule=Schedule("weekly", at=slot[1], day=slot[0]))
        commitments = tuple(changed if c is item else c for c in plan.commitments)
        return {**plans, plan_id: replace(plan, commitments=commitments)}
    return plans


def _legacy_slot(text: str | None):
    from habit.schedule import parse_slot

    return parse_slot(text) if text else None


def peer_view(config: Config, catalog: Catalog) -> Config:
    """The config as readers use it: the peer's names come from the active peer check, and its
    slot from that commitment's schedule (config.toml's [peer] is only read, see above)."""
    item = catalog.first_of_kind("peer_check")
    if item is None:
        return config
    return replace(config, peer=PeerConfig(name=item.peer, backup=item.backup))


def legacy_peer_pending(config: Config) -> bool:
    peer = config.peer
    return bool(peer.name or peer.backup or peer.slot or peer.minutes)


def initialise(paths: HomePaths, extra_plans: list[str], *,
               replace_ids: list[str] | None = None) -> tuple[Config, list[str]]:
    """Create the home and config (idempotent) and activate the plans given, files or example names.

    A fresh home activates nothing: the examples stay examples until chosen.
    """
    ensure_home(paths)
    config = load_config(paths)
    save_config(paths, config)
    added = [activate_plan(paths, ref, replace_ids=replace_ids).id for ref in extra_plans]
    return load_config(paths), added


def resolve_plan_ref(paths: HomePaths, ref: str | Path) -> Path:
    """A plan file, or the name of an example shipped with habit (or of a plan in the data folder)."""
    path = Path(ref)
    if path.exists() or path.suffix == ".toml" or "/" in str(ref):
        return path
    for folder in (paths.plans_dir, builtin_plans_dir()):
        candidate = folder / f"{ref}.toml"
        if candidate.is_file():
            return candidate
    for folder in (paths.plans_dir, builtin_plans_dir()):
        for candidate in plan_files(folder):
            try:
                if load_plan(candidate).id == str(ref):
                    return candidate
            except PlanProblems:
                continue
    names = ", ".join(p.stem for p in plan_files(builtin_plans_dir()))
    raise NotFound(f"no plan file or example called '{ref}'; the examples are: {names}.")


def activate_plan(paths: HomePaths, ref: str | Path, *,
                  replace_ids: list[str] | None = None) -> Plan:
    """Check a plan (file or example name), copy a file into the data home and make it active.

    Everything is checked first: on a clash of commitment ids with an active plan nothing is copied
    and the config is not touched. `replace_ids` names active plans to make inactive in its place.
    """
    source = resolve_plan_ref(paths, ref)
    plan = load_plan(source)
    config = load_config(paths)
    replaced = list(replace_ids or [])
    for pid in replaced:
        if pid not in config.active_plans:
            raise NotFound(f"plan '{pid}' is not active, so there is nothing to replace; "
                           "`habit plan list` shows the active plans.")
    current = load_catalog(paths, config)
    others = [p for p in current.active if p.id != plan.id and p.id not in replaced]
    _refuse_clash(plan, others)
    shipped = source.resolve().parent == builtin_plans_dir().resolve()
    if not shipped:
        _copy_into_home(paths, source, plan)
    active = [p for p in config.active_plans if p not in replaced]
    save_config(paths, with_active(config, [*active, plan.id]))
    return load_catalog(paths).plan(plan.id)


def _refuse_clash(plan: Plan, others: list[Plan]) -> None:
    owner = {item.id: other for other in others for item in other.commitments}
    for item in plan.commitments:
        if item.id in owner:
            other = owner[item.id].id
            raise PlanClash(
                f"plan {plan.id} and the active plan {other} both have a commitment '{item.id}'; "
                f"nothing was changed. Use --replace {other} to swap them, or rename the id in "
                f"{plan.id}."
            )


def _copy_into_home(paths: HomePaths, source: Path, plan: Plan) -> None:
    from habit.paths import write_private

    ensure_home(paths)
    paths.plans_dir.mkdir(mode=0o700, exist_ok=True)
    target = paths.plans_dir / f"{plan.id}.toml"
    if source.resolve() != target.resolve():
        write_private(target, source.read_text(encoding="utf-8"))


def deactivate(paths: HomePaths, plan_id: str) -> None:
    config = load_config(paths)
    if plan_id not in config.active_plans:
        raise NotFound(f"plan '{plan_id}' is not active.")
    save_config(paths, with_active(config, [p for p in config.active_plans if p != plan_id]))
