"""Coach pages: dashboard, candidates, opportunities and rounds, question bank,
templates and assignments."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import coach_required


@coach_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "interviews/coach/dashboard.html", {})


def candidate_list(request: HttpRequest) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def candidate_create(request: HttpRequest) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def assignment_create(request: HttpRequest) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def candidate_archive(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def candidate_restore(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def candidate_invite(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def opportunity_create(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def round_create(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def round_edit(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def assignment_withdraw(
    request: HttpRequest, pk: int
) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404
