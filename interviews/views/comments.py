"""Posting a comment on a checklist item, shared by the coach's and the candidate's pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from .. import services
from ..forms.checklist import CommentForm
from ..models import AssignmentItem


def post_comment(request: HttpRequest, item: AssignmentItem, form: CommentForm, *, posted: str):
    """Post a valid comment form's text on ``item`` and say what happened: the
    ``posted`` message, or why the service refused (a withdrawn checklist)."""
    try:
        services.comment_add(item=item, by=request.user, body=form.cleaned_data["body"])
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, posted)
