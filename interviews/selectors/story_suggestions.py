"""The stories a debrief suggests for each interview question (the round
pages, selectors/rounds.py): which of the candidate's stories fit a question,
by the competencies it signals and the words it shares with each story.
Pure text matching over stories read in one place (``debrief_stories``)."""

from __future__ import annotations

from collections.abc import Iterable

from ..lib import writing
from ..models import Story
from .stories import with_tags

#: The words in an interview question that signal each built-in competency
#: (``models.stories.BUILTIN_TAGS``): a story carrying the tag fits a question
#: that uses one of them. Folded (lower case, no accents) and matched as
#: prefixes, a crude stemming: a keyword of four letters or more matches every
#: word that begins with it ("disagree": "disagreed", "disagreement"), a
#: shorter one only the whole word ("led" is not "ledger"). A keyword of
#: several words matches those words in a row ("went wrong"), each the same way.
TAG_KEYWORDS: dict[str, tuple[str, ...]] = {
    "leadership": (
        "lead", "led", "leader", "manage", "managing", "manager", "mentor", "coach",
        "motivat", "inspire", "delegat", "direct report", "vision", "took charge",
    ),
    "ownership": (
        "ownership", "owned", "owner", "took responsibility", "responsib", "accountab",
        "initiative", "above and beyond", "beyond your role", "nobody asked", "own it",
    ),
    "conflict": (
        "conflict", "disagree", "pushback", "push back", "pushed back", "difficult colleague",
        "difficult person", "difficult stakeholder", "tension", "argument", "clash",
        "confront", "challenged", "difficult conversation",
    ),
    "failure-and-recovery": (
        "fail", "mistake", "setback", "went wrong", "go wrong", "error", "recover",
        "regret", "learned from", "lesson", "do differently", "missed",
    ),
    "teamwork": (
        "team", "teamwork", "collaborat", "together", "colleague", "cross-functional",
        "peers", "work with others", "worked with others", "partner",
    ),
    "influence": (
        "influenc", "persuad", "convinc", "buy-in", "buy in", "stakeholder", "win over",
        "won over", "change someone's mind", "without authority", "sell an idea",
        "get agreement", "negotiat",
    ),
    "customer-focus": (
        "customer", "client", "user", "users", "service", "complain", "satisf",
        "expectation", "feedback from",
    ),
    "analysis-and-data": (
        "data", "analys", "analyz", "analyt", "metric", "numbers", "model", "insight",
        "research", "measure", "evidence", "dashboard", "sql", "statistic", "forecast",
        "problem-solving", "solve a problem", "complex problem",
    ),
    "delivery-under-pressure": (
        "pressure", "deadline", "tight", "urgent", "stress", "competing priorit",
        "prioritis", "prioritiz", "crisis", "short notice", "deliver", "on time",
        "juggle", "juggling",
    ),
    "learning-fast": (
        "learn", "learnt", "new skill", "unfamiliar", "quickly", "fast", "ramp up",
        "get up to speed", "new to you", "never done", "adapt", "curious",
    ),
}  # fmt: skip

#: Points for each of a story's tags that the question signals, and for each
#: content word the question and the story share: a competency outweighs a
#: word in common ("a time you disagreed" wants a conflict story, whatever
#: words it uses).
TAG_POINTS = 3
WORD_POINTS = 1

#: The most stories suggested for one question.
SUGGESTIONS_PER_QUESTION = 3

#: Words of five letters or more that say nothing about a question's topic:
#: how questions are asked ("describe a situation where"), the parts of a
#: story, and the note checks' stop words (``lib.writing.STOP_WORDS``).
QUESTION_STOP_WORDS = writing.STOP_WORDS | frozenset(
    """describe described example examples instance specific recent recently
    something someone anything everyone situation situations action actions result
    results task tasks happened handle handled handling approach approached explain
    share walk biggest greatest proud proudest particular would could should tell
    asked times yourself current previous last while which whose where""".split()  # noqa: SIM905 (a word list reads better as words)
)

#: Endings taken off a content word before comparing ("dashboards",
#: "dashboard"; "launched", "launch"), when at least five letters remain.
_ENDINGS = ("ing", "ed", "es", "s")


def _keyword_matches(keyword: str, words: list[str]) -> bool:
    parts = keyword.split()

    def fits(part: str, word: str) -> bool:
        return word.startswith(part) if len(part) >= 4 else word == part

    return any(
        all(fits(part, word) for part, word in zip(parts, words[i : i + len(parts)], strict=True))
        for i in range(len(words) - len(parts) + 1)
    )


def signalled_tags(text: str) -> set[str]:
    """The slugs of the built-in tags whose ``TAG_KEYWORDS`` the text uses."""
    words = writing.folded_words(text)
    return {
        slug
        for slug, keywords in TAG_KEYWORDS.items()
        if any(_keyword_matches(keyword, words) for keyword in keywords)
    }


def content_words(text: str) -> set[str]:
    """The words of five letters or more that are not ``QUESTION_STOP_WORDS``,
    each without a common ending (``_ENDINGS``)."""
    found = set()
    for word in writing.folded_words(text):
        word = word.removesuffix("'s")
        if len(word) < 5 or word in QUESTION_STOP_WORDS:
            continue
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 5:
                word = word.removesuffix(ending)
                break
        found.add(word)
    return found


def _story_text(story: Story) -> str:
    return "\n".join(getattr(story, name) for name in Story.CONTENT_FIELDS)


def story_question_score(
    story: Story, *, tags: set[str], words: set[str], story_words: set[str] | None = None
) -> int:
    """How well ``story`` fits a question that signals the tag slugs ``tags``
    and has the content words ``words``: ``TAG_POINTS`` per tag of the story's
    that the question signals, ``WORD_POINTS`` per content word shared."""
    story_tags = {tag.slug for tag in story.tags.all() if tag.is_builtin}
    if story_words is None:
        story_words = content_words(_story_text(story))
    return TAG_POINTS * len(story_tags & tags) + WORD_POINTS * len(story_words & words)


def stories_for_question(text: str, stories: Iterable[Story]) -> list[Story]:
    """The stories that fit an interview question, best first: at most
    ``SUGGESTIONS_PER_QUESTION``, each with a score above 0, archived ones never.

    A story scores ``TAG_POINTS`` for each of its built-in tags that the
    question signals (``TAG_KEYWORDS``: "a time you disagreed with your manager"
    signals conflict) and ``WORD_POINTS`` for each content word (``content_words``:
    five letters or more, not a stop word) it shares with the question, looked
    for in its title, situation, task, action, result, what was learned and the
    measurable result. Ties keep a story marked strong first, then the order
    given (the bank's: last changed first). Pure: reads the stories' tags,
    which the caller prefetches; no query of its own."""
    tags = signalled_tags(text)
    words = content_words(text)
    scored = []
    for story in stories:
        if story.is_archived:
            continue
        score = story_question_score(story, tags=tags, words=words)
        if score > 0:
            scored.append((score, story))
    scored.sort(key=lambda pair: (-pair[0], not pair[1].is_strong))
    return [story for _, story in scored[:SUGGESTIONS_PER_QUESTION]]


def debrief_stories(candidate_id: int) -> list[Story]:
    """The live stories of one candidate record with their tags, which the
    debrief's questions are matched against (two queries, whatever the number
    of stories and tags)."""
    return list(with_tags(Story.objects.filter(candidate_id=candidate_id).live()))
