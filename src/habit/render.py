"""Render a `WeekReview` as plain text, Markdown or JSON. Pure: returns strings, prints nothing.

    text(review, *, ascii_only=False) -> str   for the terminal (no colour; ascii_only for old consoles)
    markdown(review) -> str                    to bring to the peer or the next session
    json_text(review) -> str / to_dict(review) stable, documented in docs/readme/review.md

Wording is plain counts and facts: nothing here judges a week.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from habit.review import (
    DAY_NAMES,
    BlockItem,
    CommitmentCount,
    DayActivity,
    Note,
    PeerCheck,
    WeekReview,
)

JSON_FORMAT = "habit-review"
JSON_VERSION = 1
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ASCII = str.maketrans({"▪": "#", "·": ".", "–": "-", "—": "-", "“": '"', "”": '"'})
_STRIP_MAX = 5
_BAR_WIDTH = 12
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Inline marks CommonMark (and GFM's ~~strike~~ and tables) would act on; each is backslash-escaped,
# `&` too, so a typed `&amp;` is not read as an entity.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
# At a line's start: headings, lists (`-`, `+`, `1.`, `1)`), setext underlines (`===`). The
# backslash goes before the mark itself: `1\.` (a backslash before a digit is no escape).
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([#+=-])")


# ---------------------------------------------------------------- shared wording


def clean(text: str) -> str:
    """User text made safe for a terminal: control characters shown, never executed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _when(moment: datetime) -> str:
    return f"{_SHORT_DAYS[moment.weekday()]} {moment:%H:%M}"


def heading(review: WeekReview) -> str:
    mon, sun = review.monday, review.sunday
    first = f"Mon {mon.day} {_MONTHS[mon.month - 1]}" + (f" {mon.year}" if mon.year != sun.year else "")
    return f"Week {review.week} · {first} – Sun {sun.day} {_MONTHS[sun.month - 1]} {sun.year}"


def empty_message(review: WeekReview) -> str:
    if review.state == "future":
        return f"{review.week} has not begun yet, so there is nothing to show for it."
    yet = " yet" if review.state == "current" else ""
    return f"Nothing logged in {review.week}{yet}. A single line with `habit log` is a start."


def commitment_status(item: CommitmentCount, review: WeekReview) -> str:
    """The plain count for one commitment: "2 of 3", "done with Sam on Thursday"..."""
    if item.kind == "peer_check" and review.peer is not None:
        return peer_line(review.peer, review)
    label = f" ({item.label})" if item.label else ""
    if item.kind in ("one_off", "experiment") and item.target in (None, 1):
        return _once_status(item, review) + label
    unit = _unit_words(item)
    if item.target:
        so_far = " so far" if review.state == "current" and item.count < item.target else ""
        return f"{item.count} of {item.target}{unit}{so_far}{label}"
    if not item.count:
        return _nothing(review, expected=item.scheduled) + label
    if item.kind == "pause_cue":
        return f"used {_times(item.count)}{label}"
    words = {"days": "day", "blocks": "block", "lines": "line"}.get(item.unit)
    return (_plural(item.count, words) if words else _times(item.count)) + label


def _once_status(item: CommitmentCount, review: WeekReview) -> str:
    if item.count:
        return "done on " + " and ".join(_day_name(d) for d in item.days)
    if item.planned is not None and item.planned > review.sunday:
        return f"planned for {_long_date(item.planned)}"
    return _nothing(review, expected=item.planned is not None and item.planned >= review.monday)


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _unit_words(item: CommitmentCount) -> str:
    if item.unit == "days":
        return " days"
    if item.unit == "blocks":
        return " blocks"
    return ""


def _nothing(review: WeekReview, *, expected: bool = True) -> str:
    """No record: "not yet" while the week runs and something is scheduled, else plainly none."""
    if review.state == "current":
        return "not yet this week" if expected else "nothing logged this week"
    return "nothing logged that week"


def _long_date(day: date) -> str:
    return f"{_day_name(day)} {day.day} {_MONTHS[day.month - 1]}"


def _day_name(day: date) -> str:
    return DAY_NAMES[day.weekday()]


