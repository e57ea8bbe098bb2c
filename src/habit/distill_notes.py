"""Session notes: every line or bullet is a candidate commitment, judged clause by clause.

A clause stands when it names an action (a kind of commitment, or an everyday verb with a time,
day, frequency, cue or length), and nothing in it declines, looks back, hedges, or belongs to the
clinician or the next appointment. Headings such as "Not doing" or "Ideas for later" leave out the
lines under them; other headings are only headings.
"""

from __future__ import annotations

import re

from habit import distill_when as when
from habit.distill import (
    _ACTION,
    _ONCE,
    _SENTENCE_END,
    DURATION,
    KIND_PATTERNS,
    MIN_FOCUS_MINUTES,
    REJECTION,
    Finding,
    Turn,
    durations,
    kind_of,
)

ONE_OFF = dict(KIND_PATTERNS)["one_off"]

_BULLET = re.compile(r"^\s*(?:[-*•–·+>]+|\d{1,2}[.)]|\(?[a-z]\)|\[[ xX✓]?\])\s*")
_HEADING_WORDS = 7
_LEFT_OUT_SECTION = re.compile(
    r"\b(?:declined|not doing|not now|not (?:this|for) (?:now|week)|said no|turned down|rejected|dropped"
    r"|parked|past|used to|history|background|ideas?|maybe|someday|later|to think about|considered"
    r"|(?:therapist|coach|clinician|counsell?or|my|practitioner)['’]?s? (?:tasks|to-?dos?|actions|notes)"
    r"|for (?:the )?(?:therapist|coach|clinician|me to do)|next (?:session|appointment|meeting|visit)"
    r"|observations?|context|concerns?|barriers?|what (?:went|happened)|last week|recap|review of"
    r"|(?:chose|decided|agreed) not|not to do|didn['’]t agree|decided against|not agreed|no thanks)\b",
    re.I)
_DECLINED = re.compile(
    r"^no\b|\b(?:declined|said no|say no|no to"
    r"|not (?:doing|going to|for now|this week|ready|committing|interested)"
    r"|won['’]t|will not|don['’]t want|didn['’]t want|rather not|decided against|turned down|ruled out"
    r"|gave up|giving up|stopped|quit|dropped|instead of|too much|unrealistic|no thanks|nope"
    r"|skip(?:ping)? the"
    r"|(?:idea|suggestion) (?:rejected|declined))\b", re.I)
_PAST = re.compile(
    r"\b(?:used to|last (?:week|month|year|time|spring|summer|autumn|winter)|ago|previously|in the past"
    r"|(?:I|we|she|he|they) (?:did|tried|went|was|were|had|used|walked|ran|managed)"
    r"|already (?:do|doing|walk|run)|currently|have been|has been|been (?:doing|going)|for years"
    r"|back then|when I was|as a kid)\b", re.I)
_VAGUE = re.compile(
    r"\b(?:maybe|might|perhaps|someday|some day|(?:at )?some point|some time|not sure|possibly|would be nice"
    r"|thinking about|considering|wondering|if I (?:have|get|find) (?:the )?time|one day|eventually"
    r"|no commitment|not committing|not committed|TBD|tbc)\b|\?\s*$", re.I)
_CLINICIAN = re.compile(
    r"^(?:the )?(?:therapist|coach|clinician|counsell?or|practitioner|doctor|dr\.?\s+\w+|T|C|me)\b"
    r"\s*(?:\([^)]*\)\s*)?(?:to|will|shall|:|-|–|—|needs to|is going to)"
    r"|\b(?:I|I['’]ll|we|we['’]ll) (?:will )?(?:send|email|e-mail|share|forward|post|mail) you\b"
    r"|\((?:therapist|coach|clinician|counsell?or|me)\)", re.I)
_APPOINTMENT = re.compile(
    r"\b(?:next (?:session|appointment|meeting|visit|check-?up)"
    r"|follow[- ]?up (?:session|appointment|visit|call)"
    r"|see (?:you|each other) (?:next|again|on|in)|book(?:ed)? (?:the |a |our )?(?:next|follow)"
    r"|(?:session|appointment) (?:on|at|in) )", re.I)
