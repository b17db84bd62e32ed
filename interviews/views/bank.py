"""Coach pages for the question bank and checklist templates."""

from django.http import Http404, HttpRequest, HttpResponse


def question_list(request: HttpRequest) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def question_create(request: HttpRequest) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def template_list(request: HttpRequest) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def template_create(request: HttpRequest) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def question_edit(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def question_retire(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def question_restore(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def question_copy(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def template_detail(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def template_edit(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def template_copy(request: HttpRequest, pk: int) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404


def template_add_questions(
    request: HttpRequest, pk: int
) -> HttpResponse:  # TODO(issue): not built yet
    raise Http404