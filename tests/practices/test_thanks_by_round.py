"""The thank-you notes still owed, read as plain values for the overview and
the dashboard (selectors.followups.thanks_waiting_by_round), say what the
rule on the models says (selectors.rounds.waiting_for_thanks), in its order."""

import pytest

from interviews.models import InterviewRound
from interviews.selectors.followups import thanks_waiting_by_round
from interviews.selectors.rounds import waiting_for_thanks, with_follow_up_parts

from ..factories import InterviewerFactory, InterviewRoundFactory, ThankYouNoteFactory

pytestmark = pytest.mark.django_db


def test_the_plain_values_say_what_the_models_say(django_assert_num_queries):
    busy, interviewers_only, notes_only, nothing = (InterviewRoundFactory() for _ in range(4))
    ann, bob, cy = (InterviewerFactory(round=busy, name=n) for n in ("Ann", "Bob", "Cy"))
    InterviewerFactory(round=busy, name="No address", email="")
    ThankYouNoteFactory(round=busy, interviewer=bob)
    ThankYouNoteFactory(round=busy, interviewer=ann, sent_at=busy.scheduled_at)
    ThankYouNoteFactory(round=busy, to_name="Someone else")
    ThankYouNoteFactory(round=busy, to_name="", to="")
    InterviewerFactory(round=interviewers_only, name="Dee")
    InterviewerFactory(round=interviewers_only, name="Eve")
    ThankYouNoteFactory(round=notes_only, to_name="", to="hr@example.com")
    ThankYouNoteFactory(round=notes_only, interviewer=cy)
    rounds = [busy, interviewers_only, notes_only, nothing]

    with django_assert_num_queries(1):
        plain = thanks_waiting_by_round([r.pk for r in rounds])

    loaded = with_follow_up_parts(InterviewRound.objects.filter(pk__in=[r.pk for r in rounds]))
    assert plain == {r.pk: waiting_for_thanks(r) for r in loaded}
    assert plain[busy.pk] == ["Bob", "Someone else", "someone else", "Cy"]
    assert plain[nothing.pk] == []


def test_no_rounds_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert thanks_waiting_by_round([]) == {}
