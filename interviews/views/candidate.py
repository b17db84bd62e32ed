"""Candidate pages: my checklists, filling one in, round follow-up."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import candidate_required


@candidate_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "interviews/candidate/home.html", {})


def checklist(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def item_comment(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def item_email_sent(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def round_thank_you_sent(
    request: HttpRequest, pk: int
) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404
