"""From a session transcript to a draft plan: rule-based, offline, one pass over the text.

The rules are general patterns of English commitment talk, never words from a particular session:
a commitment is the client's own first-person future action ("I'll", "I will", "I can commit to"),
or a yes to the other person's concrete proposal. Worries, past actions, conditionals, questions,
things done right now in the session and turned-down suggestions are left out. Precision matters
more than recall: a missing commitment is easy to add by hand, a wrong one erodes trust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from habit import distill_when as when
from habit.errors import HabitError

MAX_BYTES = 5 * 1024 * 1024


class TranscriptProblem(HabitError):
    """The transcript cannot be read or holds no recognisable turns."""

    exit_code = 2


# ---------------------------------------------------------------- reading


def read_transcript(name: str, *, stdin: bytes | None = None) -> str:
    """The text of a transcript file (or of stdin when `name` is "-"), checked to be readable text."""
    label = "standard input" if name == "-" else name
    if name == "-":
        raw = stdin or b""
    else:
        path = Path(name)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise TranscriptProblem(f"{label} is larger than 5 MB; is it really a transcript?")
            raw = path.read_bytes()
        except FileNotFoundError:
            raise TranscriptProblem(f"{label}: no such file; check the path and try again.") from None
        except IsADirectoryError:
            raise TranscriptProblem(f"{label} is a folder; give the transcript file inside it.") from None
        except PermissionError:
            raise TranscriptProblem(f"{label} cannot be read (permission denied).") from None
        except OSError as err:
            raise TranscriptProblem(f"{label} cannot be read ({err.strerror or err}).") from None
    if b"\x00" in raw[:8192]:
        raise TranscriptProblem(f"{label} looks like a binary file, not a text transcript.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranscriptProblem(f"{label} is not UTF-8 text; save it as UTF-8 and try again.") from None
    if not text.strip():
        raise TranscriptProblem(f"{label} is empty; there is nothing to distill.")
    return text


# ---------------------------------------------------------------- turns

CLIENT_ROLES = {"patient", "client"}
OTHER_ROLES = {
    "therapist", "counsellor", "counselor", "coach", "clinician", "psychologist", "doctor", "dr",
    "practitioner", "facilitator", "interviewer", "helper",
}
_NAME = r"[A-Za-z][A-Za-z.'’-]*"
# "Patient: ...", also "**Patient:** ..." and "[00:12] Patient: ..." (a timestamp in front).
_LABEL = re.compile(
    r"^\s*(?:\[[\d:.\s]+\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?\)?\s+)?[*_]*"
    rf"(?P<name>{_NAME}(?: {_NAME}){{0,2}})[*_]*\s*:[*_]*(?:\s+|$)(?P<rest>.*)$"
)
_MARKER = re.compile(r"^\s*(?:-{3,}.*|#{1,6}\s.*|\[[^\]]*\]?.*\]\s*)$")


@dataclass
class Turn:
    speaker: str  # the label as written, e.g. "Patient" or "Therapist Answer"
    is_client: bool
    lines: list[tuple[int, str]] = field(default_factory=list)  # (1-based line number, text)

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.lines)


def _role(label: str) -> str:
    return label.lower().split()[0].rstrip(".")


def parse_turns(text: str, *, client: str | None = None) -> list[Turn]:
    """Split a transcript into speaker turns; markers, headings and bracketed notes are dropped.

    A turn runs from its `Speaker:` label to the next label or `--- ... ---` marker, across blank
    lines. "Therapist Thinking:" blocks are the therapist's private notes and are skipped.
    """
    lines = text.splitlines()
    wanted = client.strip().lower() if client else None
    speakers = _speaker_labels(lines, wanted)
    turns: list[Turn] = []
    current: Turn | None = None
    skipping = False
    for number, line in enumerate(lines, start=1):
        if _MARKER.match(line):
            current, skipping = None, False
            continue
        match = _LABEL.match(line)
        if match and match.group("name").lower() in speakers:
            label = match.group("name")
            skipping = "thinking" in label.lower()
            is_client = (label.lower() == wanted or _role(label) == wanted) if wanted else (
                _role(label) in CLIENT_ROLES
            )
            current = None if skipping else Turn(label, is_client)
            if current is not None:
                turns.append(current)
            line = match.group("rest")
        if current is None or skipping or not line.strip():
            continue
        cleaned = _strip_notes(line)
        if cleaned.strip():
            current.lines.append((number, line))
    return [turn for turn in turns if turn.lines]


def _speaker_labels(lines: list[str], wanted: str | None) -> set[str]:
    """Labels that open turns: known roles, the chosen client, or a name used at least twice."""
    counts: dict[str, int] = {}
    for line in lines:
        match = _LABEL.match(line)
        if match:
            name = match.group("name").lower()
            counts[name] = counts.get(name, 0) + 1
    known = OTHER_ROLES | CLIENT_ROLES | ({wanted} if wanted else set())
    return {name for name, count in counts.items()
            if name in known or name.split()[0].rstrip(".") in known or count >= 2}


def _strip_notes(line: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", line)


def client_turns_or_error(turns: list[Turn], *, label: str, client: str | None) -> None:
    if not turns:
        raise TranscriptProblem(
            f"{label} has no turns like 'Patient: ...' or 'Therapist: ...'; is it a session transcript?"
        )
    if not any(turn.is_client for turn in turns):
        names = sorted({turn.speaker for turn in turns})
        who = f"'{client}'" if client else "the client (Patient or Client)"
        raise TranscriptProblem(
            f"{label} has no turns by {who}; speakers found: {', '.join(names)}. "
            "Choose the client with --client NAME."
        )


# ---------------------------------------------------------------- sentences and segments

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_SEGMENT_CUT = re.compile(
    r"\s+[—–]\s+|[—–](?=[a-z])|;\s+|:\s+|,\s*(?=then\b)|\s+(?=then\b)"
    r"|,?\s+and\s+(?=(?:promise|commit|also|then)\b)|,\s*(?=but\b)"
)


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str
    turn: int  # index of the turn in the transcript
    offset: int  # characters of the turn's text before this sentence (for "before" look-backs)


def sentences_of(turn: Turn, turn_index: int) -> list[Sentence]:
    found: list[Sentence] = []
    offset = 0
    for number, line in turn.lines:
        start = 0
        for cut in _SENTENCE_END.finditer(line):
            found.append(Sentence(number, line[start:cut.start()].strip(), turn_index, offset + start))
            start = cut.end()
        if line[start:].strip():
            found.append(Sentence(number, line[start:].strip(), turn_index, offset + start))
        offset += len(line) + 1
    return [s for s in found if s.text]


_ENCLOSED = re.compile(r"[\"“][^\"“”]*[\"”]|\([^()]*\)")


def segments_of(text: str) -> list[str]:
    """Clauses of a sentence; quoted words and brackets are never cut."""
    masked = _ENCLOSED.sub(lambda m: "x" * len(m.group(0)), text)
    parts, start = [], 0
    for cut in _SEGMENT_CUT.finditer(masked):
        parts.append(text[start:cut.start()])
        start = cut.end()
    parts.append(text[start:])
    return [p.strip(" ,") for p in parts if p.strip(" ,")]


# ---------------------------------------------------------------- what counts as a commitment


def _words(text: str) -> list[str]:
    return text.split()


_WILL = r"I(?:['’]ll| will| am going to|['’]m going to| plan to| intend to| promise(?: myself)? to)"
_ADVERBS = r"(?:(?:also|just|actually|then|definitely|really|first|still|now|honestly)\s+)*"
ACTIONS = _words(
    "try attempt do spend set send write open run start keep take make draft add prototype practice "
    "practise rehearse say tell put pick block book schedule check post log journal note call text "
    "message ask go walk sit breathe use give tack cook review read plan mute label share look "
    "highlight pause queue assign email meet follow stretch turn jot list record reach join sign "
    "commit aim stick begin create update track reflect exercise meditate drink eat cut limit stop "
    "throw buy find "
    "leave close clean tidy finish submit fix prepare order bring carry wear stand name count exhale"
    " soften relax unclench inhale drop press"
)
_ACTION = r"(?:" + "|".join(ACTIONS) + r")\w*"
STRONG = re.compile(
    rf"\b{_WILL}\s+{_ADVERBS}(?P<verb>{_ACTION})\b"
    r"|\bI (?:can |will |want to )?commit to\b"
    r"|\b(?:I think )?I can do (?:that|it|this)\b",
    re.IGNORECASE,
)
WEAK = re.compile(
    r"\b(?:I (?:guess|think|suppose) )?(?:maybe )?I (?:could|might|can) (?:actually |just )?"
    r"(?:try|do|give|start)\b",
    re.IGNORECASE,
)
# Text before a trigger (in the same sentence, after the last "but") that makes it a worry,
# a hypothetical, a refusal or a report of the past.
BLOCKERS = re.compile(
    r"\b(?:worr\w*|afraid|scared|nervous|fear\w*|anxious|panic\w*|dread\w*|terrif\w*|worst|brain|mind"
    r"|head|imagine|picture|if|unless|don['’]t|do not|not sure|doubt|can['’]t|cannot|won['’]t|never"
    r"|wish|told|said|thought|tell(?:ing)? myself|used to|last (?:week|time|year)|before|ago|would|could"
    r"|not (?:even )?(?:certain|sure)|sometimes|usually|normally|typically|generally|often)\b",
    re.IGNORECASE,
)
# Checked more narrowly: "before" blocks only as the past ("I did that before"), since a cue like
# "before work I'll ..." is a plan; "could"/"would" block only with "I" ("I would", "I could").
_SOFT_BLOCKERS = {"before", "could", "would"}
IN_SESSION = re.compile(r"\b(?:right now|now|in a (?:minute|second|moment)|here)\b", re.I)
REJECTION = re.compile(
    r"\b(?:I don['’]t think I (?:can|could|will)|I can['’]t (?:do|commit|manage|see myself)"
    r"|I won['’]t (?:do|be able|manage|commit)|not for me|no way|I['’]d rather not"
    r"|(?:feels|sounds|seems) (?:unrealistic|impossible|like too much|unmanageable)"
    r"|not worth (?:it|the)|not (?:realistic|doable)|I(?:['’]m| am) not (?:ready|willing))",
    re.IGNORECASE,
)
HABIT_QUESTION = re.compile(
    r"\b(?:what|how) (?:do|did) you (?:usually |normally |typically )?(?:do|handle|spend)\b"
    r"|\bdo you (?:usually|normally|ever|often)\b|\bhave you ever\b|\bhow often do you\b", re.I)
REQUEST = re.compile(r"^\W*(?:can|could|would|will|may|shall) (?:you|we)\b", re.I)
PROPOSAL = re.compile(
    r"\b(?:(?:would|are|will) you be willing|are you willing|would you (?:like to |be up for )?(?:try|commit)"
    r"|(?:can|could|will) you commit|commit to|let['’]s (?:make|try|agree|plan|set)|how about"
    r"|what if you|I(?:['’]d| would)? (?:suggest|recommend|invite|propose))\b",
    re.IGNORECASE,
)
_ANAPHOR = re.compile(
    r"\b(?:that|it|this|them|those)\b(?!\s+(?:week|morning|evening|afternoon|weekend|time))", re.I)
FILLER = set(_words(
    "a an the and or to of for on in at with my me it that this them those so up out back over some "
    "one try trying tried do doing give giving shot go best start starting attempt attempting set "
    "setting keep make report see how goes least again first simplest thing things really just also "
    "actually then too well okay ok yeah yes sure will i i'll i’ll can commit bit"
))

_NUM = when.NUM
_HY = r"[\s\-‑–]*"
DURATION = re.compile(
    rf"\b(?P<a>{_NUM})(?:\s*(?:-|–|‑|to|or)\s*(?P<b>{_NUM}))?{_HY}min(?:ute)?s?\b"
    rf"|\b(?P<half>half an hour|half-hour)\b|\b(?P<h>an|{_NUM}){_HY}hours?\b",
    re.IGNORECASE,
)
_DASH = r"[\s\-‑]"
# A person named in notes or speech: a capitalised name that is not a day, month or pronoun.
_NOT_NAMES = (
    "I|The|A|An|My|Our|Your|This|That|It|We|You|He|She|They|Then|If|And|But|Dr|Mr|Mrs|Ms|Every|Each"
    "|Mon|Monday|Mondays|Tue|Tues|Tuesday|Tuesdays|Wed|Wednesday|Wednesdays|Thu|Thur|Thurs|Thursday"
    "|Thursdays|Fri|Friday|Fridays|Sat|Saturday|Saturdays|Sun|Sunday|Sundays|January|February|March"
    "|April|May|June|July|August|September|October|November|December|Zoom|Teams|Slack|Google"
)
_FAMILY = ("mum|mom|mother|dad|father|sister|brother|gran|grandma|grandpa|grandad|nan|partner|wife"
           "|husband|son|daughter|aunt|uncle|cousin|friend|flatmate|roommate|colleague|mentor|sponsor")
# A person named in notes or speech: a capitalised name (not a day, month or pronoun), or a relative.
_NAME_ONLY = rf"(?-i:(?!(?:{_NOT_NAMES})\b)[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
_PERSON = rf"(?:{_NAME_ONLY}|(?:(?:my|our) )?(?:{_FAMILY})\b)"
# Kinds in priority order: the first pattern that matches a clause names its kind.
KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("start_ritual", re.compile(
        rf"\b(?:start(?:{_DASH}?up|ing)?|morning|warm{_DASH}?up|opening){_DASH}+ritual"
        r"|\britual\b.{0,40}\bbefore\b|\bbefore\b.{0,50}\britual\b", re.I)),
    ("pause_cue", re.compile(
        rf"\bjaw\b|\bclench|\bexhale|\bpause\b|stay present|micro{_DASH}?ritual"
        r"|\bslow breath\b|\bwhen(?:ever)? (?:it|the \w+(?: \w+)?|my \w+|your \w+|\w+) (?:hits?|shows? up"
        r"|kicks? in|rises?|tightens?|tenses?|clenches|races?|spikes?|creeps? in|starts? to)\b"
        r"|\bwhen(?:ever)? I (?:notice|catch myself|feel (?:the|my|that))\b"
        r"|\bwhen(?:ever)? (?:the |my )?(?:panic|anxiety|stress|anger|worry|urge|craving|tension|overwhelm)",
        re.I)),
    ("peer_check", re.compile(
        rf"\bpeers?\b|\bbuddy\b|accountability partner|check{_DASH}?in with|\bback{_DASH}?up\s*[:(-]"
        rf"|(?<!after )\b(?:call|chat|catch{_DASH}?up|talk|meet|text|check{_DASH}?in)s? (?:with|to) {_PERSON}"
        rf"|\b(?:call|ring|phone|text|message|facetime|video{_DASH}?call)s? {_NAME_ONLY}"
        r"|\b(?:call|ring|phone|text)s? (?-i:[a-z]{2,12}) (?:every|each|on)\b", re.I)),
    ("proud_journal", re.compile(r"\bproud\b|\bjournal", re.I)),
    ("wins_log", re.compile(
        rf"\bone{_DASH}line\b|\bwins?\b.{{0,20}}\blog\b|\blog (?:a|one|the|my) (?:win|line)"
        rf"|\b(?:write|note|list|jot|log)s? (?:down )?(?:{_NUM} |a |my |the )?(?:small )?wins?\b", re.I)),
    ("focus_block", re.compile(
        r"\btimer\b|\bblock\b|\bfocus|\bsit(?:ting)? with\b|\bpomodoro|\bsprint\b", re.I)),
    ("tiny_step", re.compile(
        r"\b(?:tiny|first|smallest|next) step\b|\bhighlight"
        r"|\bone (?:single )?(?:sentence|word|test|cell|paragraph)\b"
        r"|\bopen(?:ing)? (?:it|(?:the|my) [^.,;]{0,25}?"
        r"(?:folder|file|notebook|project|script|document|editor|repo))\b", re.I)),
    ("daily_reflection", re.compile(
        r"\breflect|\btell(?:ing)? (?:myself|yourself)\b|\bsay(?:ing)? to (?:myself|yourself)\b"
        r"|\bkind (?:sentence|words)\b", re.I)),
    ("experiment", re.compile(
        r"\bexperiment|\btry(?:ing)? (?:out )?(?:a |this |that |something )?new\b"
        r"|\bjust for fun\b|\bjust this once\b|\bsee what happens\b", re.I)),
    ("one_off", re.compile(
        r"\b(?:draft|write up|send|email|call|book|submit|finish|file|fix|buy|clean|order|prepare"
        r"|schedule|set up|sign up|ask|tell|talk to|pay|cancel|return|renew|phone|message)\b.{0,60}"
        r"\b(?:today|tomorrow|tonight|this (?:afternoon|evening|weekend)"
        r"|(?:by|on|next) (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b", re.I)),
]
MIN_FOCUS_MINUTES = 5  # a "block" of a minute or seconds is in-session practice, not a habit


def durations(text: str) -> list[int]:
    found = []
    for m in DURATION.finditer(text):
        if m.group("half"):
            found.append(30)
        elif m.group("h"):
            found.append(60 * (1 if m.group("h").lower() == "an" else _number(m.group("h"))))
        else:
            found.append(max(_number(m.group("a")), _number(m.group("b")) if m.group("b") else 0))
    return [n for n in found if n > 0]


_number = when.number


def kind_of(segment: str, *, timed: bool = False) -> str | None:
    """The kind a clause speaks of; with `timed`, any action given a real length is a timed block."""
    longest = max(durations(segment), default=0)
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(segment):
            if kind == "focus_block" and longest < MIN_FOCUS_MINUTES:
                continue
            return kind
    return "focus_block" if timed and max(_timed(segment), default=0) >= MIN_FOCUS_MINUTES else None


_TIMED = re.compile(
    rf"\b(?P<n>{_NUM}){_HY}(?:minutes?|mins?)\b(?! (?:later|ago|before|after|late|early))"
    rf"|\b(?:for|spend\w*) (?:about |around )?(?P<h>an|{_NUM}) hours?\b", re.I)


def _timed(segment: str) -> list[int]:
    """Lengths given to an action ("a 15-minute walk", "for an hour"), not deadlines ("within two hours")."""
    out = []
    for m in _TIMED.finditer(segment):
        if m.group("n"):
            out.append(_number(m.group("n")))
        else:
            out.append(60 * (1 if m.group("h").lower() == "an" else _number(m.group("h"))))
    return out


def kinds_in(text: str) -> list[tuple[int, str]]:
    """Every kind mentioned in a text, by position (segment by segment)."""
    out, pos = [], 0
    for segment in segments_of(text):
        kind = kind_of(segment)
        if kind:
            out.append((pos, kind))
        pos += len(segment) + 1
    return out


# ---------------------------------------------------------------- findings


@dataclass
class Finding:
    kind: str
    line: int
    quote: str
    strong: bool
    turn: int
    detail: str  # the words the details come from (segment, plus steps and the proposal)
    action: str  # the action words after the trigger, for titles and ids
    steps: list[str] = field(default_factory=list)
    proposal: str = ""
    sentence_key: tuple[int, int] = (0, 0)
    anchor: int = 0  # order in the transcript

    @property
    def minutes(self) -> int | None:
        found = durations(self.detail)
        return max(found) if found else None


def _trigger(segment: str, before: str) -> tuple[re.Match[str], bool] | None:
    """The first commitment trigger in a segment that nothing before it blocks."""
    for pattern, strong in ((STRONG, True), (WEAK, False)):
        for match in pattern.finditer(segment):
            context = re.split(r"\bbut\b", before + " " + segment[: match.start()], flags=re.I)[-1]
            if _blocked(context):
                continue
            return match, strong
    return None


def _blocked(context: str) -> bool:
    for word in BLOCKERS.finditer(context):
        token = word.group(0).lower()
        if token in _SOFT_BLOCKERS:
            # "before work I'll ..." is a cue; "I've done that before" is the past.
            if token == "before" and re.search(r"\bbefore (?:I|we|you|my|the|each|every|any)\b",
                                               context[word.start():], re.I):
                continue
            if token in ("could", "would") and not re.search(r"\bI (?:could|would)\b", context, re.I):
                continue
        return True
    return False


def _content_free(rest: str) -> bool:
    words = re.findall(r"[a-z][a-z'’\-]*", rest.lower())
    words = [w for w in words if w not in FILLER and not _is_time_word(w)]
    return len(words) == 0 or (len(words) <= 1 and bool(_ANAPHOR.search(rest)))


_TIME_WORDS = set(_words("today tomorrow tonight week weekend morning evening afternoon night now soon"))


def _is_time_word(word: str) -> bool:
    return word in _TIME_WORDS


def find_commitments(turns: list[Turn], *, plain: bool = False) -> list[Finding]:
    """Every client commitment, before the weak ones are judged and repeats are folded."""
    findings: list[Finding] = []
    order = 0
    for index, turn in enumerate(turns):
        if not turn.is_client:
            continue
        previous = _previous_other(turns, index)
        proposal = previous.text if previous is not None and PROPOSAL.search(previous.text) else ""
        turn_text = turn.text
        if proposal and REJECTION.search(turn_text):
            proposal = ""
        carry: bool | None = None
        last: Finding | None = None
        # "What do you do when ...?" is answered with habits: "I'll do stuff around the house".
        asked_habits = previous is not None and bool(HABIT_QUESTION.search(previous.text))
        for sentence in sentences_of(turn, index):
            if REQUEST.match(sentence.text):
                carry = None
                continue  # "Can we ...?", "Could you ...": asking, not committing
            order += 1
            found, active = _sentence_findings(sentence, turn_text, proposal, carry=carry,
                                               last=last if carry is not None else None,
                                               plain=plain and not asked_habits)
            # A caption cut mid-sentence ("... at 8:30 on weekdays," / "then a 30-minute block")
            # carries the commitment it was under onto the next line.
            carry = active if not re.search(r"[.!?][\"”’)]*$", sentence.text) else None
            last = found[-1] if found else last
            for item in found:
                item.anchor = order
            findings.extend(found)
    return findings


def _previous_other(turns: list[Turn], index: int) -> Turn | None:
    for turn in reversed(turns[:index]):
        if not turn.is_client:
            return turn
        break
    return None


def _sentence_findings(sentence: Sentence, turn_text: str, proposal: str, *, carry: bool | None = None,
                       last: Finding | None = None, plain: bool = False) -> tuple[list[Finding], bool | None]:
    found: list[Finding] = []
    active: bool | None = carry  # strength of the commitment this sentence is under, if any
    before = ""
    for segment in segments_of(sentence.text):
        if re.match(r"but\b", segment, re.I):
            active = None
        hit = _trigger(segment, before)
        before += " " + segment
        if hit is None and active is None:
            continue
        if hit is not None:
            match, strong = hit
            active = strong
            rest = segment[match.end():]
            said = segment[match.start("verb"):] if match.re is STRONG and match.group("verb") else rest
            if IN_SESSION.search(rest) or segment.rstrip("\"”’) ").endswith("?"):
                active = None
                continue
            kind = (kind_of(said, timed=True) or _cue_before(segment[:match.start()])
                    or _scheduled_step(said, strong) or (_plain_step(said, match) if plain else None))
            if _content_free(rest):  # "I'll do it", "I can commit to trying"
                resolved = _resolve(sentence, turn_text, proposal)
                if resolved is None and kind is not None:
                    resolved = (kind, segment, "", said)
                if resolved is not None:
                    kind, detail, extra, action = resolved
                    at = sentence.text.find(segment)
                    upto = sentence.text[: at + len(segment)] if at >= 0 else segment
                    quote = upto if len(upto.split()) <= 25 else segment[match.start():]
                    found.append(_finding(kind, sentence, quote, strong, detail, extra, action))
                continue
            action = said
        else:
            kind = kind_of(segment, timed=True)
            action = segment
        if kind is None:
            target = found[-1] if found else last
            if target is not None and active is not None:
                if found or not _SCHEDULE_WORDS.search(segment):
                    target.steps.append(_as_step(segment))
                target.detail += " " + segment
            continue
        quoted = segment[match.start():] if hit is not None else segment
        answered = proposal if proposal and kind in {k for _, k in kinds_in(proposal)} else ""
        found.append(_finding(kind, sentence, _clause(segment, quoted), bool(active),
                              segment + " " + answered, proposal=answered, action=action))
    for item in found:
        if len(item.steps) < 2 and (item.proposal or item.action in sentence.text):
            item.steps = _list_steps(item.action) + item.steps
    return found, active


_SCHEDULE_WORDS = re.compile(
    r"\b(?:every|each|daily|weekly|weekdays?|weeknights?|weekends?|mornings|evenings|nights"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|tonight|tomorrow|today"
    r"|(?:once|twice|\w+ times?) (?:a|per) (?:day|week))\b"
    r"|\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|\b\d{1,2}:\d{2}\b",
    re.I)


def _cue_before(head: str) -> str | None:
    """"When the anger rises I'll ...": a cue said before the trigger makes the action a pause."""
    return "pause_cue" if re.match(r"\W*when", head, re.I) and kind_of(head) == "pause_cue" else None


def _scheduled_step(said: str, strong: bool) -> str | None:
    """A firm "I'll <action>" with a day, time or frequency is a step even without a kind's words."""
    if not strong or not _SCHEDULE_WORDS.search(said):
        return None
    once = _ONCE.search(said) and not re.search(r"\b(?:every|each)\b", said, re.I)
    return "one_off" if once else "tiny_step"


