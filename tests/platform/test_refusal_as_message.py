"""``refusal_as_message``: the one way a POST action reports a refused service."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from interviews import services
from interviews.views import refusal_as_message


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level, m.message) for m in messages.get_messages(request)]


def test_a_call_that_goes_through_runs_the_whole_block(request_):
    with refusal_as_message(request_):
        messages.success(request_, "Done.")
    assert _said(request_) == [(messages.SUCCESS, "Done.")]


@pytest.mark.parametrize(
    "error", [services.WrongState, services.NotAllowed, services.InvitationInvalid]
)
def test_a_refusal_skips_the_rest_and_says_why(request_, error):
    with refusal_as_message(request_):
        raise error("This checklist is approved.")
        messages.success(request_, "Done.")  # never reached
    assert _said(request_) == [(messages.ERROR, "This checklist is approved.")]


def test_the_level_is_the_callers(request_):
    with refusal_as_message(request_, level=messages.INFO):
        raise services.WrongState("Already archived.")
    assert _said(request_) == [(messages.INFO, "Already archived.")]


def test_anything_else_is_a_bug_and_propagates(request_):
    with pytest.raises(ZeroDivisionError), refusal_as_message(request_):
        1 / 0  # noqa: B018
    assert _said(request_) == []
