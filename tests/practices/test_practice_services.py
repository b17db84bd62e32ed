"""The practice's rules in the services and querysets, below the views."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from interviews import services
from interviews.models import (
    Candidate,
    ChecklistTemplate,
    PracticeMembership,
    PracticeRole,
    Question,
)
from interviews.services import checklists as checklists_services
from interviews.services import library as library_services
from interviews.services import practices as practices_services

from ..factories import (
    CandidateFactory,
    ChecklistTemplateFactory,
    CoachFactory,
    MembershipFactory,
    QuestionFactory,
    TemplateItemFactory,
    UserFactory,
    make_assignment,
)


def test_a_coach_belongs_to_one_practice_at_most(coach, practice, rival):
    other = rival.practice_membership.practice
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeMembership.objects.create(practice=other, user=coach)
    with pytest.raises(services.WrongState, match="already belong to Northstar"):
        practices_services.practice_create(by=coach, name="Second")


def test_creating_a_practice_makes_its_creator_the_lead(other_coach):
    practice = practices_services.practice_create(by=other_coach, name="  Southpoint  ")
    assert practice.name == "Southpoint"
    membership = other_coach.practice_membership
    assert (membership.practice, membership.role) == (practice, PracticeRole.LEAD)


def test_a_candidate_cannot_create_a_practice(candidate):
    with pytest.raises(services.NotAllowed):
        practices_services.practice_create(by=candidate.user, name="Mine")


def test_shared_items_are_visible_to_members_and_editable_by_owner_and_lead(
    coach, lead, colleague, rival, other_coach, practice
):
    question = QuestionFactory(owner=coach, practice=practice)
    template = ChecklistTemplateFactory(owner=coach, practice=practice)
    private = ChecklistTemplateFactory(owner=coach)
    for model, item in ((Question, question), (ChecklistTemplate, template)):
        for user in (coach, lead, colleague):
            assert model.objects.visible_to(user).filter(pk=item.pk).exists(), user
        for user in (rival, other_coach):
            assert not model.objects.visible_to(user).filter(pk=item.pk).exists(), user
        assert set(model.objects.editable_by(lead).filter(pk=item.pk)) == {item}
        assert not model.objects.editable_by(colleague).filter(pk=item.pk).exists()
    assert not ChecklistTemplate.objects.visible_to(colleague).filter(pk=private.pk).exists()
    assert not ChecklistTemplate.objects.editable_by(lead).filter(pk=private.pk).exists()


def test_sharing_is_the_owners_and_unsharing_the_owners_or_the_leads(
    coach, lead, colleague, other_coach, practice
):
    template = ChecklistTemplateFactory(owner=coach)
    with pytest.raises(services.NotAllowed):
        library_services.library_share(obj=template, by=lead, shared=True)
    library_services.library_share(obj=template, by=coach, shared=True)
    template.refresh_from_db()
    assert template.practice == practice
    with pytest.raises(services.WrongState, match="already shared"):
        library_services.library_share(obj=template, by=coach, shared=True)
    with pytest.raises(services.NotAllowed):
        library_services.library_share(obj=template, by=colleague, shared=False)
    library_services.library_share(obj=template, by=lead, shared=False)
    template.refresh_from_db()
    assert template.practice is None
    alone = ChecklistTemplateFactory(owner=other_coach)
    with pytest.raises(services.WrongState, match="Join or create a practice"):
        library_services.library_share(obj=alone, by=other_coach, shared=True)


def test_a_built_in_cannot_be_shared(coach, practice):
    builtin = ChecklistTemplate.objects.filter(owner__isnull=True).first()
    with pytest.raises(services.NotAllowed):
        library_services.library_share(obj=builtin, by=coach, shared=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistTemplate.objects.filter(pk=builtin.pk).update(practice=practice)


def test_a_colleague_assigns_a_shared_template_and_unsharing_keeps_the_copy(
    coach, colleague, lead, practice
):
    template = ChecklistTemplateFactory(owner=coach, practice=practice, title="Panel prep")
    TemplateItemFactory(template=template, prompt="Your proudest project")
    client = CandidateFactory(coach=colleague)
    assignment = checklists_services.assignment_create(
        coach=colleague, candidate=client, template=template, round=None
    )
    library_services.library_share(obj=template, by=coach, shared=False)
    assert [i.prompt for i in assignment.items.all()] == ["Your proudest project"]
    other = ChecklistTemplateFactory(owner=coach)
    TemplateItemFactory(template=other)
    with pytest.raises(services.NotAllowed):
        checklists_services.assignment_create(
            coach=colleague, candidate=client, template=other, round=None
        )


def test_the_only_lead_cannot_step_down_or_be_removed(lead, colleague):
    membership = lead.practice_membership
    with pytest.raises(services.WrongState, match="only lead"):
        practices_services.membership_set_role(
            membership=membership, by=lead, role=PracticeRole.COACH
        )
    with pytest.raises(services.WrongState, match="only lead"):
        practices_services.membership_remove(membership=membership, by=lead)
    practices_services.membership_set_role(
        membership=colleague.practice_membership, by=lead, role=PracticeRole.LEAD
    )
    practices_services.membership_set_role(membership=membership, by=lead, role=PracticeRole.COACH)
    membership.refresh_from_db()
    assert membership.role == PracticeRole.COACH


def test_a_plain_member_cannot_manage_the_practice(coach, colleague, practice):
    with pytest.raises(services.NotAllowed):
        practices_services.membership_remove(membership=colleague.practice_membership, by=coach)
    with pytest.raises(services.NotAllowed):
        practices_services.practice_invite(practice=practice, by=coach, email="x@example.com")


def test_removing_a_coach_waits_for_their_candidates_and_unshares_their_items(
    lead, colleague, practice
):
    client = CandidateFactory(coach=colleague, archived=True)
    shared = ChecklistTemplateFactory(owner=colleague, practice=practice)
    with pytest.raises(services.WrongState, match="still coaches 1 candidate"):
        practices_services.membership_remove(membership=colleague.practice_membership, by=lead)
    practices_services.candidate_reassign(candidate=client, by=lead, to=lead)
    practices_services.membership_remove(membership=colleague.practice_membership, by=lead)
    assert not PracticeMembership.objects.filter(user=colleague).exists()
    shared.refresh_from_db()
    assert shared.practice is None


def test_reassigning_moves_the_candidate_and_tells_them(
    candidate, coach, colleague, lead, django_capture_on_commit_callbacks
):
    assignment = make_assignment(candidate)
    checklists_services.comment_add(item=assignment.items.first(), by=coach, body="Keep it short.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        practices_services.candidate_reassign(candidate=candidate, by=lead, to=colleague)
    candidate.refresh_from_db()
    assert candidate.coach == colleague
    assert Candidate.objects.for_coach(coach).filter(pk=candidate.pk).count() == 0
    comment = assignment.items.first().comments.get()
    assert comment.author == coach
    to_candidate = next(m for m in mail.outbox if m.to == [candidate.user.email])
    assert to_candidate.subject == "Your coach is now Cole Colleague"
    assert "taking over from Casey Coach" in to_candidate.body
    assert {m.to[0] for m in mail.outbox} == {
        candidate.user.email,
        colleague.email,
        coach.email,
    }


def test_reassigning_refuses_a_coach_outside_the_practice_or_a_clash(
    candidate, coach, colleague, lead, other_coach
):
    with pytest.raises(services.WrongState, match="not a member"):
        practices_services.candidate_reassign(candidate=candidate, by=lead, to=other_coach)
    CandidateFactory(coach=colleague, email=candidate.email.upper())
    with pytest.raises(services.WrongState, match="already has a candidate record"):
        practices_services.candidate_reassign(candidate=candidate, by=lead, to=colleague)
    with pytest.raises(services.NotAllowed):
        practices_services.candidate_reassign(candidate=candidate, by=colleague, to=lead)
    candidate.refresh_from_db()
    assert candidate.coach == coach


def test_a_lead_cannot_reassign_another_practices_candidate(rival, lead):
    elsewhere = MembershipFactory(
        practice=rival.practice_membership.practice, user=CoachFactory()
    ).user
    client = CandidateFactory(coach=elsewhere)
    with pytest.raises(services.NotAllowed):
        practices_services.candidate_reassign(candidate=client, by=lead, to=lead)


def test_an_invitation_to_a_candidates_login_is_refused(lead, practice):
    UserFactory(email="client@example.com")
    with pytest.raises(services.WrongState, match="candidate's login"):
        practices_services.practice_invite(practice=practice, by=lead, email="Client@Example.com")


def test_accepting_an_invitation_while_in_another_practice_is_refused(lead, practice, rival):
    invitation, _ = practices_services.practice_invite(
        practice=practice, by=lead, email=rival.email
    )
    with pytest.raises(services.WrongState, match="already belong to Elsewhere"):
        practices_services.practice_invitation_accept(invitation=invitation, user=rival)