def peer_line(peer: PeerCheck, review: WeekReview) -> str:
    if peer.done:
        parts = []
        for check in peer.checks:
            who = check.peer or peer.peer
            parts.append((f"with {clean(who)} " if who else "") + f"on {check.day_name}")
        return "done " + ", ".join(parts)
    text = _nothing(review)
    if peer.backup_due:
        return f"{text} — backup: {clean(peer.backup_due)}"
    if peer.slot is not None and not peer.slot_passed:
        return f"{text} — slot {_when(peer.slot)}"
    return text


def block_lines(review: WeekReview) -> list[str]:
    b = review.blocks
    if not b.started:
        return ["no focus blocks this week" if review.state == "current" else "no focus blocks that week"]
    parts = []
    if b.completed:
        parts.append(f"{b.completed} completed")
    if b.interrupted:
        counts = "it still counts" if b.interrupted == 1 else "they still count"
        parts.append(f"{b.interrupted} interrupted ({counts})")
    if b.running:
        parts.append(f"{b.running} still running")
    first = f"{_plural(b.started, 'block')} started: " + ", ".join(parts)
    second = _plural(b.focused_minutes, "focused minute")
    if b.experiments:
        second += f"; {b.experiments} labelled experiment"
    return [first, second]


def block_item_line(item: BlockItem) -> str:
    """"Tue 09:10  12 of 25 min, interrupted  read chapter two" (user text not cleaned here)."""
    if item.status == "running":
        length = f"{item.planned_minutes} min planned, still running"
    elif item.minutes == item.planned_minutes:
        length = f"{item.minutes} min"
    else:
        length = f"{item.minutes} of {item.planned_minutes} min"
    if item.status == "interrupted":
        length += ", interrupted"
    label = f" ({item.label})" if item.label else ""
    return f"{_when(item.started_at)}  {length}{label}"


def reminder_line(review: WeekReview) -> str | None:
    r = review.reminders
    if not r.sent:
        return None
    return (f"{_plural(r.sent, 'reminder')} went out; "
            f"{r.acted_on} {'was' if r.acted_on == 1 else 'were'} followed by something logged.")


def trend_note(review: WeekReview) -> str:
    average = review.previous_average
    this = review.trend[-1].focused_minutes
    label = "This week" if review.state == "current" else f"{review.week}"
    this_text = f"{label}: {_plural(this, 'focused minute')}"
    if average is None:
        return this_text + "."
    if not average:
        return this_text + "; none were logged in the four weeks before."
    return f"{this_text}; the four weeks before averaged {round(average)}."


def strip(days: tuple[DayActivity, ...], *, ascii_only: bool = False) -> str:
    mark, none = ("#", ".") if ascii_only else ("▪", "·")
    cells = []
    for day in days:
        n = day.total
        shown = none if not n else mark * min(n, _STRIP_MAX) + ("+" if n > _STRIP_MAX else "")
        cells.append(f"{_SHORT_DAYS[day.day.weekday()]} {shown}")
    return "  ".join(cells)


def _bar(value: int, top: int, *, ascii_only: bool) -> str:
    mark, none = ("#", ".") if ascii_only else ("▪", "·")
    if value <= 0 or top <= 0:
        return none
    return mark * max(1, round(value / top * _BAR_WIDTH))


# ---------------------------------------------------------------- text


def text(review: WeekReview, *, ascii_only: bool = False) -> str:
    body = _text(review, ascii_only=ascii_only)
    return body.translate(_ASCII) if ascii_only else body


def _text(review: WeekReview, *, ascii_only: bool) -> str:
    if review.is_empty:
        return empty_message(review) + "\n"
    out = [heading(review), "", "  " + strip(review.days, ascii_only=ascii_only)]
    if review.commitments:
        out += ["", "Commitments"]
        out += [f"  {clean(c.title)}: {commitment_status(c, review)}" for c in review.commitments]
    out += ["", "Focus blocks"] + [f"  {line}" for line in block_lines(review)]
    for item in review.block_items:
        goal = f"  {_indent(clean(item.goal), 4)}" if item.goal.strip() else ""
        out.append(f"  {block_item_line(item)}{goal}")
    out += _text_notes("Wins", review.wins)
    out += _text_notes("Proud things", review.proud)
    out += _text_peer(review)
    if review.pauses:
        out += ["", "Pauses", f"  {_plural(len(review.pauses), 'pause')} used"]
        out += [f"  {_when(n.at)}  {_indent(clean(n.text), 13)}" for n in review.pauses if n.text.strip()]
    out += _text_notes("Reflections", review.reflections)
    out += _text_notes("Also logged", review.other, with_kind=True)
    line = reminder_line(review)
    if line:
        out += ["", "Reminders", f"  {line}"]
    out += ["", "Last five weeks (focused minutes)"]
    top = max(w.focused_minutes for w in review.trend)
    for w in review.trend:
        this = "  this week" if w.week == review.week and review.state == "current" else ""
        bar = _bar(w.focused_minutes, top, ascii_only=ascii_only)
        out.append(f"  {w.week}  {w.focused_minutes:>4}  {bar}{this}")
    out.append(f"  {trend_note(review)}")
    return "\n".join(out) + "\n"


