"""The thank-you draft builder (lib.drafts) and the placeholder rule: each draft
starts from what the candidate wrote about that interviewer — the debrief, the
asked questions, the thank-you plan from the checklist — and keeps the specific
part a placeholder for them to put in their own words."""

import datetime

import pytest
from django.utils import timezone

from interviews.lib import drafts
from interviews.lib.drafts import ThankYouSources, placeholders, thank_you_draft
from interviews.models import AskedQuestion, Assignment, ItemKind, Question
from interviews.selectors import rounds as rounds_selectors
from interviews.services import builtin_library
from interviews.services import checklists as checklists_services
from interviews.services import rounds as rounds_services

from ..factories import (
    AssignmentItemFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    make_assignment,
)

# ---------------------------------------------------------------- the placeholder rule


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("[One specific thing from our conversation: see your debrief.]", 1),
        ("Dear [name],", 1),
        ("Dear [Ünal],", 1),  # a letter of any script
        ("[see\nyour debrief]", 1),  # over a line break
        ("Two: [this] and [that].", 2),
        ("[[nested]]", 1),
        ("A footnote[1] and [2024-05-01] and [] and [ ]", 0),
        ("An open [bracket and no close", 0),
        ("No brackets at all.", 0),
    ],
)
def test_a_placeholder_is_a_bracket_pair_holding_a_letter(text, found):
    assert len(placeholders(text)) == found


def test_the_rule_names_what_is_left():
    assert placeholders("Dear [name], thanks for [the thing].") == ["[name]", "[the thing]"]


# ---------------------------------------------------------------- the builder


@pytest.fixture
def round(candidate):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(
            candidate=candidate, company="Northwind", position="Senior Analyst"
        ),
        scheduled_at=timezone.now() - datetime.timedelta(hours=3),
    )


@pytest.fixture
def sam(round):
    return InterviewerFactory(round=round, name="Sam Okafor", email="sam@example.com")


@pytest.fixture
def ann(round):
    return InterviewerFactory(round=round, name="Ann Lee", email="ann@example.com")


def draft(round, interviewer, **sources):
    names = [i.name for i in round.interviewers.all()]
    sources = ThankYouSources(interviewers=names, **sources)
    return thank_you_draft(round, interviewer=interviewer, sender_name="Cam", sources=sources)


DEBRIEF = (
    "Ann walked me through the quarterly audit. Sam asked about my dashboards; "
    "it went well overall.\nSam's team is rebuilding the data warehouse. The start date is open."
)


def test_two_interviewers_never_get_the_same_text(round, sam, ann):
    for sources in ({}, {"debrief": DEBRIEF}):
        to_sam, to_ann = draft(round, sam, **sources), draft(round, ann, **sources)
        assert to_sam["body"] != to_ann["body"]
        assert to_sam["body"].startswith("Dear Sam,")
        assert to_ann["body"].startswith("Dear Ann,")
        assert (to_sam["to"], to_ann["to"]) == ("sam@example.com", "ann@example.com")


def test_the_debrief_naming_sam_is_quoted_in_sams_draft_only(round, sam, ann):
    body = draft(round, sam, debrief=DEBRIEF)["body"]
    [placeholder] = placeholders(body)
    assert placeholder == (
        "[One specific thing from your conversation with Sam Okafor, in your own words. "
        "Your debrief: “Sam asked about my dashboards. "
        "Sam's team is rebuilding the data warehouse.”]"
    )
    assert "audit" not in body  # Ann's part
    assert "start date" not in body  # nobody's part
    ann_body = draft(round, ann, debrief=DEBRIEF)["body"]
    assert "Your debrief: “Ann walked me through the quarterly audit.”" in ann_body
    assert "dashboards" not in ann_body


def test_an_asked_question_naming_the_interviewer_counts_as_their_part(round, sam, ann):
    body = draft(round, sam, asked=["Sam: how would you rebuild our reporting?", "Why us?"])["body"]
    assert "Your debrief: “Sam: how would you rebuild our reporting?”" in body
    assert "Why us?" not in body


def test_the_planned_thank_you_is_used(round, sam, ann):
    plan = "Mention the audit checklist I promised to send."
    body = draft(round, sam, plans=[plan])["body"]
    assert "Your plan: “Mention the audit checklist I promised to send.”" in body
    # A plan that names nobody is for each interviewer.
    assert "Your plan: “Mention the audit checklist" in draft(round, ann, plans=[plan])["body"]


def test_a_plan_naming_interviewers_gives_each_their_own_part(round, sam, ann):
    plan = "Thank Sam for the dashboards demo. Tell Ann I can start in March."
    to_sam = draft(round, sam, plans=[plan], debrief=DEBRIEF)["body"]
    to_ann = draft(round, ann, plans=[plan], debrief=DEBRIEF)["body"]
    assert "Your plan: “Thank Sam for the dashboards demo.”" in to_sam
    assert "March" not in to_sam
    assert "Your plan: “Tell Ann I can start in March.”" in to_ann
    assert "dashboards demo" not in to_ann


