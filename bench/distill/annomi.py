#!/usr/bin/env python3
"""Rebuild the AnnoMI development transcripts and score `habit distill` on our labels (#13).

usage: python3 bench/distill/annomi.py MIRROR [--out /tmp/annomi-dev]

MIRROR is a bare git directory of github:uccollab/AnnoMI. The transcripts are written outside the
project (never commit them); only bench/distill/annomi_dev_labels.toml is ours. Prints score.py's
table and last line (recall, precision, negatives' false positives), then how often a matched
proposal's frequency and minutes agree with the label where the label states them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EVAL = ROOT.parent.parent / "shared" / "distill-eval"
LABELS = HERE / "annomi_dev_labels.toml"


def rebuild(mirror: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "AnnoMI-full.csv"
    with csv.open("wb") as fh:
        subprocess.run(["git", "-C", mirror, "show", "HEAD:AnnoMI-full.csv"], stdout=fh, check=True)
    labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))["transcripts"]
    ids = ",".join(sorted(labels, key=int))
    subprocess.run([sys.executable, str(EVAL / "build_annomi.py"), str(csv), "--out", str(out / "t"),
                    "--ids", ids], check=True, stdout=subprocess.DEVNULL)
    return out / "t"


def frequency_of(schedule: dict, weekly_target: int | None) -> str:
    every = schedule.get("every")
    if every == "once":
        return "once"
    if every == "daily":
        return "daily"
    if every == "weekdays":
        return "5/week"
    if weekly_target:
        return f"{weekly_target}/week"
    return "1/week" if every == "weekly" else str(every)


def agreement(tdir: Path, habit: str) -> tuple[int, int, int, int]:
    """(frequency agreed, frequency stated, minutes agreed, minutes stated) over matched proposals."""
    labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))["transcripts"]
    f_ok = f_all = m_ok = m_all = 0
    for tid, lab in labels.items():
        gold = lab.get("commitments", [])
        if not gold:
            continue
        run = subprocess.run([habit, "distill", str(tdir / f"{tid}.txt")], capture_output=True, text=True)
        draft = tomllib.loads(run.stdout) if run.stdout.strip() else {}
        used: set[int] = set()
        for item in draft.get("commitment", []):
            para = _paragraph(item["source"]["line"])
            hit = next((j for j, g in enumerate(gold) if j not in used and para in g["utterance_ids"]), None)
            if hit is None:
                continue
            used.add(hit)
            want = gold[hit]
            if "frequency" in want:
                f_all += 1
                f_ok += frequency_of(item["schedule"], item.get("weekly_target")) == want["frequency"]
            if "minutes" in want:
                m_all += 1
                m_ok += item.get("minutes") == want["minutes"]
    return f_ok, f_all, m_ok, m_all


def _paragraph(line: int) -> int:
    """build_annomi.py writes utterance k as line 2k+1."""
    return (line - 1) // 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirror")
    parser.add_argument("--out", default="/tmp/annomi-dev")
    parser.add_argument("--habit", default=str(ROOT / ".venv" / "bin" / "habit"))
    args = parser.parse_args()
    tdir = rebuild(args.mirror, Path(args.out))
    subprocess.run([sys.executable, str(EVAL / "score.py"), str(LABELS), str(tdir), args.habit], check=True)
    f_ok, f_all, m_ok, m_all = agreement(tdir, args.habit)
    print(f"frequency agrees on {f_ok}/{f_all} matched commitments that state one; "
          f"minutes on {m_ok}/{m_all}")


if __name__ == "__main__":
    main()