_RECURRING = re.compile(
    r"\b(?:every|each|daily|weekly|a day|a week|per (?:day|week)|from now on|regularly|always|nights)\b",
    re.I)


def _plain_step(said: str, match: re.Match[str]) -> str | None:
    """Real speech: a firm "I'll <everyday action> <object>" is a step even with no time said."""
    if match.re is not STRONG or not match.group("verb") or len(said.split()) < 3:
        return None
    if re.match(r"(?:keep|stick|stay|continue)\w*\b", said, re.I):
        return None  # holding on to what is, not a new step
    # With no "every", "a day", "from now on", the step is taken once.
    return "tiny_step" if _RECURRING.search(said) else "one_off"


def _finding(kind: str, sentence: Sentence, segment: str, strong: bool, detail: str,
             proposal: str, action: str) -> Finding:
    quote = _quote(segment, sentence.text)
    return Finding(kind=kind, line=sentence.line, quote=quote, strong=strong, turn=sentence.turn,
                   detail=detail, action=action.strip(" ,.\"“”"), proposal=proposal,
                   sentence_key=(sentence.line, sentence.offset))


def _clause(segment: str, from_trigger: str) -> str:
    """The clause to cite: from the trigger, reaching back over a short cue ("as soon as it starts")."""
    head = segment[: len(segment) - len(from_trigger)]
    if len(head.split()) <= 8:
        return segment
    cut = max(head.rfind(", "), head.rfind(" so "))
    start = head[cut + 1:] if cut >= 0 else ""
    start = re.sub(r"^(?:so|and|but)\b\s*", "", start.strip(" ,"))
    return (start + " " + from_trigger).strip() if len(start.split()) <= 8 else from_trigger


