"""The built-in library follows the guide more closely (issue 10).

- "Other teams" is also a chance to widen one's experience; a new question on
  the position's career path (how it changed, who held it, where they went)
  replaces role-history, which is retired.
- "What do you think is necessary to succeed in this position?" asked plainly,
  with a prepared answer that relays how the candidate fits.
- "Is there anything else you need from me?" says why it works.
- The prep template's thank-you email item becomes a written item that plans
  the notes: they are written per interviewer on the round page afterwards.
- The built-in "After the interview" template is deleted: the round has its own
  debrief and thank-you notes, so follow-up-debrief is retired as well.

Only built-ins (no owner) change, matched by ``builtin_key``. Coaches' questions
and templates are not touched; checklists already assigned keep their items
(snapshots; ``Assignment.template`` and ``copied_from`` are set null), and
retired questions stay because items and debriefs may point at them.

The data is frozen here as it stands in ``interviews/library.py`` at this
migration and runs against the historical models only (see 0002 for why).
Running it again changes nothing.
"""

from django.db import migrations

# key, category, suggested round, prompt, guidance
QUESTIONS = [
    # 1. The role in depth
    (
        "role-day-to-day",
        "ask",
        "second",
        "What would a typical week in this role look like, and what would you expect "
        "me to have delivered after three and after twelve months?",
        "Listen for concrete outputs and deadlines rather than adjectives. Note anything that "
        "was not in the job advert.",
    ),
    (
        "role-career-path",
        "ask",
        "second",
        "How has this position changed over time? Who held it before, and where did they "
        "move on to?",
        "Where earlier holders went next shows where the job can lead: a promotion, another "
        "team, or out of the company. If the role is new, ask why it was created. Keep it about "
        "the position, not the people.",
    ),
    (
        "role-inherited-work",
        "ask",
        "second",
        "Are there projects already under way, or unfinished work, that I would take over?",
        "Inherited work decides your first months. Ask how far along it is and who has been "
        "looking after it in the meantime.",
    ),
    (
        "role-other-teams",
        "ask",
        "second",
        "Which other teams or parts of the business would I work with beyond the job "
        "description, and could that widen my experience?",
        "The answer shows how the role really fits in the organisation and who you would need "
        "to win over. Work with other teams is also a chance to widen your experience and pick "
        "up skills the advert does not list; if that appeals to you, say so.",
    ),
    # 2. What it takes to succeed
    (
        "success-qualities",
        "ask",
        "second",
        "What do you think is necessary to succeed in this position?",
        "Ask it plainly and let them talk. Listen for the qualities and skills they name and "
        "write down their words: they show what the team values, and you can use them when you "
        "explain your fit.",
    ),
    (
        "success-first-challenge",
        "ask",
        "second",
        "What is the hardest part of this job, and what would the first big challenge be?",
        "Their answer tells you where they feel the pain, and where your experience helps most.",
    ),
    (
        "success-my-match",
        "answer",
        "second",
        "How do my attributes fit what it takes to succeed in this role? Prepare a short answer "
        "with two examples.",
        "When they have said what success needs, relay it back: take the qualities and skills "
        "they named and match each one to something you have done. Pick real situations: what "
        "was at stake, what you did, what changed because of it. Keep each one under two "
        "minutes when spoken.",
    ),
    (
        "success-gap",
        "answer",
        "second",
        "Where am I weaker than the ideal candidate, and how will I address it honestly?",
        "Name one real gap, then what you are already doing about it. Avoid disguised "
        "strengths such as 'I work too hard'.",
    ),
    # 3. Close by offering more
    (
        "close-anything-else",
        "ask",
        "second",
        "Is there anything else you need from me?",
        "Ask it near the end. It opens the door to show work that has not come up yet and to "
        "offer references, certificates or your notice period. Offering more shows openness, "
        "enthusiasm and commitment, and it is a last chance to clear up a misunderstanding.",
    ),
    (
        "close-show-work",
        "bring",
        "second",
        "Have a portfolio piece or project ready to show that has not come up yet.",
        "Choose one example that fits what you learned about the role, ready for when you ask "
        "whether they need anything else. Keep it to a few minutes.",
    ),
    (
        "close-references",
        "bring",
        "second",
        "Contact your references and check they are happy to be called.",
        "Tell them about the role so they can speak to what matters; have names, roles and "
        "contact details written down.",
    ),
    (
        "close-certificates",
        "bring",
        "second",
        "Scan certificates and proof of qualifications so you can send them the same day.",
        "Keep them as clearly named PDFs in one folder.",
    ),
    (
        "close-notice-period",
        "bring",
        "second",
        "Know your notice period at your current job and your earliest start date.",
        "Check your contract rather than guessing; the answer often comes up at the end of a "
        "second round.",
    ),
    # 4. Follow up: the notes themselves are written on the round page afterwards.
    (
        "follow-up-thank-you",
        "follow_up",
        "",
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
        "ask",
        "second",
        "Is this a new position, or did someone hold it before? What did they focus on?",
        "A new role means you will shape it; a replaced one tells you what worked and what did "
        "not. Ask politely and do not push for personal details about the previous holder.",
    ),
    # The debrief is written on the round page, not in a checklist.
    (
        "follow-up-debrief",
        "follow_up",
        "",
        "Write down what you were asked, what went well and what you would answer differently.",
        "Do it the same day, while you remember the details; it is the best preparation for "
        "the next round.",
    ),
]

