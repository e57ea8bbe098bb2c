"""The three inputs of `habit distill`: plain notes, meeting-tool captions (WebVTT, SRT), and
`Speaker: text` transcripts; which one a text is, and which speaker is the client.

Captions are parsed by webvtt-py and srt; here we only map each cue back to its line in the
file (so a draft can cite it) and join a speaker's consecutive cues into one turn.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from habit.distill import (
    _LABEL,
    CLIENT_ROLES,
    OTHER_ROLES,
    TranscriptProblem,
    Turn,
    _role,
    parse_turns,
)

FORMATS = ("notes", "vtt", "srt", "turns")
_SRT_TIMING = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}")
_VTT_TIMING = re.compile(r"^\s*(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}\s*-->")
# "Name: text" inside a caption (Teams and many tools put the speaker in the cue text).
_CUE_SPEAKER = re.compile(r"^\s*(?P<name>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})\s*:\s+(?P<rest>.+)$")


def detect_format(text: str, name: str) -> str:
    """notes, vtt, srt or turns: from the file's suffix, else from its first lines and labels."""
    lowered = name.lower()
    if lowered.endswith(".vtt"):
        return "vtt"
    if lowered.endswith(".srt"):
        return "srt"
    head = text.lstrip("\ufeff \n\r\t")
    if head.startswith("WEBVTT"):
        return "vtt"
    first = head.splitlines()[:3]
    if len(first) >= 2 and first[0].strip().isdigit() and _SRT_TIMING.match(first[1]):
        return "srt"
    return "turns" if _looks_like_turns(text) else "notes"


def _looks_like_turns(text: str) -> bool:
    """Known roles as labels, or two names that each open several lines and most of the text."""
    counts: dict[str, int] = {}
    filled = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        filled += 1
        match = _LABEL.match(line)
        if match:
            key = match.group("name").lower()
            counts[key] = counts.get(key, 0) + 1
    roles = CLIENT_ROLES | OTHER_ROLES
    if any(_role(name) in roles and count >= 1 for name, count in counts.items()) and len(counts) >= 1:
        known = sum(c for n, c in counts.items() if _role(n) in roles)
        if known >= 2 or any(_role(n) in CLIENT_ROLES for n in counts):
            return True
    repeated = {n: c for n, c in counts.items() if c >= 2}
    return len(repeated) >= 2 and sum(repeated.values()) >= 0.4 * filled


@dataclass(frozen=True)
class Cue:
    speaker: str | None
    lines: list[tuple[int, str]]  # (1-based line in the file, text)


def read_turns(text: str, *, fmt: str | None, name: str, label: str,
               client: str | None) -> tuple[str, list[Turn]]:
    """The format used and the turns of the text (notes: one client turn per line)."""
    fmt = fmt or detect_format(text, name)
    if fmt == "notes":
        return fmt, notes_turns(text)
    if fmt == "turns":
        turns = parse_turns(text, client=client)
        if turns and not client and not any(t.is_client for t in turns):
            turns = _with_client(turns, label=label)
        return fmt, turns
    cues = vtt_cues(text, label) if fmt == "vtt" else srt_cues(text, label)
    turns = _join(cues)
    if not turns:
        raise TranscriptProblem(f"{label} holds no captions with text; is it a {fmt.upper()} file?")
    if client:
        return fmt, _choose(turns, client, label)
    return fmt, _with_client(turns, label=label)


def notes_turns(text: str) -> list[Turn]:
    turns = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            turns.append(Turn("notes", True, [(number, line)]))
    return turns


def vtt_cues(text: str, label: str) -> list[Cue]:
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        captions = webvtt.from_buffer(io.StringIO(text.lstrip("\ufeff")))
    except (MalformedFileError, ValueError) as err:
        raise TranscriptProblem(f"{label} is not valid WebVTT ({_first_line(err)}).") from None
    return _locate(text, [(c.voice, c.text) for c in captions])


def srt_cues(text: str, label: str) -> list[Cue]:
    import srt

    try:
        subtitles = list(srt.parse(text.lstrip("\ufeff")))
    except (srt.SRTParseError, ValueError) as err:
        raise TranscriptProblem(f"{label} is not valid SRT ({_first_line(err)}).") from None
    return _locate(text, [(None, re.sub(r"</?[a-z][^>]*>", "", s.content)) for s in subtitles])


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or ["unreadable"])[0][:120]