def _resolve(sentence: Sentence, turn_text: str, proposal: str) -> tuple[str, str, str, str] | None:
    """What "I'll do it" refers to: the nearest kind earlier in the client's own turn,
    else the proposal the client is answering."""
    own = turn_text[: sentence.offset]
    mentions = []
    for piece in re.split(r"(?<=[.!?])\s+", own):
        for _, kind in kinds_in(piece):
            mentions.append((kind, piece))
    if mentions:
        kind, piece = mentions[-1]
        return kind, piece + " " + sentence.text, "", piece
    if proposal:
        kinds = kinds_in(proposal)
        if kinds:
            ranked = sorted(kinds, key=lambda pk: [k for k, _ in KIND_PATTERNS].index(pk[1]))
            kind = ranked[0][1]
            return kind, proposal + " " + sentence.text, proposal, proposal_action(proposal, kind)
    return None


def _quote(segment: str, sentence: str) -> str:
    """The exact words to cite: the segment, or the whole sentence when the segment is tiny."""
    text = segment if len(segment.split()) >= 4 else sentence
    return text.strip().strip("\"“”").strip()


def _as_step(segment: str) -> str:
    text = re.sub(r"^(?:then|and|also|so)\s+", "", segment.strip(" ,.;?"), flags=re.I)
    return text[:1].upper() + text[1:]