# key, title, description, suggested round, items: (kind, prompt, guidance, required, question)
TEMPLATES = [
    (
        "second-round-prep",
        "Second-round interview prep",
        "Prepare for a second-round interview: learn what the role really involves, ask what it "
        "takes to succeed and show how you fit, close by offering more, and plan your thank-you "
        "notes.",
        "second",
        [
            ("text", None, None, True, "role-day-to-day"),
            ("text", None, None, True, "role-career-path"),
            ("text", None, None, False, "role-inherited-work"),
            ("text", None, None, False, "role-other-teams"),
            ("text", None, None, True, "success-qualities"),
            ("text", None, None, True, "success-my-match"),
            ("text", None, None, False, "success-gap"),
            ("text", None, None, True, "close-anything-else"),
            ("check", None, None, True, "close-show-work"),
            ("check", None, None, True, "close-references"),
            ("check", None, None, False, "close-certificates"),
            ("check", None, None, True, "close-notice-period"),
            ("text", None, None, True, "follow-up-thank-you"),
        ],
    ),
]


# Built-in templates the library no longer ships.
REMOVED_TEMPLATES = ["after-the-interview"]


def update_library(apps, schema_editor):
    Question = apps.get_model("interviews", "Question")
    ChecklistTemplate = apps.get_model("interviews", "ChecklistTemplate")
    TemplateItem = apps.get_model("interviews", "TemplateItem")
    questions = {}
    for rows, retired in ((QUESTIONS, False), (RETIRED_QUESTIONS, True)):
        for key, category, round_kind, prompt, guidance in rows:
            questions[key], _ = Question.objects.update_or_create(
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
    ChecklistTemplate.objects.filter(owner=None, builtin_key__in=REMOVED_TEMPLATES).delete()
    for key, title, description, round_kind, items in TEMPLATES:
        template, _ = ChecklistTemplate.objects.update_or_create(
            builtin_key=key,
            owner=None,
            defaults={"title": title, "description": description, "round_kind": round_kind},
        )
        TemplateItem.objects.filter(template=template, position__gt=len(items)).delete()
        for position, (kind, prompt, guidance, required, question_key) in enumerate(items, 1):
            question = questions[question_key] if question_key else None
            TemplateItem.objects.update_or_create(
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


class Migration(migrations.Migration):
    dependencies = [("interviews", "0004_interview_centre")]

    # Going back leaves the new wording in place: 0004 has the same tables, and
    # a deleted template cannot be brought back with its copies' links anyway.
    operations = [migrations.RunPython(update_library, migrations.RunPython.noop)]
