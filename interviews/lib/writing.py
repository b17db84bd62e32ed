"""Writing checks: suggestions on a story, a written answer or a thank-you note.

Plain functions on text, no database: each returns ``Finding``s, and a page
shows them next to the field after saving. They never block anything: a
finding is a suggestion the candidate may ignore.

Each rule is its own small function with a docstring saying why it matters
(tied to the second-round guide); ``story_findings``, ``answer_findings`` and
``note_findings`` run the rules that apply to each kind of text.

The checklist pages show the findings of every item on every request, and
most requests show texts already checked (a coach reloading the review, the
candidate's page after a save that changed one answer): ``answer_findings``
and ``note_findings`` keep the findings of the last ``FINDINGS_CACHE`` texts
per process (issue 25: 1.2 ms of the review page's 27). They are pure
functions of their arguments, so a kept result is always the right one.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .drafts import placeholders


@dataclass(frozen=True)
class Finding:
    """One suggestion. ``field`` names the part it is about ("situation",
    "action", "body", ...; "" for the whole text); ``code`` is stable, for
    tests and CSS; ``message`` is what the person reads."""

    code: str
    message: str
    field: str = ""


#: Words a minute when an answer is spoken aloud: the speaking-time figure.
WORDS_PER_MINUTE = 140


def speaking_seconds(text: str) -> int:
    """About how long ``text`` takes to say, in seconds."""
    words = len(text.split())
    return round(words * 60 / WORDS_PER_MINUTE)


# ---------------------------------------------------------------- words

# A word: letters of any script, with inner apostrophes ("I'm", "Zoë's") and
# hyphens ("follow-up") kept; digits are not words here (the result rule looks
# for them on its own).
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")


def _fold(text: str) -> str:
    """Lower case without accents, and one apostrophe: "Zoë" and "Zoe", "I\u2019m"
    and "i'm" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _word_count(text: str) -> int:
    return len(text.split())


def _quoted(phrase: str, limit: int = 80) -> str:
    phrase = " ".join(phrase.split())
    if len(phrase) > limit:
        phrase = phrase[: limit - 1].rstrip() + "…"
    return f"“{phrase}”"