def _text_notes(title: str, notes: tuple[Note, ...], *, with_kind: bool = False) -> list[str]:
    shown = [n for n in notes if n.text.strip()]
    if not shown:
        return []
    lines = ["", title]
    for n in shown:
        kind = f"{n.kind}: " if with_kind else ""
        lines.append(f"  {_when(n.at)}  {kind}{_indent(clean(n.text), 13)}")
    return lines


def _text_peer(review: WeekReview) -> list[str]:
    peer = review.peer
    if peer is None:
        return []
    lines = ["", "Peer check"]
    if not peer.done:
        return lines + [f"  {peer_line(peer, review)}"]
    for check in peer.checks:
        who = check.peer or peer.peer
        head = f"  {_when(check.at)}" + (f"  with {clean(who)}" if who else "")
        lines.append(head + (f": {_indent(clean(check.text), 4)}" if check.text.strip() else ""))
        if check.reply and check.reply.strip():
            lines.append(f'    reply: "{_indent(clean(check.reply), 12)}"')
    return lines


def _indent(value: str, width: int) -> str:
    return value.replace("\n", "\n" + " " * width)


# ---------------------------------------------------------------- markdown


def md_escape(value: str, *, indent: str = "  ") -> str:
    """User text in Markdown: shown as written, never turned into lists, links, HTML or emphasis.

    Each typed line stays a line (a hard break, `\\` at its end); blank lines stay paragraph
    breaks; later lines are indented by `indent` so they stay inside their list item.
    """
    lines = [_md_line(line.strip()) for line in clean(value).strip().split("\n")]
    out = lines[0]
    for before, line in zip(lines, lines[1:], strict=False):
        out += ("\\" if before and line else "") + "\n" + (indent + line if line else "")
    return out


def _md_line(line: str) -> str:
    line = _MD_SPECIAL.sub(r"\\\g<0>", line)
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", line)


def markdown(review: WeekReview) -> str:
    if review.is_empty:
        return f"# Week {review.week}\n\n{empty_message(review)}\n"
    out = [f"# {heading(review)}", "", f"`{strip(review.days)}`"]
    if review.commitments:
        out += ["", "## Commitments", ""]
        out += [f"- **{md_escape(c.title)}**: {md_escape(commitment_status(c, review))}"
                for c in review.commitments]
    out += ["", "## Focus blocks", ""] + [f"- {line}" for line in block_lines(review)]
    for item in review.block_items:
        goal = f": {_md_item(item.goal)}" if item.goal.strip() else ""
        out.append(f"- {block_item_line(item).replace('  ', ', ', 1)}{goal}")
    out += _md_notes("Wins", review.wins)
    out += _md_notes("Proud things", review.proud)
    out += _md_peer(review)
    if review.pauses:
        out += ["", "## Pauses", "", f"- {_plural(len(review.pauses), 'pause')} used"]
        out += [f"- {_when(n.at)}: {_md_item(n.text)}" for n in review.pauses if n.text.strip()]
    out += _md_notes("Reflections", review.reflections)
    out += _md_notes("Also logged", review.other, with_kind=True)
    line = reminder_line(review)
    if line:
        out += ["", "## Reminders", "", f"- {line}"]
    out += ["", "## Last five weeks", "", "| Week | Focused minutes | Blocks | Entries |",
            "| --- | ---: | ---: | ---: |"]
    for w in review.trend:
        this = " (this week)" if w.week == review.week and review.state == "current" else ""
        out.append(f"| {w.week}{this} | {w.focused_minutes} | {w.blocks} | {w.entries} |")
    out += ["", trend_note(review)]
    return "\n".join(out) + "\n"