# "I walk 20 minutes a day" is a current habit, "I'll walk" a plan: the verb after "I" decides.
_PRESENT_HABIT = re.compile(
    r"^(?:I|we)\s+(?!will\b|shall\b|['’]ll|am going|['’]m going|plan|want|wanna|intend|commit|promise|aim"
    r"|can\b|could\b|need|should|must|try|would like|['’]d like|agreed|agree|decided|choose|am\b|['’]m\b"
    r"|get to\b|gonna)\w+", re.I)
_SCHEDULED = re.compile(
    r"\b(?:every|each|daily|weekly|weekdays?|weekends?|mornings?|evenings?|nights?|afternoons?|lunch\w*"
    r"|noon|midday|bed(?:time)?|breakfast|dinner|supper|coffee|work|today|tonight|tomorrow|after|before"
    r"|when|whenever|times?|x|per|a week|a day)\b|\d{1,2}(?::|\.)\d{2}|\b\d{1,2}\s*[ap]\.?m\b"
    r"|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b",
    re.I)
_ACTION_WORD = re.compile(
    rf"\b(?:{_ACTION}|jog\w*|swim\w*|cycl\w*|bike|floss\w*|sleep|bed|yoga|gym|stretch\w*|dance|garden\w*"
    r"|phone|chat|catch up|meet\w*|visit|water|walk\w*|run\w*|breath\w*|meditat\w*|pray\w*|clean\w*"
    r"|tidy\w*|wash\w*|cook\w*|pack\w*|lift\w*|weights|sketch\w*|draw\w*|paint\w*|piano|guitar|practi[cs]\w*"
    r"|study\w*|revis\w*|learn\w*|list\w*|notice\w*|note\b|screens?|phone|lights? out|switch\w*)\b", re.I)