def _list_steps(action: str) -> list[str]:
    masked = _ENCLOSED.sub(lambda m: "x" * len(m.group(0)), action)
    cuts = [m.span() for m in re.finditer(r",\s*(?:and\s+)?|\s+and\s+(?=\w+ (?:the|a|my)\b)", masked)]
    bounds = [0] + [x for span in cuts for x in span] + [len(action)]
    parts = [action[a:b] for a, b in zip(bounds[::2], bounds[1::2], strict=True) if action[a:b].strip()]
    if len(parts) < 3 or any(p.strip()[:1].isupper() for p in parts[1:]):
        return []  # "Monday, Wednesday and Friday" is not a list of steps
    return [_as_step(p) for p in parts if len(p.split()) >= 2]


# ---------------------------------------------------------------- judging and folding


def judge(findings: list[Finding], turns: list[Turn]) -> list[Finding]:
    """Keep the commitments that stand: strong ones, and hedged ones the other person took up.

    - a hedged offer ("maybe I could do X") stands only when the next other turn picks X up, the client
      does not turn it down next, and nothing firmer of the same kind was said;
    - of several hedged offers of one kind, the last length offered wins (the earlier ones were
      negotiated away), and its first mention is cited;
    - a firm commitment of a kind and length already committed elaborates the earlier one: the
      whole sentence it sits in is folded into it;
    - one commitment per kind and line.
    """
    strong_kinds = {f.kind for f in findings if f.strong}
    weak = [f for f in findings if not f.strong and f.kind not in strong_kinds and _taken_up(f, turns)]
    kept_weak: list[Finding] = []
    by_kind: dict[str, list[Finding]] = {}
    for item in weak:
        by_kind.setdefault(item.kind, []).append(item)
    for items in by_kind.values():
        last = items[-1].minutes
        kept_weak.append(next(i for i in items if i.minutes == last))
    strong = sorted((f for f in findings if f.strong), key=lambda f: f.anchor)
    folded_sentences = set()
    for number, item in enumerate(strong):
        if item.minutes and any(k.kind == item.kind and k.minutes == item.minutes
                                and k.sentence_key != item.sentence_key for k in strong[:number]):
            folded_sentences.add(item.sentence_key)
    kept: list[Finding] = []
    for item in sorted(strong + kept_weak, key=lambda f: f.anchor):
        if item.strong and item.sentence_key in folded_sentences:
            continue
        same = next((k for k in kept if k.kind == item.kind and k.line == item.line), None)
        if same is not None:
            if not same.proposal and item.proposal:
                same.proposal = item.proposal
                same.detail += " " + item.proposal
            continue
        kept.append(item)
    return kept


