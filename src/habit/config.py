"""config.toml in the data home: the active plans, the peer, sharing and the weekly summary.

Read with tomllib, written atomically with mode 0600. Unknown keys are kept as they are.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from habit.errors import HabitError
from habit.paths import HomePaths, ensure_home, write_private


@dataclass(frozen=True)
class PeerConfig:
    name: str | None = None
    backup: str | None = None
    slot: str | None = None  # "fri 16:00"
    minutes: int | None = None


@dataclass(frozen=True)
class ShareConfig:
    webhook: str | None = None
    auto_post: bool = False


@dataclass(frozen=True)
class NotifyConfig:
    """How long desktop notices stay, in seconds; 0 keeps one until it is clicked away."""

    seconds: float = 10  # reminders and cues
    block_end_seconds: float = 0  # "Focus block complete" stays until you are back


@dataclass(frozen=True)
class Config:
    active_plans: tuple[str, ...] = ()
    peer: PeerConfig = field(default_factory=PeerConfig)
    share: ShareConfig = field(default_factory=ShareConfig)
    summary_day: str = "sun"
    summary_at: str = "18:00"
    notifications: NotifyConfig = field(default_factory=NotifyConfig)
    extra: dict[str, Any] = field(default_factory=dict)  # keys we do not know, kept on save


def load_config(paths: HomePaths) -> Config:
    """The saved config, or an empty one when habit was never initialised."""
    try:
        raw = paths.config.read_text(encoding="utf-8")
    except FileNotFoundError:
        # Never initialised: nothing is active until the user picks or writes a plan.
        return Config()
    except OSError as err:
        raise HabitError(f"cannot read {paths.config} ({err.strerror}).") from err
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as err:
        raise HabitError(f"{paths.config} is not valid TOML ({err}); fix or remove it.") from err
    return _from_dict(data)


def save_config(paths: HomePaths, config: Config) -> None:
    import tomli_w

    ensure_home(paths)
    write_private(paths.config, tomli_w.dumps(_to_dict(config)))


def with_active(config: Config, plan_ids: list[str]) -> Config:
    return replace(config, active_plans=tuple(dict.fromkeys(plan_ids)))


def _from_dict(data: dict[str, Any]) -> Config:
    plans = data.get("plans", {})
    peer = data.get("peer", {})
    share = data.get("share", {})
    summary = data.get("summary", {})
    known = {"plans", "peer", "share", "summary", "notifications"}
    active = plans.get("active", []) if isinstance(plans, dict) else []
    return Config(
        active_plans=tuple(str(p) for p in active),
        peer=PeerConfig(
            name=peer.get("name"), backup=peer.get("backup"), slot=peer.get("slot"),
            minutes=peer.get("minutes"),
        ),
        share=ShareConfig(webhook=share.get("webhook"), auto_post=bool(share.get("auto_post"))),
        summary_day=str(summary.get("day", "sun")),
        summary_at=str(summary.get("at", "18:00")),
        notifications=_notifications(data.get("notifications", {})),
        extra={k: v for k, v in data.items() if k not in known},
    )


def _notifications(table: Any) -> NotifyConfig:
    if not isinstance(table, dict):
        raise HabitError("[notifications] in config.toml must be a table, like: seconds = 10")
    default = NotifyConfig()
    values = {}
    for key in ("seconds", "block_end_seconds"):
        value = table.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 86400:
            raise HabitError(f"notifications.{key} in config.toml must be a number of seconds "
                             f"from 0 to 86400 (0 keeps the notice until clicked); it is {value!r}.")
        values[key] = value
    return NotifyConfig(**values)


def _to_dict(config: Config) -> dict[str, Any]:
    def clean(values: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if v is not None}

    data: dict[str, Any] = dict(config.extra)
    data["plans"] = {"active": list(config.active_plans)}
    peer = clean(vars(config.peer))
    if peer:
        data["peer"] = peer
    share = clean(vars(config.share))
    if config.share.webhook or config.share.auto_post:
        data["share"] = share
    data["summary"] = {"day": config.summary_day, "at": config.summary_at}
    if config.notifications != NotifyConfig():
        data["notifications"] = vars(config.notifications)
    return data
