"""Plain-text rendering of plans and commitments."""

from __future__ import annotations

from habit.plans import KINDS, Commitment


def commitment_lines(item: Commitment) -> list[str]:
    lines = [f"{item.id} — {item.title}", f"  kind:      {KINDS.get(item.kind, item.kind)}"]
    if item.minutes:
        lines.append(f"  minutes:   {item.minutes}")
    if item.weekly_target:
        lines.append(f"  target:    {item.weekly_target} a week")
    when = item.when() if item.schedule or item.cue else "when you choose (no reminder)"
    lines.append(f"  when:      {when}")
    if item.peer:
        backup = f" (backup: {item.backup})" if item.backup else ""
        lines.append(f"  with:      {item.peer}{backup}")
    for step in item.steps:
        lines.append(f"  step:      {step}")
    for label, value in (
        ("phrase", item.phrase), ("question", item.question), ("template", item.template),
        ("reward", item.reward), ("nudge", item.nudge), ("label", item.label),
    ):
        if value:
            lines.append(f"  {label + ':':<10} {value}".replace("\n", "\n" + " " * 13))
    if item.source is None:
        lines.append("  from:      your own plan")
    else:
        lines.append(f"  from:      {item.source.file}, line {item.source.line}")
        lines.append(f"  said:      “{item.source.quote}”")
    return lines