def fold_repeats(findings: list[Finding]) -> list[Finding]:
    """A plain step said again later ("I'll check it out" ... "I will check out the Y") is one step."""
    kept: list[Finding] = []
    for item in findings:
        verb = _head_word(item.action)
        if verb and any(k.kind == item.kind and _head_word(k.action) == verb for k in kept):
            continue
        kept.append(item)
    return kept


def _head_word(action: str) -> str:
    words = [w for w in re.findall(r"[a-z]+", action.lower()) if w not in FILLER]
    return words[0] if words else ""


def _taken_up(item: Finding, turns: list[Turn]) -> bool:
    nxt = next((t for t in turns[item.turn + 1:] if not t.is_client), None)
    if item.proposal:
        accepted = True
    elif nxt is None:
        accepted = False
    else:
        same_kind = item.kind in {k for _, k in kinds_in(nxt.text)}
        same_length = item.minutes is not None and item.minutes in durations(nxt.text)
        accepted = same_kind or same_length
    reply = next((t for t in turns[item.turn + 1:] if t.is_client), None)
    return accepted and not (reply is not None and REJECTION.search(reply.text[:200]))


# ---------------------------------------------------------------- the draft plan

_ONCE = re.compile(r"\b(?:today|tomorrow|tonight|just this once|this (?:afternoon|evening|weekend))\b", re.I)
_QUOTED = re.compile(r"(?<![\w])[\"“](?P<q>[^\"“”]{3,200}?)[\"”]")

