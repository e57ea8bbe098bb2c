"""Sharing outward, on the user's terms: the peer set-up, the two-line peer text, the webhook set-up.

Pure domain code: it reads and writes config.toml and fills text; it prints nothing and posts
nothing (posting is `habit.webhook.post_text`, called by the CLI only when a webhook is set up).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, replace
from datetime import datetime, time, tzinfo
from typing import TYPE_CHECKING

from habit.catalog import Catalog
from habit.config import Config, ShareConfig, load_config, save_config
from habit.errors import UsageProblem
from habit.paths import HomePaths
from habit.plans import Commitment
from habit.schedule import parse_slot
from habit.text import clean_text

if TYPE_CHECKING:
    from habit.records import HabitStore
    from habit.weeks import IsoWeek

# When the user gives no need (a flag, or Enter at the prompt), line 2 asks for the gentlest thing.
DEFAULT_NEED = "permission to slow down"
MAX_WINS = 2
MAX_WIN_CHARS = 100
MAX_NEED_CHARS = 280
DEFAULT_PEER_MINUTES = 5
_PLACEHOLDER_RE = re.compile(r"\{(blocks|minutes|wins|need)\}")
class WebhookProblem(UsageProblem):
    """A webhook address that cannot be used. The message never repeats the address."""


# ---------------------------------------------------------------- the peer


@dataclass(frozen=True)
class PeerSlot:
    """When the weekly peer check happens: the configured slot, else the plan's."""

    day: str  # mon..sun
    at: time
    minutes: int
    from_config: bool

    def describe(self) -> str:
        return f"{self.day} {self.at.strftime('%H:%M')}"


def peer_check_commitment(catalog: Catalog) -> Commitment | None:
    return catalog.first_of_kind("peer_check")


def peer_slot(config: Config, commitment: Commitment | None) -> PeerSlot | None:
    """The slot the reminder and the calendar use: the peer check's weekly schedule (an older
    config.toml's [peer] slot is already read onto it by the catalog)."""
    minutes = config.peer.minutes or (commitment.minutes if commitment else None) or DEFAULT_PEER_MINUTES
    if config.peer.slot:
        day, at = parse_slot(config.peer.slot)
        return PeerSlot(day, at, minutes, from_config=True)
    sched = commitment.schedule if commitment else None
    if sched and sched.every == "weekly" and sched.days and sched.at:
        return PeerSlot(sched.days[0], sched.at, minutes, from_config=False)
    return None


@dataclass(frozen=True)
class PeerArrangement:
    """Who the weekly peer check is with, the backup and when: read from the peer-check commitment."""

    commitment: Commitment
    plan_id: str
    slot: PeerSlot | None

    @property
    def name(self) -> str | None:
        return self.commitment.peer

    @property
    def backup(self) -> str | None:
        return self.commitment.backup


def peer_arrangement(catalog: Catalog) -> PeerArrangement | None:
    item = peer_check_commitment(catalog)
    if item is None:
        return None
    return PeerArrangement(item, item.plan_id, peer_slot(Config(), item))


def setup_peer(paths: HomePaths, *, name: str | None = None, backup: str | None = None,
               slot: str | None = None, minutes: int | None = None) -> PeerArrangement:
    """Edit the active peer-check commitment (one is made in your own plan when none is active).

    Options not given keep their value; everything is checked before anything is written.
    """
    from habit.catalog import load_catalog
    from habit.planedit import set_commitment

    changes: dict[str, object] = {}
    if name is not None:
        changes["peer"] = clean_text(name, what="the peer's name")
    if backup is not None:
        changes["backup"] = clean_text(backup, what="the backup's name", required=False)  # "" clears
    for who in (changes.get("peer"), changes.get("backup")):
        if isinstance(who, str) and len(who) > 80:
            raise UsageProblem("a name is up to 80 characters; nothing was saved.")
    if slot is not None:
        day, at = parse_slot(slot)
        changes.update(every="weekly", days=[day], at=at.strftime("%H:%M"))
    if minutes is not None:
        if not 1 <= minutes <= 240:
            raise UsageProblem(f"--minutes {minutes} is outside 1..240; a peer check is a few minutes.")
        changes["minutes"] = minutes
    current = peer_check_commitment(load_catalog(paths))
    peer_name = changes.get("peer") or (current.peer if current else None)
    backup_name = changes.get("backup", current.backup if current else None)
    if peer_name and backup_name and str(backup_name).casefold() == str(peer_name).casefold():
        raise UsageProblem(
            "the backup is the same person as the peer; name someone else, or leave --backup out."
        )
    if current is None:
        changes.update(kind="peer_check", title="Weekly peer check")
    target = current.id if current else "peer-check"
    set_commitment(paths, target, changes)
    arrangement = peer_arrangement(load_catalog(paths))
    assert arrangement is not None
    return arrangement


# ---------------------------------------------------------------- the two-line text