def test_a_plan_about_someone_else_only_is_left_out(round, sam, ann):
    body = draft(round, ann, plans=["Thank Sam for the demo."])["body"]
    assert "Your plan" not in body
    assert "[One specific thing from your conversation with Ann Lee that stayed with you" in body


def test_where_nothing_specific_exists_the_placeholder_stays(round, sam):
    body = draft(round, sam, debrief="It went well.", plans=[])["body"]
    assert placeholders(body) == [
        "[One specific thing from your conversation with Sam Okafor that stayed with you: "
        "see your debrief.]"
    ]
    someone_else = thank_you_draft(round, interviewer=None, sender_name="Cam")
    assert placeholders(someone_else["body"]) == [
        "[One specific thing from our conversation that stayed with you: see your debrief.]"
    ]
    assert someone_else["body"].startswith("Hello,")


def test_names_match_as_whole_words_with_their_case(round):
    will = InterviewerFactory(round=round, name="Will Ortiz", email="will@example.com")
    debrief = "I will send the slides. Willow Park is far. Will liked the slides."
    body = draft(round, will, debrief=debrief)["body"]
    assert "Your debrief: “Will liked the slides.”" in body


def test_a_shared_first_name_counts_only_with_the_full_name(round):
    sam_o = InterviewerFactory(round=round, name="Sam Okafor", email="so@example.com")
    sam_p = InterviewerFactory(round=round, name="Sam Park", email="sp@example.com")
    debrief = "Sam Park showed me the roadmap. Sam was friendly."
    to_o, to_p = draft(round, sam_o, debrief=debrief), draft(round, sam_p, debrief=debrief)
    assert "Your debrief: “Sam Park showed me the roadmap.”" in to_p["body"]
    assert "Your debrief" not in to_o["body"]
    assert to_o["body"] != to_p["body"]


def test_a_quote_keeps_the_draft_to_one_placeholder_and_a_sane_length(round, sam):
    debrief = "Sam said [off the record] a lot. " + "Sam talked about numbers. " * 40
    body = draft(round, sam, debrief=debrief)["body"]
    [placeholder] = placeholders(body)
    assert "(off the record)" in placeholder
    assert len(placeholder) < drafts.QUOTE_LIMIT + 150
    assert "\n" not in placeholder


# ---------------------------------------------------------------- where the plan comes from


def test_the_plan_key_is_the_built_in_thank_you_question():
    keys = [key for key, *_ in builtin_library.QUESTIONS]
    assert rounds_selectors.THANK_YOU_PLAN_KEY in keys
    [(_, _, _, _, items)] = builtin_library.TEMPLATES
    assert rounds_selectors.THANK_YOU_PLAN_KEY in [item[-1] for item in items]


def _plan_item(assignment, text):
    question = Question.objects.get(builtin_key=rounds_selectors.THANK_YOU_PLAN_KEY)
    return AssignmentItemFactory(
        assignment=assignment,
        position=10,
        kind=ItemKind.TEXT,
        prompt=question.prompt,
        question=question,
        response_text=text,
    )


def test_drafts_start_from_the_plan_in_the_rounds_live_checklists(
    round, sam, ann, candidate, coach
):
    round.debrief_notes = "Sam asked about my dashboards."
    round.save()
    AskedQuestion.objects.create(round=round, position=1, text="Ann: why analytics?")
    _plan_item(make_assignment(candidate, round=round), "Thank Sam for the dashboards demo.")
    withdrawn = make_assignment(candidate, round=round)
    _plan_item(withdrawn, "Thank Ann for the WITHDRAWN plan.")
    checklists_services.assignment_withdraw(assignment=withdrawn, by=coach)
    assert Assignment.objects.get(pk=withdrawn.pk).status == Assignment.Status.WITHDRAWN
    # Another round's plan stays there.
    _plan_item(make_assignment(candidate), "Thank Ann for the OTHER ROUND.")

    notes = rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    bodies = {note.interviewer.name: note.body for note in notes}
    assert "Your debrief: “Sam asked about my dashboards.”" in bodies["Sam Okafor"]
    assert "Your plan: “Thank Sam for the dashboards demo.”" in bodies["Sam Okafor"]
    assert "Your debrief: “Ann: why analytics?”" in bodies["Ann Lee"]
    assert "Your plan" not in bodies["Ann Lee"]
    assert "WITHDRAWN" not in "".join(bodies.values())
    assert "OTHER ROUND" not in "".join(bodies.values())