def _minutes(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconds"
    minutes, rest = divmod(seconds, 60)
    half = " and a half" if 15 <= rest < 45 else ""
    if rest >= 45:
        minutes += 1
    return f"{minutes}{half} minute{'s' if minutes > 1 or half else ''}"


# ---------------------------------------------------------------- stories and answers

#: The four parts of a story, in the order they are told.
STORY_PARTS = ("situation", "task", "action", "result")

#: The action should carry at least this share of a story's words.
ACTION_SHARE = 0.40

#: Shortest and longest comfortable speaking time of one example, in seconds.
SHORTEST_SECONDS = 60
LONGEST_SECONDS = 150

#: Words that speak for a group, and for oneself (compared without case; "US"
#: in capitals is the country, not "us").
WE_WORDS = frozenset({"we", "our", "ours", "us", "we're", "we've", "we'll", "we'd", "ourselves"})
I_WORDS = frozenset({"i", "me", "my", "mine", "myself", "i'm", "i've", "i'll", "i'd"})

_EMPTY_PART = {
    "situation": "The situation is empty: say where you were and what was at stake.",
    "task": "The task is empty: say what you had to achieve or solve.",
    "action": "The action is empty: say what you did, step by step.",
    "result": "The result is empty: say what changed because of what you did.",
}


def empty_parts(parts: dict[str, str]) -> list[Finding]:
    """Each empty part of situation, task, action, result. The guide asks for
    real examples: what was at stake, what you did, what changed. A story
    missing one of them leaves the interviewer to guess it."""
    return [
        Finding("empty_part", _EMPTY_PART[name], name)
        for name in STORY_PARTS
        if not parts.get(name, "").strip()
    ]


def small_action(parts: dict[str, str]) -> list[Finding]:
    """The action under about 40 % of the story's words. What you did is the
    evidence that your strengths fit the role; a long set-up and a short action
    spend the interviewer's attention on the context instead. (An empty action
    is ``empty_parts``'s.)"""
    action = _word_count(parts.get("action", ""))
    total = sum(_word_count(parts.get(name, "")) for name in STORY_PARTS)
    if not action or action / total >= ACTION_SHARE:
        return []
    share = round(100 * action / total)
    return [
        Finding(
            "small_action",
            f"The action is a small part of this story ({share} % of the words): "
            "say more about what you did.",
            "action",
        )
    ]


def _pronoun_counts(text: str) -> tuple[int, int]:
    we = i = 0
    for word in _words(text):
        folded = _fold(word)
        if folded in WE_WORDS and word != "US":
            we += 1
        elif folded in I_WORDS:
            i += 1
    return we, i


def we_not_i(text: str, field: str = "") -> list[Finding]:
    """ "We" far more often than "I" (at least two we/our/us, and more than
    twice the I/me/my). The interviewer is hiring you, not your team: the guide
    asks how *your* strengths fit, so say what you did yourself. "We" in the
    situation is fine: only the text given (the action, or a whole answer) counts."""
    we, i = _pronoun_counts(text)
    if we < 2 or we <= 2 * i:
        return []
    where = "the action" if field == "action" else "this answer"
    return [
        Finding(
            "we_not_i",
            f"“We” comes up far more than “I” in {where} ({we} against {i}): "
            "say what you did yourself.",
            field,
        )
    ]


#: What makes a result observable besides a digit: amounts spelled out...
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred hundreds thousand thousands million millions billion billions
    dozen dozens half twice double triple percent per cent""".split()  # noqa: SIM905 (a word list reads better as words)
)
#: ... and verbs (and comparatives) of a change someone could see. Compared as
#: whole words without case; inflections are listed, not guessed.
CHANGE_WORDS = frozenset(
    """increase increased increases increasing reduce reduced reduces reducing decrease
    decreased decreasing cut cuts cutting grew grow grown grows growing saved save saves
    saving launched launch launches shipped ship ships released release doubled halved
    tripled improved improve improves improving raised lowered dropped fell rose won
    delivered completed finished fixed resolved eliminated removed boosted shortened
    sped accelerated adopted promoted hired retained renewed signed closed recovered
    exceeded beat surpassed achieved passed approved faster slower fewer cheaper higher
    lower smaller bigger stopped started replaced switched""".split()  # noqa: SIM905 (a word list reads better as words)
)


def _has_amount(text: str) -> bool:
    """A digit, a per cent sign or a currency sign (any: "£", "€", "¥", ...)."""
    return any(c.isdigit() or c == "%" or unicodedata.category(c) == "Sc" for c in text)


def result_without_change(result: str, measurable: str = "") -> list[Finding]:
    """A result with no number and no observable change (see ``NUMBER_WORDS``,
    ``CHANGE_WORDS``, and any digit, "%" or currency sign), in the result or
    in the story's measurable result beside it. The guide asks what changed:
    "the client renewed for two years" is remembered, "it went well" is not.
    (An empty result is ``empty_parts``'s.)"""
    if not result.strip():
        return []
    for text in (result, measurable):
        if _has_amount(text) or any(
            _fold(word) in NUMBER_WORDS | CHANGE_WORDS for word in _words(text)
        ):
            return []
    return [
        Finding(
            "result_without_change",
            "The result has no number and no visible change: say what changed, "
            "and by how much if you can.",
            "result",
        )
    ]


def speaking_time(text: str, field: str = "") -> list[Finding]:
    """Under a minute or over two and a half when spoken (``WORDS_PER_MINUTE``).
    The guide keeps an example under two minutes: long enough to show what was
    at stake, what you did and what changed, short enough to leave room for the
    interviewer's questions. Nothing for an empty text."""
    if not text.strip():
        return []
    seconds = speaking_seconds(text)
    if seconds < SHORTEST_SECONDS:
        return [
            Finding(
                "too_short",
                f"About {_minutes(seconds)} when spoken: a minute or more gives room "
                "for what was at stake, what you did and what changed.",
                field,
            )
        ]
    if seconds > LONGEST_SECONDS:
        return [
            Finding(
                "too_long",
                f"About {_minutes(seconds)} when spoken: aim for under two minutes, "
                "and keep the detail for the interviewer's follow-up questions.",
                field,
            )
        ]
    return []


def story_findings(
    *, situation: str, task: str, action: str, result: str, measurable_result: str = ""
) -> list[Finding]:
    """The checks for a story told as situation, task, action, result (and the
    optional measurable result, which can carry the result's figure)."""
    parts = {"situation": situation, "task": task, "action": action, "result": result}
    return [
        *empty_parts(parts),
        *small_action(parts),
        *we_not_i(action, "action"),
        *result_without_change(result, measurable_result),
        *speaking_time("\n".join(parts.values())),
    ]


#: How many texts' findings each process keeps (each of the two kinds).
FINDINGS_CACHE = 512


def answer_findings(text: str) -> list[Finding]:
    """The checks for a written answer (one text, not split into parts)."""
    if not text.strip():
        return []
    return list(_answer_findings(text))


@functools.lru_cache(maxsize=FINDINGS_CACHE)
def _answer_findings(text: str) -> tuple[Finding, ...]:
    return (*we_not_i(text), *speaking_time(text))


# ---------------------------------------------------------------- thank-you notes

#: A thank-you note longer than this many words is long for its purpose.
NOTE_WORDS = 200


def placeholder_left(subject: str, body: str) -> list[Finding]:
    """A placeholder ("[…]", ``drafts.PLACEHOLDER``) still in the subject or the
    body: the draft's placeholders mark where the note becomes specific, and a
    note sent with one reads as a template."""
    findings = []
    for field, text in (("subject", subject), ("body", body)):
        left = placeholders(text)
        if left:
            findings.append(
                Finding(
                    "placeholder",
                    f"Replace {_quoted(left[0])} with your own words before you send it.",
                    field,
                )
            )
    return findings


def _phrases(*alternatives: str) -> re.Pattern[str]:
    """Whole phrases, without case, any run of spaces between words."""
    spelled = [r"\s+".join(p.split()) for p in alternatives]
    return re.compile(r"(?<!\w)(?:" + "|".join(spelled) + r")(?!\w)", re.IGNORECASE)


#: Demanding or pressing wording: a thank-you note is non-demanding (the guide),
#: so it asks for nothing and sets no deadline. Apostrophes are compared as "'".
DEMANDING = _phrases(
    r"let me know (?:by|before|no later than|asap|as soon as|today|tomorrow)",
    r"(?:please |kindly )?(?:let me know|tell me|inform me) (?:by|before) (?:end|the end|close)",
    r"I(?:\s+would|'d|\s+do|\s+will)?\s+expect",
    r"I am expecting",
    r"I'm expecting",
    r"when (?:can|could|do|shall|will|would) I start",
    r"when (?:can|will) I (?:hear|expect|get)",
    r"(?:please|kindly) (?:confirm|respond|reply|revert|advise|update me)",
    r"just (?:checking|following) (?:in|up)",
    r"as soon as possible",
    r"asap",
    r"at your earliest convenience",
    r"I need (?:an answer|a decision|to know|to hear|your decision)",
    r"I (?:must|have to) (?:know|hear)",
    r"by (?:the )?end of (?:the )?(?:day|week|month)",
    r"(?:I am|I'm) (?:still )?waiting (?:for|on) (?:your|an|a)",
    r"other offers?",
)


def demanding(text: str, field: str = "body") -> list[Finding]:
    """Demanding or pressing wording (``DEMANDING``), one finding per phrase
    found, quoting it. The guide's thank-you note is professional and
    non-demanding: a deadline or a push turns thanks into pressure."""
    found: dict[str, str] = {}
    for match in DEMANDING.finditer(text.replace("\u2019", "'")):
        found.setdefault(_fold(" ".join(match.group().split())), match.group())
    return [
        Finding(
            "demanding",
            f"{_quoted(phrase)} can read as pressing: a thank-you note asks for nothing, "
            "so leave the timing to them.",
            field,
        )
        for phrase in found.values()
    ]


#: Pay, salary and benefits, as whole words without case...
MONEY = _phrases(
    r"salary",
    r"salaries",
    r"pay",
    r"pay rise",
    r"payslip",
    r"wages?",
    r"compensation",
    r"remuneration",
    r"benefits",
    r"bonus(?:es)?",
    r"equity",
    r"stock options?",
    r"share options?",
    r"RSUs?",
    r"pension",
    r"perks",
    r"holiday allowance",
    r"paid (?:time off|leave|holidays?)",
    r"PTO",
    r"day rate",
)
#: ... except in these near misses (a money word inside one of them is not money).
MONEY_NEAR_MISSES = _phrases(
    r"pay (?:close |more |careful |particular )?attention",
    r"pay (?:tribute|a visit|a compliment|heed|homage|it forward)",
    r"pay off",
    r"benefits (?:of|from|to)",
    r"diversity,? equity",
    r"equity,? (?:and|&) inclusion",
    r"(?:as|was|is) a (?:nice |real )?bonus",
)


def money(text: str, field: str = "body") -> list[Finding]:
    """Salary, pay or benefits (``MONEY``, not its ``MONEY_NEAR_MISSES`` such as
    "pay attention"). A thank-you note thanks for the conversation; pay is for
    when an offer is on the table, and raising it here reads as the reason you
    want the job."""
    misses = [m.span() for m in MONEY_NEAR_MISSES.finditer(text)]
    words: dict[str, str] = {}
    for match in MONEY.finditer(text):
        start, end = match.span()
        if any(a <= start and end <= b for a, b in misses):
            continue
        words.setdefault(_fold(match.group()), match.group())
    if not words:
        return []
    said = ", ".join(_quoted(word) for word in list(words.values())[:3])
    return [
        Finding(
            "money",
            f"The note mentions {said}: leave pay and benefits for when they make "
            "an offer, and keep this note about the conversation.",
            field,
        )
    ]


#: Apologies and excuses, as whole phrases without case.
APOLOGIES = _phrases(
    r"sorry",
    r"I apologi[sz]e",
    r"(?:my )?apologies",
    r"apologi[sz]e for",
    r"excuses?",
    r"forgive (?:me|my)",
    r"I was (?:a bit |so |very |quite |really |too |rather )?nervous",
    r"(?:my )?nerves got",
    r"I (?:messed|mixed) up",
    r"I (?:fumbled|rambled|blanked|froze)",
    r"my mistake",
    r"I should have prepared",
)


def apology(text: str, field: str = "body") -> list[Finding]:
    """Apologies and excuses (``APOLOGIES``). The note is the last impression
    the interviewer gets: it should remind them of your strengths, not of what
    went wrong."""
    match = APOLOGIES.search(text.replace("\u2019", "'"))
    if match is None:
        return []
    return [
        Finding(
            "apology",
            f"The note says {_quoted(match.group())}: leave apologies and excuses out, and end on "
            "what you bring to the role.",
            field,
        )
    ]


def long_note(body: str) -> list[Finding]:
    """Over ``NOTE_WORDS`` words. The guide's note is short: thanks, one
    specific thing, your interest in the job; more is read as less."""
    words = _word_count(body)
    if words <= NOTE_WORDS:
        return []
    return [
        Finding(
            "long_note",
            f"The note is {words} words long: keep it under about {NOTE_WORDS}, "
            "with thanks, one specific thing and your interest in the role.",
            "body",
        )
    ]


#: Titles that may come with a name and say nothing about whose it is.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "sir", "dame"})


def _name_words(name: str) -> set[str]:
    return {
        folded
        for word in _words(name)
        for part in word.split("-")
        if len(folded := _fold(part)) >= 2 and folded not in _TITLES
    } | {_fold(word) for word in _words(name) if "-" in word}


def not_addressed(body: str, interviewer_name: str) -> list[Finding]:
    """The greeting (the first line that has text) names neither the
    interviewer's first name nor their surname. A note to "Hello," reads as
    one sent to everyone; the guide's note is personal. Accents and case do
    not matter ("Dear Zoe," for Zoë); no finding without a name to look for."""
    names = _name_words(interviewer_name)
    if not names:
        return []
    first = next((line for line in body.splitlines() if line.strip()), "")
    greeting = {_fold(part) for word in _words(first) for part in [word, *word.split("-")]}
    greeting |= {g.removesuffix("'s") for g in greeting}
    if names & greeting:
        return []
    return [
        Finding(
            "not_addressed",
            f"The note does not greet {' '.join(interviewer_name.split())} by name: "
            "start with “Dear …” and their name.",
            "body",
        )
    ]


#: Words of five letters or more that any note or debrief may use without
#: being about this interview in particular.
STOP_WORDS = frozenset(
    """about above after again against along already although always among another anything
    around because before being below between both could didn't doesn't during either
    enough every everything excited further great having however interview interviews
    interviewing interviewer interviewers itself might myself never nothing other others
    really regards should since still taking their theirs there these thing things think
    those though through today together tomorrow truly under until very where whether
    which while would yesterday yours yourself thank thanks thankful grateful appreciate
    appreciated opportunity position conversation conversations talking speaking meeting
    chance enjoyed enjoy learning learned hearing sincerely kind kindly best wishes warm
    hope hoping forward looking keen keener interest interested interesting heard
    everyone everybody making time taking again morning afternoon evening earlier later
    first second third questions question answer answers company companies please role
    roles would like work working team teams person""".split()  # noqa: SIM905 (a word list reads better as words)
)


def _content_words(text: str, *, drop: set[str]) -> set[str]:
    words = set()
    for word in _words(text):
        folded = _fold(word).removesuffix("'s")
        if len(folded) >= 5 and folded not in STOP_WORDS and folded not in drop:
            words.add(folded.removesuffix("s") if len(folded) > 5 else folded)
    return words


def nothing_specific(body: str, debrief: str, *, drop: Sequence[str] = ()) -> list[Finding]:
    """No content word (five letters or more, ``STOP_WORDS`` and the names in
    ``drop`` left out) shared between the note and the debrief. The guide's
    note recalls one specific thing from the conversation; one that shares no
    topic with what the candidate wrote about the interview is generic. No
    finding without a debrief to compare with."""
    if not debrief.strip():
        return []
    dropped = {word for name in drop for word in _name_words(name)}
    if _content_words(body, drop=dropped) & _content_words(debrief, drop=dropped):
        return []
    return [
        Finding(
            "nothing_specific",
            "The note shares no topic with your debrief: add one specific thing "
            "from the conversation.",
            "body",
        )
    ]


#: Two bodies at least this similar (difflib ratio on their words) are copies.
COPY_SIMILARITY = 0.85


def _normalised_words(text: str) -> list[str]:
    return [_fold(word) for word in _words(text)]


def _only_names_differ(a: list[str], b: list[str]) -> bool:
    """The same words but for one or two runs of at most three words each (the
    greeting's name, a name in passing): a copy with the name changed."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    return 0 < len(changes) <= 2 and all(
        tag == "replace" and i2 - i1 <= 3 and j2 - j1 <= 3 for tag, i1, i2, j1, j2 in changes
    )


def near_copy(body: str, other_notes: Sequence[str]) -> list[Finding]:
    """The body is a near copy of another note of the round: difflib similarity
    of the normalised words at least ``COPY_SIMILARITY``, or the same words with
    only a name changed. Interviewers of one company compare notes; the guide's
    note is specific to each person."""
    mine = _normalised_words(body)
    if not mine:
        return []
    for other in other_notes:
        theirs = _normalised_words(other)
        if not theirs:
            continue
        matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
        if mine == theirs or matcher.ratio() >= COPY_SIMILARITY or _only_names_differ(mine, theirs):
            return [
                Finding(
                    "near_copy",
                    "This note is almost the same as another note of this round: "
                    "make each one specific to the person.",
                    "body",
                )
            ]
    return []


def note_findings(
    *,
    subject: str,
    body: str,
    interviewer_name: str,
    debrief: str = "",
    other_notes: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Finding]:
    """The checks for a thank-you note to one interviewer. ``debrief``: what
    the candidate wrote about the interview (for "nothing specific");
    ``other_notes``: the bodies of the round's other notes (for near copies);
    ``ignore``: names that prove nothing specific (the company, the position).
    An empty note has no findings: there is nothing to suggest yet."""
    if not body.strip():
        return []
    return list(
        _note_findings(subject, body, interviewer_name, debrief, tuple(other_notes), tuple(ignore))
    )


@functools.lru_cache(maxsize=FINDINGS_CACHE)
def _note_findings(
    subject: str,
    body: str,
    interviewer_name: str,
    debrief: str,
    other_notes: tuple[str, ...],
    ignore: tuple[str, ...],
) -> tuple[Finding, ...]:
    text = f"{subject}\n{body}"
    return (
        *placeholder_left(subject, body),
        *demanding(text),
        *money(text),
        *apology(text),
        *long_note(body),
        *not_addressed(body, interviewer_name),
        *nothing_specific(body, debrief, drop=[interviewer_name, *ignore]),
        *near_copy(body, other_notes),
    )


# ---------------------------------------------------------------- shared with other readers


def folded_words(text: str) -> list[str]:
    """The words of ``text`` folded for comparing (lower case, no accents, one
    apostrophe), in order: how the debrief's story suggestions
    (``selectors.story_suggestions.stories_for_question``) read a question and a story."""
    return [_fold(word) for word in _words(text)]
