"""Views, one module per domain (the same names as services/ and selectors/),
plus public.py for the anonymous pages. Each object view calls its access
helper first (interviews/access.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.http import HttpRequest

from ..services import ServiceError


@contextmanager
def refusal_as_message(request: HttpRequest, *, level: int = messages.ERROR) -> Iterator[None]:
    """Around the service call of a POST action and its success message: when
    the service refuses (a ``ServiceError``: a stale tab, a wrong state), the
    rest of the block is skipped and the user reads why, at ``level``, on the
    page the view redirects to.

        with refusal_as_message(request, level=messages.INFO):
            caseload_services.candidate_archive(candidate=candidate, by=request.user)
            messages.success(request, f"{candidate} is archived …")
        return redirect(candidate)
    """
    try:
        yield
    except ServiceError as error:
        messages.add_message(request, level, str(error))