def _locate(text: str, items: list[tuple[str | None, str]]) -> list[Cue]:
    """Each cue's lines with their line numbers, found by one forward walk over the file."""
    file_lines = text.splitlines()
    cursor = 0
    cues = []
    for voice, body in items:
        found: list[tuple[int, str]] = []
        for part in body.splitlines():
            want = part.strip()
            if not want:
                continue
            at = cursor
            while at < len(file_lines) and want not in file_lines[at]:
                at += 1
            if at == len(file_lines):
                continue  # a line the parser rewrote: cited only if found
            cursor = at + 1
            found.append((at + 1, _visible(file_lines[at])))
        if found:
            cues.append(Cue(voice, found))
    return cues


def _visible(line: str) -> str:
    return re.sub(r"</?(?:v|c|i|b|u|lang|ruby|rt)\b[^>]*>", "", line)


def _join(cues: list[Cue]) -> list[Turn]:
    """One turn per run of cues by the same speaker; a cue without a name continues the last one."""
    turns: list[Turn] = []
    for cue in cues:
        speaker = cue.speaker
        lines = list(cue.lines)
        if speaker is None:
            match = _CUE_SPEAKER.match(lines[0][1])
            if match and len(match.group("name")) <= 40:
                speaker = match.group("name")
                number, line = lines[0]
                lines[0] = (number, line[line.index(match.group("rest")):])
        if speaker is None and turns:
            speaker = turns[-1].speaker
        speaker = speaker or "Speaker"
        if turns and turns[-1].speaker == speaker:
            turns[-1].lines.extend(lines)
        else:
            turns.append(Turn(speaker, False, lines))
    return turns


def _choose(turns: list[Turn], client: str, label: str) -> list[Turn]:
    wanted = client.strip().lower()
    names = _names(turns)
    match = [n for n in names if n.lower() == wanted] or [
        n for n in names if n.lower().split()[0] == wanted or _role(n) == wanted]
    if len(match) != 1:
        raise TranscriptProblem(
            f"{label} has no turns by '{client}'; speakers found: {', '.join(names)}. "
            "Choose the client with --client NAME.")
    for turn in turns:
        turn.is_client = turn.speaker == match[0]
    return turns


def _names(turns: list[Turn]) -> list[str]:
    seen: dict[str, None] = {}
    for turn in turns:
        seen.setdefault(turn.speaker, None)
    return list(seen)


_QUESTION = re.compile(r"[^.!?]*\?")
# "I'll send you the worksheet", "I'll see you on the 12th": the clinician's side, not a plan.
_OWN_PLAN = re.compile(
    r"\bI(?:['’]ll| will| am going to|['’]m going to| can| want to| plan to)\s+(?!\w+ you\b)\w+", re.I)


def _with_client(turns: list[Turn], *, label: str) -> list[Turn]:
    """The client: the speaker named by a role, else of two the one asked about their own plans."""
    names = _names(turns)
    by_role = [n for n in names if _role(n) in CLIENT_ROLES]
    others = [n for n in names if _role(n) in OTHER_ROLES]
    client: str | None = by_role[0] if len(by_role) == 1 else None
    if client is None and len(names) == 2 and len(others) == 1:
        client = next(n for n in names if n not in others)
    if client is None and len(names) == 2:
        client = _answerer(turns, names)
    if client is None:
        raise TranscriptProblem(
            f"{label}: which speaker is the client? Speakers seen: {', '.join(names)}. "
            "Say it with --client NAME.")
    for turn in turns:
        turn.is_client = turn.speaker == client
    return turns


def _answerer(turns: list[Turn], names: list[str]) -> str | None:
    """Of two speakers, the client is the one asked: the other asks at least twice as many questions,
    or, with questions even, says clearly more "I'll ..." plans of their own."""
    asks = dict.fromkeys(names, 0)
    plans = dict.fromkeys(names, 0)
    for turn in turns:
        asks[turn.speaker] += len(_QUESTION.findall(turn.text))
        plans[turn.speaker] += len(_OWN_PLAN.findall(turn.text))
    a, b = names
    for asker, other in ((a, b), (b, a)):
        if asks[asker] >= 2 and asks[asker] >= 2 * asks[other] and plans[other] >= plans[asker]:
            return other
    for asker, other in ((a, b), (b, a)):
        if asks[asker] and not asks[other] and plans[other] and not plans[asker]:
            return other
    for planner, other in ((a, b), (b, a)):
        if plans[planner] >= plans[other] + 2 and asks[planner] <= asks[other]:
            return planner
    return None
