"""The coach's review of a submitted checklist: answers, diffs, marks, comments, verdict."""

from django.http import Http404, HttpRequest, HttpResponse


def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def assignment_review(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def item_comment(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404
