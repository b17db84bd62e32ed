import datetime

import factory
from django.utils import timezone

from interviews import models

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
    interviewer_names = "Pat Example"
    interviewer_email = "pat@example.com"


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


def make_assignment(candidate, *, kinds=("text", "check", "email"), round=None, **kwargs):
    """An assignment with one item per kind (all required unless said otherwise)."""
    assignment = AssignmentFactory(candidate=candidate, round=round, **kwargs)
    for position, kind in enumerate(kinds, start=1):
        AssignmentItemFactory(assignment=assignment, position=position, kind=kind)
    return assignment
