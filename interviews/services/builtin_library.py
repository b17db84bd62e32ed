"""The built-in library: a question bank for second-round preparation and the
built-in "Second-round interview prep" template. Written for Coachsite.

``install(Question, ChecklistTemplate, TemplateItem)`` updates rows in place by
their ``builtin_key`` and never duplicates them; ``manage.py load_library`` runs
it. Each version of this data reaches existing databases through a data
migration that freezes its own copy (0002 the first, 0005 the current one), so
a change here needs a new data migration too, never an edit of an old one.
"""

from __future__ import annotations

ASK, ANSWER, BRING, FOLLOW_UP = "ask", "answer", "bring", "follow_up"
SECOND, ANY = "second", ""
TEXT, CHECK = "text", "check"

# key, category, suggested round, prompt, guidance
QUESTIONS = [
    # 1. The role in depth
    (
        "role-day-to-day",
        ASK,
        SECOND,
        "What would a typical week in this role look like, and what would you expect "
        "me to have delivered after three and after twelve months?",
        "Listen for concrete outputs and deadlines rather than adjectives. Note anything that "
        "was not in the job advert.",
    ),
    (
        "role-career-path",
        ASK,
        SECOND,
        "How has this position changed over time? Who held it before, and where did they "
        "move on to?",
        "Where earlier holders went next shows where the job can lead: a promotion, another "
        "team, or out of the company. If the role is new, ask why it was created. Keep it about "
        "the position, not the people.",
    ),
    (
        "role-inherited-work",
        ASK,
        SECOND,
        "Are there projects already under way, or unfinished work, that I would take over?",
        "Inherited work decides your first months. Ask how far along it is and who has been "
        "looking after it in the meantime.",
    ),
    (
        "role-other-teams",
        ASK,
        SECOND,
        "Which other teams or parts of the business would I work with beyond the job "
        "description, and could that widen my experience?",
        "The answer shows how the role really fits in the organisation and who you would need "
        "to win over. Work with other teams is also a chance to widen your experience and pick "
        "up skills the advert does not list; if that appeals to you, say so.",
    ),
    # 2. What it takes to succeed
    (
        "success-qualities",
        ASK,
        SECOND,
        "What do you think is necessary to succeed in this position?",
        "Ask it plainly and let them talk. Listen for the qualities and skills they name and "
        "write down their words: they show what the team values, and you can use them when you "
        "explain your fit.",
    ),
    (
        "success-first-challenge",
        ASK,
        SECOND,
        "What is the hardest part of this job, and what would the first big challenge be?",
        "Their answer tells you where they feel the pain, and where your experience helps most.",
    ),
    (
        "success-my-match",
        ANSWER,
        SECOND,
        "How do my attributes fit what it takes to succeed in this role? Prepare a short answer "
        "with two examples.",
        "When they have said what success needs, relay it back: take the qualities and skills "
        "they named and match each one to something you have done. Pick real situations: what "
        "was at stake, what you did, what changed because of it. Keep each one under two "
        "minutes when spoken.",
    ),
    (
        "success-gap",
        ANSWER,
        SECOND,
        "Where am I weaker than the ideal candidate, and how will I address it honestly?",
        "Name one real gap, then what you are already doing about it. Avoid disguised "
        "strengths such as 'I work too hard'.",
    ),
    # 3. Close by offering more
    (
        "close-anything-else",
        ASK,
        SECOND,
        "Is there anything else you need from me?",
        "Ask it near the end. It opens the door to show work that has not come up yet and to "
        "offer references, certificates or your notice period. Offering more shows openness, "
        "enthusiasm and commitment, and it is a last chance to clear up a misunderstanding.",
    ),
    (
        "close-show-work",
        BRING,
        SECOND,
        "Have a portfolio piece or project ready to show that has not come up yet.",
        "Choose one example that fits what you learned about the role, ready for when you ask "
        "whether they need anything else. Keep it to a few minutes. Add the file to this item "
        "(a PDF, images or slides) so your coach can look at it and the brief lists it.",
    ),
    (
        "close-references",
        BRING,
        SECOND,
        "Contact your references and check they are happy to be called.",
        "Tell them about the role so they can speak to what matters; have names, roles and "
        "contact details written down. A list added to this item as a file travels with your "
        "brief.",
    ),
    (
        "close-certificates",
        BRING,
        SECOND,
        "Scan certificates and proof of qualifications so you can send them the same day.",
        "Keep them as clearly named PDFs in one folder. Add them to this item as files: your "
        "coach can check them and the brief lists what you will bring.",
    ),
    (
        "close-notice-period",
        BRING,
        SECOND,
        "Know your notice period at your current job and your earliest start date.",
        "Check your contract rather than guessing; the answer often comes up at the end of a "
        "second round.",
    ),
    # 4. Follow up: the notes themselves are written on the round page afterwards.
    (
        "follow-up-thank-you",
        FOLLOW_UP,
        ANY,
        "After the interview: what will you mention when you thank each interviewer?",
        "You write one note per interviewer on the round page after the interview and send it "
        "within a day. Keep it professional and undemanding: thanks for their time, one "
        "specific thing from your conversation, a clear wish to get the job, and the hope to "
        "hear back soon. Note now what you want to come back to; add the detail afterwards.",
    ),
]

