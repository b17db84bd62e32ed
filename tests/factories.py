import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from interviews import models
from interviews.lib.demo import sample_responses
from interviews.lib.links import token_hash
from interviews.services import checklists as checklists_services
from interviews.services import files as files_services
from interviews.services import notifications as notifications_services
from interviews.services import practices as practices_services
from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services

from .files import samples

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = models.User.Role.CANDIDATE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CoachFactory(UserFactory):
    email = factory.Sequence(lambda n: f"coach{n}@example.com")
    role = models.User.Role.COACH


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Candidate

    coach = factory.SubFactory(CoachFactory)
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"candidate{n}@example.com")
    headline = "Product manager"
    notes = "Private: prefers morning calls."


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Practice

    name = factory.Sequence(lambda n: f"Practice {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PracticeMembership

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(CoachFactory)
    role = models.PracticeRole.COACH


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Opportunity

    candidate = factory.SubFactory(CandidateFactory)
    company = factory.Sequence(lambda n: f"Company {n}")
    position = "Senior Analyst"


class InterviewRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InterviewRound

    opportunity = factory.SubFactory(OpportunityFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    kind = models.InterviewRound.Kind.SECOND
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


class InterviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Interviewer

    round = factory.SubFactory(InterviewRoundFactory)
    name = factory.Sequence(lambda n: f"Pat Example {n}")
    job_title = "Hiring manager"
    role = models.Interviewer.Role.HIRING_MANAGER
    email = factory.Sequence(lambda n: f"interviewer{n}@example.com")


class ThankYouNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ThankYouNote

    round = factory.SubFactory(InterviewRoundFactory)
    to = "pat@example.com"
    subject = "Thank you"
    body = "Thank you for your time."


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Question

    owner = factory.SubFactory(CoachFactory)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    guidance = "Some guidance."
    category = models.Question.Category.ASK


class ChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChecklistTemplate

    owner = factory.SubFactory(CoachFactory)
    title = factory.Sequence(lambda n: f"Template {n}")


class TemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TemplateItem

    template = factory.SubFactory(ChecklistTemplateFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = models.ItemKind.TEXT
    prompt = factory.Sequence(lambda n: f"Prompt {n}")
    required = True


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment row without items; use make_assignment() for a full one."""

    class Meta:
        model = models.Assignment

    candidate = factory.SubFactory(CandidateFactory)
    title = "Second-round prep"
    status = models.Assignment.Status.ASSIGNED


class AssignmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AssignmentItem

    assignment = factory.SubFactory(AssignmentFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = models.ItemKind.TEXT
    prompt = factory.Sequence(lambda n: f"Item prompt {n}")
    required = True


def wav_bytes(seconds: float = 0.1) -> bytes:
    """A short WAV, as the file tests make it (tests/files/samples.py)."""
    return samples.wav(seconds)


def make_assignment(candidate, *, kinds=("text", "check", "email"), round=None, **kwargs):
    """An assignment with one item per kind (all required unless said otherwise)."""
    assignment = AssignmentFactory(candidate=candidate, round=round, **kwargs)
    for position, kind in enumerate(kinds, start=1):
        AssignmentItemFactory(assignment=assignment, position=position, kind=kind)
    return assignment


def one_of_each(candidate) -> dict[type, object]:
    """A saved row of every model of the app, keyed by model, for tests that walk
    them all. ``candidate`` must be linked to a login (the ``candidate`` fixture);
    the rows belong to them and their coach, and the checklist is reviewed."""
    coach = candidate.coach
    round_ = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Acme", position="Analyst")
    )
    template = ChecklistTemplateFactory(owner=coach, title="Prep")
    template_item = TemplateItemFactory(template=template, position=1, prompt="Why us?")
    assignment = make_assignment(candidate, round=round_, template=template, title="Prep")
    item = assignment.items.get(position=1)
    checklists_services.assignment_save(
        assignment=assignment, by=candidate.user, responses=sample_responses(assignment)
    )
    own_tag = stories_services.story_tag_create(coach=coach, name="Stakeholder management")
    story = stories_services.story_create(
        candidate=candidate,
        by=candidate.user,
        values={"title": "Churn model", "action": "I built the model."},
        tags=[models.StoryTag.objects.get(owner=None, slug="analysis-and-data"), own_tag],
    )
    item_story = checklists_services.item_story_use(item=item, story=story, by=candidate.user)
    item_file = files_services.item_file_add(
        item=item,
        upload=SimpleUploadedFile("portfolio.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"),
        by=candidate.user,
    )
    take = rehearsal_services.take_add(
        item=item,
        upload=SimpleUploadedFile("take.wav", wav_bytes()),
        by=candidate.user,
        duration_seconds=1,
        timer_seconds=60,
    )
    rehearsal_services.take_mark_for_coach(take=take, by=candidate.user, for_coach=True)
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    comment = checklists_services.comment_add(item=item, by=coach, body="Good start.")
    review = checklists_services.assignment_review(
        assignment=assignment, by=coach, verdict=models.Review.Verdict.APPROVED
    )
    assignment.refresh_from_db()
    item.refresh_from_db()
    story_comment = stories_services.story_comment_add(story=story, by=coach, body="Strong one.")
    practice = practices_services.practice_create(by=coach, name="Northstar")
    practice_invitation, _ = practices_services.practice_invite(
        practice=practice, by=coach, email="newcoach@example.com"
    )
    return {
        models.Practice: practice,
        models.PracticeMembership: coach.practice_membership,
        models.PracticeInvitation: practice_invitation,
        models.User: coach,
        models.Candidate: candidate,
        models.Invitation: candidate.invitations.get(),
        models.Opportunity: round_.opportunity,
        models.InterviewRound: round_,
        models.Question: QuestionFactory(owner=coach, prompt="What is the team like?"),
        models.ChecklistTemplate: template,
        models.TemplateItem: template_item,
        models.Assignment: assignment,
        models.AssignmentItem: item,
        models.Comment: comment,
        models.AnswerRevision: item.revisions.get(),
        models.Review: review,
        models.StoryTag: own_tag,
        models.Story: story,
        models.StoryRevision: story.revisions.get(),
        models.StoryComment: story_comment,
        models.ItemStory: item_story,
        models.ItemFile: item_file,
        models.RehearsalTake: take,
        models.ItemFileEvent: models.ItemFileEvent.objects.get(item=item),
        models.SubmittedStory: models.SubmittedStory.objects.get(item=item),
        models.Interviewer: InterviewerFactory(round=round_, name="Tom Becker"),
        models.AskedQuestion: models.AskedQuestion.objects.create(
            round=round_, text="Why this team?"
        ),
        models.ThankYouNote: ThankYouNoteFactory(round=round_, to_name="Ann Lee"),
        models.BriefPdf: models.BriefPdf.objects.create(
            round=round_,
            side=models.BriefPdf.Side.CANDIDATE,
            time_zone="Europe/Berlin",
            status=models.BriefPdf.Status.READY,
            requested_at=timezone.now(),
            built_at=timezone.now(),
            pdf=b"%PDF-1.7 a brief",
            fingerprint="0" * 64,
        ),
        # The submission above made the coach's notice and its email.
        models.Notification: models.Notification.objects.get(
            user=coach, kind=models.Notification.Kind.ASSIGNMENT_SUBMITTED
        ),
        models.OutgoingEmail: models.OutgoingEmail.objects.filter(to=coach.email).first(),
        models.NotificationPreference: models.NotificationPreference.objects.create(
            user=coach, kind=models.Notification.Kind.PREP_NOT_READY, enabled=False
        ),
        models.ReminderSweep: models.ReminderSweep.objects.create(pk=1),
        models.ThrottleHit: models.ThrottleHit.objects.create(scope="reset-email", key=coach.email),
        # An earlier coach's notes, set aside at a reassignment.
        models.SetAsideNotes: models.SetAsideNotes.objects.create(
            candidate=candidate, author=CoachFactory(), notes="An earlier coach's notes."
        ),
        models.UnsubscribeLink: models.UnsubscribeLink.objects.get(
            token_hash=token_hash(notifications_services.unsubscribe_token(coach, "digest"))
        ),
    }
