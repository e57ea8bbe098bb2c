"""Which plans are available (shipped and the user's own) and which are active."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from habit.config import DEFAULT_PLANS, Config, load_config, save_config, with_active
from habit.errors import NotFound, PlanProblems
from habit.paths import HomePaths, ensure_home
from habit.plans import Commitment, Plan, builtin_plans_dir, check_unique, load_plan, plan_files


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
    catalog = Catalog(tuple(plans.values()), config.active_plans)
    check_unique(catalog.active)
    return catalog


def initialise(paths: HomePaths, extra_plans: list[Path]) -> tuple[Config, list[str]]:
    """Create the home and config (idempotent); activate the default plans and any given files."""
    ensure_home(paths)
    config = load_config(paths)
    active = list(config.active_plans) or list(DEFAULT_PLANS)
    added = [add_plan_file(paths, path).id for path in extra_plans]
    config = with_active(config, active + added)
    save_config(paths, config)
    load_catalog(paths, config)  # fail now, not later, if the active set conflicts
    return config, added


def add_plan_file(paths: HomePaths, path: Path) -> Plan:
    """Check a plan file, copy it into the data home and make it active."""
    plan = load_plan(path)
    ensure_home(paths)
    paths.plans_dir.mkdir(mode=0o700, exist_ok=True)
    target = paths.plans_dir / f"{plan.id}.toml"
    if path.resolve() != target.resolve():
        shutil.copyfile(path, target)
        target.chmod(0o600)
    config = load_config(paths)
    new = with_active(config, [*config.active_plans, plan.id])
    check_unique(load_catalog(paths, new).active)
    save_config(paths, new)
    return load_plan(target)


def deactivate(paths: HomePaths, plan_id: str) -> None:
    config = load_config(paths)
    if plan_id not in config.active_plans:
        raise NotFound(f"plan '{plan_id}' is not active.")
    save_config(paths, with_active(config, [p for p in config.active_plans if p != plan_id]))