# Questions the library no longer offers. They stay, marked retired (hidden from
# the bank), because template items, checklists and debriefs may point at them.
RETIRED_QUESTIONS = [
    # Replaced by role-career-path.
    (
        "role-history",
        ASK,
        SECOND,
        "Is this a new position, or did someone hold it before? What did they focus on?",
        "A new role means you will shape it; a replaced one tells you what worked and what did "
        "not. Ask politely and do not push for personal details about the previous holder.",
    ),
    # The debrief is written on the round page, not in a checklist.
    (
        "follow-up-debrief",
        FOLLOW_UP,
        ANY,
        "Write down what you were asked, what went well and what you would answer differently.",
        "Do it the same day, while you remember the details; it is the best preparation for "
        "the next round.",
    ),
]

# key, title, description, suggested round, items: (kind, prompt, guidance, required, question)
# A built-in template missing from here is deleted by install(); checklists
# assigned from it keep their own copy of the items.
TEMPLATES = [
    (
        "second-round-prep",
        "Second-round interview prep",
        "Prepare for a second-round interview: learn what the role really involves, ask what it "
        "takes to succeed and show how you fit, close by offering more, and plan your thank-you "
        "notes.",
        SECOND,
        [
            (TEXT, None, None, True, "role-day-to-day"),
            (TEXT, None, None, True, "role-career-path"),
            (TEXT, None, None, False, "role-inherited-work"),
            (TEXT, None, None, False, "role-other-teams"),
            (TEXT, None, None, True, "success-qualities"),
            (TEXT, None, None, True, "success-my-match"),
            (TEXT, None, None, False, "success-gap"),
            (TEXT, None, None, True, "close-anything-else"),
            (CHECK, None, None, True, "close-show-work"),
            (CHECK, None, None, True, "close-references"),
            (CHECK, None, None, False, "close-certificates"),
            (CHECK, None, None, True, "close-notice-period"),
            (TEXT, None, None, True, "follow-up-thank-you"),
        ],
    ),
]


def install(question_model, template_model, item_model) -> None:
    """Create or update the built-ins in place; running it again changes nothing.
    Coaches' own questions and templates are never touched."""
    questions = {}
    for rows, retired in ((QUESTIONS, False), (RETIRED_QUESTIONS, True)):
        for key, category, round_kind, prompt, guidance in rows:
            questions[key], _ = question_model.objects.update_or_create(
                builtin_key=key,
                owner=None,
                defaults={
                    "category": category,
                    "round_kind": round_kind,
                    "prompt": prompt,
                    "guidance": guidance,
                    "retired": retired,
                },
            )
    # Assignments keep their items (snapshots; the template link is set null),
    # and so do coaches' copies (copied_from is set null).
    template_model.objects.filter(owner=None).exclude(
        builtin_key__in=[key for key, *_ in TEMPLATES]
    ).delete()
    for key, title, description, round_kind, items in TEMPLATES:
        template, _ = template_model.objects.update_or_create(
            builtin_key=key,
            owner=None,
            defaults={"title": title, "description": description, "round_kind": round_kind},
        )
        item_model.objects.filter(template=template, position__gt=len(items)).delete()
        for position, (kind, prompt, guidance, required, question_key) in enumerate(items, 1):
            question = questions[question_key] if question_key else None
            item_model.objects.update_or_create(
                template=template,
                position=position,
                defaults={
                    "kind": kind,
                    "prompt": prompt or question.prompt,
                    "guidance": guidance if guidance is not None else question.guidance,
                    "required": required,
                    "question": question,
                },
            )


def install_after_migrate(sender, *, using, apps=None, **kwargs) -> None:
    """post_migrate: the built-ins are there after every ``migrate`` and every
    ``flush`` (which empties the tables, as tests that commit do), once this
    app's migrations are all applied; idempotent like ``install``."""
    from django.apps import apps as global_apps
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    if not set(loader.graph.leaf_nodes(sender.label)) <= set(loader.applied_migrations):
        return  # an older schema (migrating backwards, or part of the way)
    models = apps or global_apps
    install(
        models.get_model("interviews", "Question"),
        models.get_model("interviews", "ChecklistTemplate"),
        models.get_model("interviews", "TemplateItem"),
    )
    install_story_tags(models.get_model("interviews", "StoryTag"))


def install_story_tags(tag_model) -> None:
    """The built-in competency tags of the story bank (``BUILTIN_TAGS``, with
    their stable slugs), as migration 0013 installs them: again after a
    ``flush``, like the rest of the library. Idempotent; a renamed built-in
    takes its name back."""
    from ..models.stories import BUILTIN_TAGS

    for position, (slug, name) in enumerate(BUILTIN_TAGS, start=1):
        tag_model.objects.update_or_create(
            owner=None, slug=slug, defaults={"name": name, "position": position}
        )