@dataclass(frozen=True)
class WeekFacts:
    """What line 1 of the peer text says about a week."""

    blocks: int
    minutes: int
    wins: tuple[str, ...] = ()


# The two lines shared when the peer check's plan gives no template of its own.
BUILTIN_TEMPLATE = "Did: {blocks} blocks, {minutes} focused minutes; {wins}\nNeed: {need}"


def peer_template(catalog: Catalog) -> str:
    """The active peer check's template (the plan owns the words), else the built-in two lines."""
    checks = catalog.of_kind("peer_check")
    return next((item.template for item in checks if item.template), BUILTIN_TEMPLATE)


def clean_need(raw: str | None) -> str:
    """The 'what I need' words: one line, or the calm default when left empty."""
    if raw and "\n" in raw.strip():
        raise UsageProblem("the need is one line; join the lines and try again.")
    need = clean_text(raw, what="the need", required=False)
    if len(need) > MAX_NEED_CHARS:
        raise UsageProblem(f"the need is {len(need)} characters; keep it to one short line "
                           f"(up to {MAX_NEED_CHARS}).")
    return need or DEFAULT_NEED


def fill_template(template: str, facts: WeekFacts, need: str) -> str:
    """Fill {blocks}, {minutes}, {wins} and {need}; any other braces are left as they are."""
    values = {
        "blocks": str(facts.blocks),
        "minutes": str(facts.minutes),
        "wins": _wins_text(facts.wins),
        "need": need,
    }
    filled = _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], template)
    return "\n".join(line.rstrip() for line in filled.strip().splitlines())


def _wins_text(wins: tuple[str, ...]) -> str:
    picked = [_one_line(w) for w in wins if w and w.strip()][:MAX_WINS]
    if not picked:
        return "the wins log is quiet this week"
    return "; ".join(picked)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_WIN_CHARS else line[: MAX_WIN_CHARS - 1].rstrip() + "…"


def compose_share(catalog: Catalog, facts: WeekFacts, need: str | None) -> str:
    """The two-line peer text for a week: the plan's template filled from the week and the need."""
    return fill_template(peer_template(catalog), facts, clean_need(need))


# ---------------------------------------------------------------- the webhook


def check_webhook(url: str) -> str:
    """Return the address trimmed, or raise WebhookProblem. Messages never include the address."""
    address = url.strip()
    hint = "give the full incoming-webhook address, starting with https://"
    if not address:
        raise WebhookProblem(f"the webhook address is empty; {hint}.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in address):
        raise WebhookProblem(f"the webhook address has spaces or control characters in it; {hint}.")
    if len(address) > 2048:
        raise WebhookProblem(f"the webhook address is over 2048 characters; {hint}.")
    try:
        parts = urllib.parse.urlsplit(address)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise WebhookProblem(f"the webhook address cannot be read as a web address; {hint}.") from None
    if parts.scheme.lower() not in ("https", "http"):
        raise WebhookProblem(f"the webhook address must start with https:// (or http://); {hint}.")
    if not host:
        raise WebhookProblem(f"the webhook address names no host; {hint}.")
    return address


def is_plain_http(url: str) -> bool:
    """True for an http:// address to another machine (the text would travel unencrypted)."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower() == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1")


def setup_webhook(paths: HomePaths, *, webhook: str | None, auto_post: bool | None) -> ShareConfig:
    """Set the webhook and/or auto-post; what is not given stays as it was."""
    config = load_config(paths)
    share = config.share
    if webhook is not None:
        share = replace(share, webhook=check_webhook(webhook))
    if auto_post is not None:
        if auto_post and not share.webhook:
            raise UsageProblem(
                "auto-post needs a webhook first: `habit share setup --webhook URL --auto-post`."
            )
        share = replace(share, auto_post=auto_post)
    if share != config.share:
        save_config(paths, replace(config, share=share))
    return share


def remove_webhook(paths: HomePaths) -> bool:
    """Forget the webhook and turn auto-post off. Returns whether one was set."""
    config = load_config(paths)
    had = bool(config.share.webhook or config.share.auto_post)
    if had:
        save_config(paths, replace(config, share=ShareConfig()))
    return had


# ---------------------------------------------------------------- the week, from the review


def share_week(store: HabitStore | None, catalog: Catalog, *, week: IsoWeek, tz: tzinfo, now: datetime,
               config: Config, need: str | None) -> str:
    """The peer text for `week`: the review's share facts (blocks, focused minutes, wins) filled in."""
    from habit.review import WeekRecords, compute_week, fetch_week_records, share_facts

    template = peer_template(catalog)  # say so before reading anything when there is no template
    records = fetch_week_records(store, week, tz, history=0) if store is not None else WeekRecords()
    review = compute_week(week, tz=tz, now=now, commitments=catalog.commitments(), peer=config.peer,
                          records=records)
    facts = share_facts(review)
    return fill_template(template, WeekFacts(facts.blocks, facts.focused_minutes, facts.wins),
                         clean_need(need))