def _md_item(value: str) -> str:
    return md_escape(value)


def _md_notes(title: str, notes: tuple[Note, ...], *, with_kind: bool = False) -> list[str]:
    shown = [n for n in notes if n.text.strip()]
    if not shown:
        return []
    lines = ["", f"## {title}", ""]
    for n in shown:
        kind = f"{n.kind}: " if with_kind else ""
        lines.append(f"- {_when(n.at)}: {kind}{_md_item(n.text)}")
    return lines


def _md_peer(review: WeekReview) -> list[str]:
    peer = review.peer
    if peer is None:
        return []
    lines = ["", "## Peer check", ""]
    if not peer.done:
        return lines + [f"- {md_escape(peer_line(peer, review))}"]
    for check in peer.checks:
        who = check.peer or peer.peer
        head = f"- {_when(check.at)}" + (f" with {md_escape(who)}" if who else "")
        lines.append(head + (f": {_md_item(check.text)}" if check.text.strip() else ""))
        if check.reply and check.reply.strip():
            quoted = md_escape(check.reply, indent="  > ").replace("\n\n", "\n  >\n")
            lines.append(f"  > {quoted}")
    return lines


# ---------------------------------------------------------------- json


def to_dict(review: WeekReview) -> dict:
    """The stable JSON shape (version 1); see docs/readme/review.md. Add keys, never rename."""
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "week": str(review.week),
        "start": review.monday.isoformat(),
        "end": review.sunday.isoformat(),
        "zone": review.zone,
        "generated_at": review.now.isoformat(timespec="seconds"),
        "state": review.state,
        "empty": review.is_empty,
        "days": [
            {"date": d.day.isoformat(), "weekday": _SHORT_DAYS[d.day.weekday()],
             "entries": d.entries, "blocks": d.blocks}
            for d in review.days
        ],
        "commitments": [
            {"id": c.id, "kind": c.kind, "title": c.title, "count": c.count, "target": c.target,
             "unit": c.unit, "label": c.label, "days": [d.isoformat() for d in c.days],
             "status": commitment_status(c, review)}
            for c in review.commitments
        ],
        "blocks": {
            "started": review.blocks.started,
            "completed": review.blocks.completed,
            "interrupted": review.blocks.interrupted,
            "running": review.blocks.running,
            "focused_minutes": review.blocks.focused_minutes,
            "experiments": review.blocks.experiments,
            "items": [
                {"started_at": b.started_at.isoformat(timespec="seconds"),
                 "planned_minutes": b.planned_minutes, "minutes": b.minutes, "status": b.status,
                 "goal": b.goal, "label": b.label}
                for b in review.block_items
            ],
        },
        "wins": [_note_dict(n) for n in review.wins],
        "proud": [_note_dict(n) for n in review.proud],
        "peer": _peer_dict(review.peer),
        "pauses": [_note_dict(n) for n in review.pauses],
        "reflections": [_note_dict(n) for n in review.reflections],
        "other": [_note_dict(n, kind=True) for n in review.other],
        "reminders": {"sent": review.reminders.sent, "acted_on": review.reminders.acted_on},
        "trend": [
            {"week": str(w.week), "focused_minutes": w.focused_minutes, "blocks": w.blocks,
             "entries": w.entries}
            for w in review.trend
        ],
    }


def json_text(review: WeekReview) -> str:
    return json.dumps(to_dict(review), indent=2, ensure_ascii=False) + "\n"


def _note_dict(note: Note, *, kind: bool = False) -> dict:
    data = {"kind": note.kind} if kind else {}
    data.update({"at": note.at.isoformat(timespec="seconds"), "text": note.text})
    return data


def _peer_dict(peer: PeerCheck | None) -> dict | None:
    if peer is None:
        return None
    return {
        "done": peer.done,
        "peer": peer.peer,
        "backup": peer.backup,
        "slot": peer.slot.isoformat(timespec="minutes") if peer.slot else None,
        "slot_passed": peer.slot_passed,
        "backup_due": peer.backup_due,
        "checks": [
            {"at": c.at.isoformat(timespec="seconds"), "with": c.peer, "text": c.text,
             "reply": c.reply}
            for c in peer.checks
        ],
    }