# What the session gives no time for: a calm default, marked `chosen = true`.
DEFAULT_SCHEDULE: dict[str, dict[str, Any]] = {
    "start_ritual": {"every": "weekdays", "at": "08:30"},
    "focus_block": {"every": "weekdays", "at": "09:00"},
    "wins_log": {"every": "daily", "at": "17:30"},
    "peer_check": {"every": "weekly", "day": "fri", "at": "16:00"},
    "pause_cue": {"every": "interval", "interval_minutes": 90, "between": ["09:00", "17:00"],
                  "jitter_minutes": 10},
    "proud_journal": {"every": "weekly", "day": "sun", "at": "19:00"},
    "daily_reflection": {"every": "daily", "at": "21:00"},
    "tiny_step": {"every": "weekdays", "at": "10:00"},
    "experiment": {"every": "once", "at": "15:00"},
    "one_off": {"every": "once", "at": "10:00"},
}
TITLES = {
    "start_ritual": "start ritual",
    "focus_block": "focus block",
    "wins_log": "One line after each block",
    "peer_check": "Weekly peer check",
    "pause_cue": "Pause",
    "proud_journal": "Proud things",
    "daily_reflection": "A kind sentence over each day's effort",
    "tiny_step": "Tiny step",
    "experiment": "Experiment",
    "one_off": "To do",
}


@dataclass(frozen=True)
class DraftCommitment:
    """One proposed commitment, as the plan format writes it (see docs/plan-format.md)."""

    fields: dict[str, Any]
    # What was read, whether or not the plan format can hold it yet: the whole schedule (day sets,
    # cue), peer and backup names.
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.fields["id"]

    @property
    def kind(self) -> str:
        return self.fields["kind"]

    @property
    def line(self) -> int:
        return self.fields["source"]["line"]

    @property
    def quote(self) -> str:
        return self.fields["source"]["quote"]


@dataclass(frozen=True)
class Draft:
    plan: dict[str, Any]
    commitments: tuple[DraftCommitment, ...]
    source: str

    @property
    def is_empty(self) -> bool:
        return not self.commitments

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"plan": self.plan}
        if self.commitments:
            data["commitment"] = [c.fields for c in self.commitments]
        return data


def distill(text: str, *, source: str, now: datetime, client: str | None = None,
            fmt: str | None = None) -> Draft:
    """Read notes or a transcript and propose a draft plan; `source` is cited in every commitment.

    `fmt` is notes, vtt, srt or turns (None: worked out from the text and the file name).
    `now` (aware, in the user's zone) dates one-off commitments ("today", "tomorrow").
    """
    from habit.distill_input import read_turns
    from habit.distill_notes import note_findings

    label = "standard input" if source in ("-", "stdin") else source
    fmt, turns = read_turns(text, fmt=fmt, name=source, label=label, client=client)
    if fmt == "notes":
        findings = note_findings(turns)
    else:
        client_turns_or_error(turns, label=label, client=client)
        findings = judge(find_commitments(turns), turns)
        if not findings:
            # A session about other things (drinking, medicine, exercise): a firm "I'll <action>"
            # is a plain step. Only then, so sessions with the plan's own kinds stay as precise.
            findings = fold_repeats(judge(find_commitments(turns, plain=True), turns))
    items = _build(findings, source=source, now=now, notes=fmt == "notes")
    return Draft(_plan_head(source, len(items)), tuple(items), source)


def distill_file(name: str, *, now: datetime, client: str | None = None,
                 stdin: bytes | None = None, fmt: str | None = None) -> Draft:
    """Read a notes or transcript file ("-" for standard input) and distill it."""
    text = read_transcript(name, stdin=stdin)
    draft = distill(text, source="stdin" if name == "-" else name, client=client, now=now, fmt=fmt)
    check_draft(draft)
    return draft


def _plan_head(source: str, count: int) -> dict[str, Any]:
    stem = "session" if source == "stdin" else Path(source).stem
    slug = _slug(stem)[:40].strip("-") or "session"
    name = "standard input" if source == "stdin" else Path(source).name
    summary = (
        f"A draft of {count} commitment{'s' if count != 1 else ''} distilled from {name}. "
        "Read each one against the session, change what does not fit, then activate it."
        if count else f"No commitments were found in {name}; add your own, or keep this as a note."
    )
    return {"id": f"draft-{slug}", "title": f"Draft from {name}", "session": source, "summary": summary}


