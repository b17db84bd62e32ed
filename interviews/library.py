"""The built-in library: a question bank for second-round preparation and the
two built-in checklist templates. Written for Coachsite.

``install(Question, ChecklistTemplate, TemplateItem)`` updates rows in place by
their ``builtin_key`` and never duplicates them; ``manage.py load_library`` runs
it. Migration 0002 installed the first version from its own frozen copy of this
data, so a change here reaches existing databases through that command or a new
data migration (which again freezes what it needs), never by editing 0002.
"""

from __future__ import annotations

ASK, ANSWER, BRING, FOLLOW_UP = "ask", "answer", "bring", "follow_up"
SECOND, ANY = "second", ""
TEXT, CHECK, EMAIL = "text", "check", "email"

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
        "role-history",
        ASK,
        SECOND,
        "Is this a new position, or did someone hold it before? What did they focus on?",
        "A new role means you will shape it; a replaced one tells you what worked and what did "
        "not. Ask politely and do not push for personal details about the previous holder.",
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
        "Which other teams or parts of the business would I work with, beyond what the job "
        "description mentions?",
        "This shows how the role really fits in the organisation and who you would need to "
        "win over.",
    ),
    # 2. What it takes to succeed
    (
        "success-qualities",
        ASK,
        SECOND,
        "Which qualities and skills matter most to you for someone to do well in this role?",
        "Write down the words the interviewer uses; you can echo them when you explain your fit.",
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
        "How do my strengths match what this role needs? Prepare two short examples.",
        "Pick real situations: what was at stake, what you did, what changed because of it. "
        "Keep each one under two minutes when spoken.",
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
        "Is there anything else you need from me, or anything about my background I can make "
        "clearer?",
        "Ask near the end. It gives you a last chance to correct a misunderstanding.",
    ),
    (
        "close-show-work",
        BRING,
        SECOND,
        "Have a portfolio piece or project ready to show that has not come up yet.",
        "Choose one example that fits what you learned about the role, and keep it to a few "
        "minutes.",
    ),
    (
        "close-references",
        BRING,
        SECOND,
        "Contact your references and check they are happy to be called.",
        "Tell them about the role so they can speak to what matters; have names, roles and "
        "contact details written down.",
    ),
    (
        "close-certificates",
        BRING,
        SECOND,
        "Scan certificates and proof of qualifications so you can send them the same day.",
        "Keep them as clearly named PDFs in one folder.",
    ),
    (
        "close-notice-period",
        BRING,
        SECOND,
        "Know your notice period at your current job and your earliest start date.",
        "Check your contract rather than guessing; the answer often comes up at the end of a "
        "second round.",
    ),
    # 4. Follow up
    (
        "follow-up-thank-you",
        FOLLOW_UP,
        ANY,
        "Send the interviewer a short thank-you email within a day.",
        "Thank them for their time, say clearly that you want the job, and say you hope to hear "
        "from them soon. Keep it brief and free of pressure.",
    ),
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
TEMPLATES = [
    (
        "second-round-prep",
        "Second-round interview prep",
        "Prepare for a second-round interview: learn what the role really involves, show how "
        "you fit, close by offering more, and plan the follow-up.",
        SECOND,
        [
            (TEXT, None, None, True, "role-day-to-day"),
            (TEXT, None, None, True, "role-history"),
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
            (
                EMAIL,
                "Draft the thank-you email you will send after the interview.",
                "Address it to the interviewer. Thank them for their time, say you want the job "
                "and that you hope to hear back soon. Send it yourself within a day, then mark "
                "it as sent.",
                True,
                "follow-up-thank-you",
            ),
        ],
    ),
    (
        "after-the-interview",
        "After the interview",
        "Capture what happened while it is fresh, send the thank-you note and record the outcome.",
        ANY,
        [
            (TEXT, None, None, True, "follow-up-debrief"),
            (
                TEXT,
                "What did you learn about the role that changes how you see it?",
                "Note anything that makes the job more or less attractive, and questions that are "
                "still open.",
                False,
                None,
            ),
            (
                EMAIL,
                "Thank-you email to the interviewer",
                "Thanks for their time, a clear wish to get the job, and the hope to hear back "
                "soon. Send it yourself, then mark it as sent.",
                True,
                "follow-up-thank-you",
            ),
            (
                TEXT,
                "Outcome: what did the company tell you, and when?",
                "Write 'still waiting' until you hear back; record the outcome on the round page "
                "as well.",
                False,
                None,
            ),
        ],
    ),
]


def install(question_model, template_model, item_model) -> None:
    """Create or update the built-ins in place; running it again changes nothing."""
    questions = {}
    for key, category, round_kind, prompt, guidance in QUESTIONS:
        questions[key], _ = question_model.objects.update_or_create(
            builtin_key=key,
            owner=None,
            defaults={
                "category": category,
                "round_kind": round_kind,
                "prompt": prompt,
                "guidance": guidance,
                "retired": False,
            },
        )
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