_ON_DAY = re.compile(r"^\W*(?:ask|book|send|email|call|buy|cancel|renew|submit|tell|pay)\b.*\bon "
                     r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b(?!s)", re.I)
_RECURS = re.compile(r"\b(?:every|each|weekly|daily|weekdays|mornings|evenings|nights)\b"
                     r"|(?:mon|tues|wednes|thurs|fri|satur|sun)days\b", re.I)
_BY_DAY = re.compile(r"\bby (?:the end of )?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_CLAUSE_CUT = re.compile(
    r";\s+|,?\s+but\s+|\s+[—–]\s+(?=(?:but|not|no)\b)|,\s+and\s+(?=(?:a|an|then|\d+|I)\b)|,\s*(?=then\b)"
    r"|\.\s+(?=[A-Z])", re.I)
_TITLE = re.compile(r"\b(?:notes?|session|summary|recap|meeting|minutes)\b", re.I)
_DONE = re.compile(r"^\s*(?:[-*•]\s*)?\[[xX✓]\]")
_RITUAL_BREATH = re.compile(r"\bbreath\w*", re.I)


def note_findings(turns: list[Turn]) -> list[Finding]:
    """The commitments in a notes file, one line (one turn) at a time."""
    findings: list[Finding] = []
    left_out = False
    for index, turn in enumerate(turns):
        number, raw = turn.lines[0]
        if _DONE.match(raw):
            continue  # a ticked box is done, not planned
        line = _BULLET.sub("", raw, count=1).strip()
        heading = _heading(line)
        if heading is None and _bare_heading(raw, turns[index + 1:index + 2]):
            heading = line
        if index == 0 and heading is None and _TITLE.search(line) and not _BULLET.match(raw):
            continue  # "Notes to self after ...", "Session 3 summary": the title of the notes
        if heading is not None:
            left_out = bool(_LEFT_OUT_SECTION.search(heading))
            rest = line[len(heading):].lstrip(" :–-")
            if not rest or left_out:
                continue
            line = rest
        if left_out or raw.lstrip().startswith("#"):
            continue
        findings.extend(_line_findings(line, number, index, raw))
    for order, item in enumerate(findings):
        item.anchor = order
    return findings


def _bare_heading(raw: str, following: list[Turn]) -> bool:
    """A short unbulleted line followed by bullets ("Parked ideas", "To do after session")."""
    if _BULLET.match(raw) or raw.rstrip().endswith((".", "!", "?")) or len(raw.split()) > 5:
        return False
    return bool(following) and bool(_BULLET.match(following[0].lines[0][1])) and not re.search(r"\d", raw)


def _heading(line: str) -> str | None:
    """A heading's words ("Homework", "Not doing:"), or None for an ordinary line."""
    if line.startswith("#"):
        return line.strip("# ").rstrip(":")
    match = re.match(r"^\**([A-Za-z][\w '’/()&-]{0,40}?)\**\s*:\s*(?:$|(?=\S))", line)
    if not match:
        return None
    words = match.group(1).split()
    if len(words) > _HEADING_WORDS or when.days_in(match.group(1), short=True):
        return None
    if line.rstrip().endswith(":") or _LEFT_OUT_SECTION.search(match.group(1)):
        return match.group(1)
    return None


def _line_findings(line: str, number: int, index: int, raw: str) -> list[Finding]:
    out: list[Finding] = []
    for sentence in _sentences(line):
        out.extend(_sentence_findings(sentence, number, index, raw))
    return out


def _sentences(line: str) -> list[str]:
    parts, start = [], 0
    for cut in _SENTENCE_END.finditer(line):
        parts.append(line[start:cut.start()])
        start = cut.end()
    parts.append(line[start:])
    return [p.strip() for p in parts if p.strip()]


def _sentence_findings(line: str, number: int, index: int, raw: str) -> list[Finding]:
    out: list[Finding] = []
    clauses = _clauses(line)
    for at, clause in enumerate(clauses):
        if not _stands(clause):
            continue
        kind = _kind(clause, line)
        following = clauses[at + 1] if at + 1 < len(clauses) else ""
        if _RITUAL_BREATH.search(clause) and re.match(r"then\b", following, re.I) and durations(following):
            kind = "start_ritual"  # "3 min breathing, then 20 min on X": breathing opens the block
        if kind is None:
            continue
        quote = clause if clause in raw else line
        quote = quote.strip().strip("\"“”").strip() if quote.strip() in raw else raw.strip()
        context = line if len(_clauses(line)) == 1 else clause + " " + _shared_context(line, clause)
        out.append(Finding(kind=kind, line=number, quote=quote, strong=True, turn=index,
                           detail=context, action=_action(clause), sentence_key=(number, 0)))
    return out


def _clauses(line: str) -> list[str]:
    return [c.strip(" ,.") for c in _CLAUSE_CUT.split(line) if c and c.strip(" ,.")]


def _shared_context(line: str, clause: str) -> str:
    """Words of the line before its first clause that set the time for all ("Mon/Wed: ...")."""
    head = line.split(":", 1)[0] if ":" in line and not line.startswith(clause) else ""
    return head


def _stands(clause: str) -> bool:
    if _DECLINED.search(clause) or REJECTION.search(clause) or _PAST.search(clause):
        return False
    if _VAGUE.search(clause) or _CLINICIAN.search(clause) or _APPOINTMENT.search(clause):
        return False
    return not _PRESENT_HABIT.match(clause.lstrip("*_ "))


def _kind(clause: str, line: str) -> str | None:
    kind = kind_of(clause, timed=True)
    dated = _ONCE.search(clause) or _BY_DAY.search(clause) or _ON_DAY.search(clause)
    dated_once = dated and not _RECURS.search(clause)
    if kind is not None and kind != "one_off" and dated_once and ONE_OFF.search(clause):
        return "one_off"  # "ask Lena on Monday if she'll be my partner" is one step, once
    if kind is not None:
        return kind
    if not _ACTION_WORD.search(clause):
        return None
    if max(durations(clause), default=0) >= MIN_FOCUS_MINUTES:
        return "focus_block"
    if _RITUAL_BREATH.search(clause):
        return "pause_cue"  # a breath on its own, at a time or a cue
    if not (_SCHEDULED.search(clause) or _SCHEDULED.search(line) or DURATION.search(clause)):
        return None
    if _ONCE.search(clause) or _BY_DAY.search(clause):
        return "one_off"
    return "tiny_step"


def _action(clause: str) -> str:
    text = re.sub(r"^(?:I(?:['’]ll| will| am going to|['’]m going to)|you(?:['’]ll| will)|to)\s+", "",
                  clause.strip(), flags=re.I)
    return text