def _build(findings: list[Finding], *, source: str, now: datetime,
           notes: bool = False) -> list[DraftCommitment]:
    items: list[DraftCommitment] = []
    ids: set[str] = set()
    by_kind: dict[str, str] = {}
    for item in findings:
        facts: dict[str, Any] = {}
        fields = _fields(item, source=source, now=now, by_kind=by_kind, ids=ids, notes=notes, facts=facts)
        by_kind.setdefault(item.kind, fields["id"])
        ids.add(fields["id"])
        items.append(DraftCommitment(fields, facts))
    return items


def _fields(item: Finding, *, source: str, now: datetime, by_kind: dict[str, str],
            ids: set[str], notes: bool = False, facts: dict[str, Any]) -> dict[str, Any]:
    text = item.detail
    minutes = item.minutes
    fields: dict[str, Any] = {"id": _unique(_id_for(item, minutes), ids), "kind": item.kind,
                              "title": _title(item, minutes)}
    if minutes and 1 <= minutes <= 240 and item.kind not in ("one_off", "wins_log"):
        fields["minutes"] = minutes
    target = when.weekly_count(text + " " + item.proposal) or _days_named(item.detail, notes=notes)
    if target is None and item.kind == "proud_journal":
        things = re.search(rf"\b({_NUM}) (?:small |little )?things\b", text, re.I)
        target = _number(things.group(1)) if things and 1 <= _number(things.group(1)) <= 50 else None
    if target and item.kind in ("proud_journal", "wins_log", "focus_block", "experiment", "tiny_step"):
        fields["weekly_target"] = target
    if item.kind == "proud_journal" and fields.get("weekly_target"):
        fields["title"] = f"{TITLES['proud_journal']}: {fields['weekly_target']} a week"
    if item.steps:
        fields["steps"] = [s for s in item.steps if s][:8]
    if item.kind == "start_ritual":
        breathing = re.search(rf"\b({_NUM}){_HY}min(?:ute)?s?(?: of)? [\w\s]{{0,12}}breath", text, re.I)
        if breathing and 1 <= _number(breathing.group(1)) <= 30:
            fields["breathing_minutes"] = _number(breathing.group(1))
    phrase, question = _said_words(text)
    if phrase:
        fields["phrase"] = phrase
    if question:
        fields["question"] = question
    if item.kind == "peer_check":
        _people(fields, facts, item.quote + " " + text)
    if item.kind == "experiment" or re.search(r"\bexperiment", text, re.I):
        fields["label"] = "experiment"
    facts["schedule"] = _schedule(item, text, now=now, by_kind=by_kind, notes=notes)
    fields["schedule"] = _for_checker(facts["schedule"])
    fields["source"] = {"file": source, "line": item.line, "quote": item.quote}
    return fields


_PEER = re.compile(rf"\b(?:with|to|call|text|message|email|ping|meet) (?P<name>{_PERSON})")
_BACKUP = re.compile(rf"\bback{_DASH}?up\W{{0,3}}(?:is |will be |would be |person\W{{0,2}})?"
                     rf"(?P<name>{_PERSON})"
                     rf"|\b(?:or|else|otherwise) (?P<name2>{_PERSON}) if\b"
                     rf"|\bif (?:he|she|they|{_PERSON}) (?:is|are|can['’]?t|cannot|isn['’]t|aren['’]t)\b"
                     r"[^,.;]{0,30},"
                     rf" (?:then )?(?:ask |call |text |try )?(?P<name3>{_PERSON})", re.I)


def _people(fields: dict[str, Any], facts: dict[str, Any], text: str) -> None:
    """The peer and backup names of a peer check, as keys when the plan format has them."""
    backup = _BACKUP.search(text)
    backup_name = (backup.group("name") or backup.group("name2") or backup.group("name3")) if backup else None
    peer = next((m.group("name") for m in _PEER.finditer(text) if m.group("name") != backup_name), None)
    for key, name in (("peer", peer), ("backup", backup_name)):
        if name:
            facts[key] = name
        if name and accepts("commitment", key):
            fields[key] = name
    if peer and not accepts("commitment", "peer"):
        also = f" (backup: {backup_name})" if backup_name else ""
        fields["title"] = f"{fields['title']} with {peer}{also}"


def _days_named(text: str, *, notes: bool) -> int | None:
    days = when.days_in(text, short=notes)
    return len(days) if 2 <= len(days) < 5 else None


def _said_words(text: str) -> tuple[str | None, str | None]:
    phrase = question = None
    for match in _QUOTED.finditer(text):
        words = match.group("q").strip().rstrip(",")
        lead = text[max(0, match.start() - 12):match.start()].lower()
        if len(words.split()) < 4 or re.search(r"\b(?:like|e\.g\.|title:?)\s*\(?$", lead.strip()):
            continue
        if words.endswith("?"):
            question = question or words
        else:
            phrase = phrase or words
    return phrase, question


