"""Plain-text rendering of plans and commitments."""

from __future__ import annotations

from habit.plans import KINDS, Commitment


def commitment_lines(item: Commitment) -> list[str]:
    lines = [f"{item.id} — {item.title}", f"  kind:      {KINDS.get(item.kind, item.kind)}"]
    if item.minutes:
        lines.append(f"  minutes:   {item.minutes}")
    if item.weekly_target:
        lines.append(f"  target:    {item.weekly_target} a week")
    when = item.schedule.describe() if item.schedule else "when you choose (no reminder)"
    lines.append(f"  when:      {when}")
    for step in item.steps:
        lines.append(f"  step:      {step}")
    for label, value in (
        ("phrase", item.phrase), ("question", item.question), ("template", item.template),
        ("reward", item.reward), ("nudge", item.nudge), ("label", item.label),
    ):
        if value:
            lines.append(f"  {label + ':':<10} {value}".replace("\n", "\n" + " " * 13))
    lines.append(f"  from:      {item.source.file}, line {item.source.line}")
    lines.append(f"  said:      “{item.source.quote}”")
    return lines