def _schedule(item: Finding, text: str, *, now: datetime, by_kind: dict[str, str],
              notes: bool = False) -> dict[str, Any]:
    own = item.quote + " " + " ".join(item.steps)
    if item.kind == "focus_block" and "start_ritual" in by_kind and re.match(r"then\b", item.quote, re.I):
        return {"every": "after", "after": by_kind["start_ritual"]}
    if item.kind == "wins_log" and "focus_block" in by_kind and re.search(
            r"\b(?:after|end of) (?:the|each|every|a|my)\b[^.]{0,20}\bblock|^afterwards\b", own, re.I):
        return {"every": "after", "after": by_kind["focus_block"]}
    interval = when.interval_in(text)
    if interval is not None and item.kind not in ("experiment", "one_off"):
        return {"every": "interval", "interval_minutes": interval.minutes,
                "between": [_hhmm(interval.between[0]), _hhmm(interval.between[1])],
                "jitter_minutes": 10 if item.kind == "pause_cue" else 0}
    at = when.clock_time(text)
    said_at = at is not None
    cue = when.cue_in(text)
    if at is None and cue is not None:
        at = cue[1]
    if at is None:
        at = when.part_of_day(text)
    default = dict(DEFAULT_SCHEDULE[item.kind])
    days = when.days_in(text, short=notes)
    if item.kind in ("experiment", "one_off") or (_ONCE.search(own) and item.kind not in (
            "peer_check", "proud_journal", "daily_reflection", "start_ritual", "pause_cue")):
        day = days[0] if len(days) == 1 else None
        when_date = _once_date(own + " " + text, now, day)
        clock = at or parse_time(default["at"])
        if when_date == now.date() and clock <= now.time():
            # "today" said, but the default hour has passed: the next full hour, or tomorrow.
            clock = time(now.hour + 1, 0) if now.hour < 21 else clock
            when_date = when_date if now.hour < 21 else when_date + timedelta(days=1)
        sched = {"every": "once", "date": when_date.isoformat(), "at": _hhmm(clock)}
    elif when.WEEKDAYS_RE.search(text) or days == list(when.WEEK[:5]):
        sched = {"every": "weekdays", "at": _hhmm(at) if at else DEFAULT_SCHEDULE["tiny_step"]["at"]}
    elif (when.DAILY_RE.search(text) and not when.WEEKLY_RE.search(text) and len(days) < 2) or len(days) == 7:
        sched = {"every": "daily", "at": _hhmm(at) if at else default.get("at", "09:00")}
    elif len(days) >= 2:
        sched = _day_set(days, _hhmm(at) if at else default.get("at", "09:00"))
    elif when.WEEKLY_RE.search(text) or days:
        weekday = days[0] if days else default.get("day", "mon")
        sched = {"every": "weekly", "day": weekday, "at": _hhmm(at) if at else default.get("at", "09:00")}
    else:
        sched = default
        if at and "at" in sched:
            sched["at"] = _hhmm(at)
    if not said_at and "at" in sched:
        sched["chosen"] = True
    if cue is not None:
        sched["cue"] = cue[0]
    return sched


def accepts(where: str, key: str) -> bool:
    """Whether the plan checker knows a key (day sets, cues and peer names are newer than drafts)."""
    from habit import plans

    keys = plans._SCHEDULE_KEYS if where == "schedule" else plans._COMMITMENT_KEYS
    return key in keys


def _day_set(days: list[str], at: str) -> dict[str, Any]:
    return {"every": "weekly", "days": days, "at": at}


def _for_checker(sched: dict[str, Any]) -> dict[str, Any]:
    """The schedule as the plan checker reads it: a day set becomes its first day until the format
    has day sets; a cue is left out until it has cues."""
    out = dict(sched)
    if "days" in out and not accepts("schedule", "days"):
        out["day"] = out.pop("days")[0]
    if "cue" in out and not accepts("schedule", "cue"):
        del out["cue"]
    return out


def _once_date(text: str, now: datetime, day: str | None = None) -> date:
    today = now.date()
    lowered = text.lower()
    if re.search(r"\b(?:today|tonight|this (?:afternoon|evening))\b", lowered):
        return today
    if day and "tomorrow" not in lowered:
        target = when.WEEK.index(day)
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    return today + timedelta(days=1)


def parse_time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _title(item: Finding, minutes: int | None) -> str:
    base = TITLES[item.kind]
    if item.kind == "focus_block" and minutes and not dict(KIND_PATTERNS)["focus_block"].search(item.action):
        return f"{minutes} minutes: {_excerpt(item.action)}"  # a timed action, not a work block
    if item.kind in ("start_ritual", "focus_block"):
        return f"{minutes}-minute {base}" if minutes else base.capitalize()
    if item.kind == "peer_check":
        return f"{base} ({minutes} minutes)" if minutes else base
    if item.kind == "proud_journal":
        target = when.weekly_count(item.detail + " " + item.proposal)
        return f"{base}: {target} a week" if target else f"{base}, weekly"
    if item.kind in ("wins_log", "daily_reflection"):
        return base
    excerpt = _excerpt(item.action)
    return f"{base}: {excerpt}" if excerpt else base


def proposal_action(proposal: str, kind: str) -> str:
    """The words of a proposal that carry the action of `kind` (after "would you be willing to")."""
    best = ""
    for sentence in re.split(r"(?<=[.!?])\s+", proposal):
        for segment in segments_of(sentence):
            if kind_of(segment) != kind:
                continue
            cuts = list(PROPOSAL.finditer(segment))
            if cuts:
                return re.sub(r"^(?:to|and)\s+", "", segment[cuts[-1].end():].strip())
            best = best or segment
    return best


def _excerpt(text: str, limit: int = 56) -> str:
    words = re.sub(r"\s+", " ", text).strip(" ,.;:?!—–-\"“”").split(" ")
    words = [w for w in words if w]
    if words and words[0].lower() in ("to", "and", "then", "also"):
        words = words[1:]
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            return out + "…"
        out = f"{out} {word}".strip()
    return out


_ID_SKIP = FILLER | set(_words("i'd i'm i’m you your we our is are be been was"))


def _id_for(item: Finding, minutes: int | None) -> str:
    base = item.kind.replace("_", "-")
    if minutes:
        return f"{base}-{minutes}-min"
    words = [w for w in re.findall(r"[a-z0-9]+", item.action.lower())
             if w not in _ID_SKIP and w not in base.split("-") and len(w) > 2]
    return "-".join([base, *words[:2]]) if words else base


def _unique(candidate: str, ids: set[str]) -> str:
    candidate = _slug(candidate)[:56].strip("-") or "commitment"
    if candidate not in ids:
        return candidate
    number = 2
    while f"{candidate}-{number}" in ids:
        number += 1
    return f"{candidate}-{number}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---------------------------------------------------------------- writing


def draft_toml(draft: Draft) -> str:
    """The draft as plan TOML, with a short header saying what to do with it."""
    import tomli_w

    head = (
        f"# Draft plan distilled by `habit distill` from {draft.plan['session']}.\n"
        "# Each commitment cites the line it came from: check it against the session, edit freely,\n"
        "# then `habit plan check FILE` and `habit plan add FILE`.\n"
        "# `chosen = true` marks a time the session did not give; change it to one that suits you.\n\n"
    )
    return head + tomli_w.dumps(draft.as_data())


def check_draft(draft: Draft) -> None:
    """Validate the draft with the plan checker (a bug here would be ours, not the user's)."""
    from habit.plans import parse_plan

    parse_plan(draft_toml(draft), path=Path(draft.plan["session"]).with_suffix(".draft.toml"))

