"""Coach pages for the question bank and checklist templates.

Built-ins (owner is null) are shown to every coach, read-only: they can be
viewed and copied. What a coach shares with their practice every member can
read, copy and assign; its owner and the practice's lead edit it. Everything
else is a 404 (the access helpers).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import access, services
from ..access import coach_required
from ..forms import template_editor
from ..forms.library import (
    AddQuestionsForm,
    QuestionFilterForm,
    QuestionForm,
    TemplateForm,
    TemplateItemFormSet,
)
from ..lib.links import safe_next
from ..lib.paging import paginate
from ..models import ChecklistTemplate, Question, TemplateItem
from ..selectors import library as library_selectors
from ..services import library as library_services
from . import refusal_as_message

# ---------------------------------------------------------------- question bank


@coach_required
def question_list(request: HttpRequest) -> HttpResponse:
    """Built-ins, the coach's own and their practice's questions, filtered;
    retired ones on request."""
    filters = QuestionFilterForm(request.GET or None)
    questions = filters.filter(library_selectors.question_bank(request.user), user=request.user)
    page = paginate(request, questions)
    return render(
        request,
        "interviews/library/question_list.html",
        {"filters": filters, "page": page, "showing_retired": filters.showing_retired},
    )


@coach_required
def question_create(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None, submit_label="Add question")
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.owner = request.user
        question.save()
        messages.success(request, "The question is in your bank.")
        return redirect("coach:question_list")
    return render(request, "interviews/library/question_form.html", {"form": form})


@coach_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.question_for_coach(request, pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your changes to the question have been saved.")
        return redirect("coach:question_list")
    return render(
        request, "interviews/library/question_form.html", {"form": form, "question": question}
    )


@coach_required
@require_POST
def question_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide one of the coach's own questions from the bank; templates keep their items."""
    question = access.question_for_coach(request, pk)
    with refusal_as_message(request, level=messages.INFO):
        library_services.question_retire(question=question, by=request.user)
        messages.success(
            request, f"Retired “{question.prompt}”. You can restore it from the retired list."
        )
    return redirect("coach:question_list")


@coach_required
@require_POST
def question_restore(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.question_for_coach(request, pk)
    with refusal_as_message(request, level=messages.INFO):
        library_services.question_restore(question=question, by=request.user)
        messages.success(request, f"Restored “{question.prompt}” to your bank.")
    return redirect("coach:question_list")


@coach_required
@require_POST
def question_copy(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.question_visible_to_coach(request, pk)
    try:
        copy = library_services.question_copy(question=question, by=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("coach:question_list")
    messages.success(request, "Copied to your bank. Adapt it here if you like.")
    return redirect("coach:question_edit", pk=copy.pk)


# ---------------------------------------------------------------- templates


@coach_required
def template_list(request: HttpRequest) -> HttpResponse:
    """The coach's own templates, their practice's, then the built-ins."""
    page = paginate(request, library_selectors.template_list(request.user))
    return render(request, "interviews/library/template_list.html", {"page": page})


@coach_required
def template_create(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None, submit_label="Create and add items")
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        template.owner = request.user
        template.save()
        messages.success(request, "Template created. Now add its items.")
        return redirect("coach:template_edit", pk=template.pk)
    return render(request, "interviews/library/template_create.html", {"form": form})


@coach_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.template_visible_to_coach(request, pk)
    template = library_selectors.library_template(request.user, template)
    return render(
        request,
        "interviews/library/template_detail.html",
        {"template": template, "items": list(template.items.all())},
    )


def _render_editor(
    request, template, form, formset, add_form, *, focus: str = "", unsaved: bool = False
) -> HttpResponse:
    layout = template_editor.editor_layout(formset, add_form.bank, focus=focus)
    return render(
        request,
        "interviews/library/template_edit.html",
        {
            "template": template,
            "form": form,
            "formset": formset,
            "layout": layout,
            "add_form": add_form,
            "unsaved": unsaved,
        },
    )


def _item_formset(data, template) -> TemplateItemFormSet:
    # The items' questions give the editor its section headings.
    return TemplateItemFormSet(
        data,
        instance=template,
        prefix="items",
        queryset=TemplateItem.objects.select_related("question"),
    )


@coach_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Title and the ordered items in one form (a formset that needs no JavaScript).

    "Save" writes it; the Move, Remove, Undo and "Add ticked questions" buttons
    of the same form send it back rearranged and unsaved (``template_editor``).
    """
    template = access.template_for_coach(request, pk)
    data = request.POST if request.method == "POST" else None
    bank = library_selectors.questions_to_add(request.user)
    action = template_editor.action_of(request.POST) if data is not None else None
    if data is not None and action is None and data.getlist("questions"):
        # Save pressed with questions still ticked in the bank: they are added
        # first (not lost), and the page asks for Save again with them in place.
        action = (template_editor.ADD, "")
        messages.info(request, "Not saved yet: the questions you ticked in the bank come first.")
    if action is not None:
        response = _rearrange(request, template, action, bank)
        if response is not None:
            return response
    form = TemplateForm(data, instance=template)
    formset = _item_formset(data, template)
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            library_services.template_save(
                template=template,
                by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                round_kind=form.cleaned_data["round_kind"],
                items=formset.rows(),
                removed=formset.removed_ids(),
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The template has been saved.")
            return redirect("coach:template_edit", pk=template.pk)
    add_form = AddQuestionsForm(questions=bank)
    return _render_editor(request, template, form, formset, add_form, unsaved=data is not None)


def _rearrange(request, template, action, bank) -> HttpResponse | None:
    """Make one Move/Remove/Undo/Add change to the posted, unsaved editor and show it.

    Nothing is saved and nothing is validated (errors show on Save), so no
    redirect: the page comes back with status 200. None when the posted
    form is too broken to rearrange (no management form): the Save path
    then shows what is wrong.
    """
    formset = _item_formset(request.POST, template)
    if not formset.management_form.is_valid():
        return None
    add_form = AddQuestionsForm(
        request.POST if action[0] == template_editor.ADD else None, questions=bank
    )
    layout = template_editor.editor_layout(formset, add_form.bank)
    data, focus = request.POST, ""
    try:
        change = template_editor.rearrange(
            request.POST,
            prefix=formset.prefix,
            initial=formset.initial_form_count(),
            total=formset.total_form_count(),
            action=action,
            add_form=add_form,
            sections=template_editor.sections_by_index(layout),
            template_pk=template.pk,
        )
    except template_editor.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, change.message)
        data, focus = change.data, change.focus
        add_form = AddQuestionsForm(questions=bank)
    form = TemplateForm(data, instance=template)
    formset = _item_formset(data, template)
    template_editor.without_errors(form, formset)
    return _render_editor(request, template, form, formset, add_form, focus=focus, unsaved=True)


@coach_required
@require_POST
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.template_visible_to_coach(request, pk)
    try:
        copy = library_services.template_copy(template=template, by=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("coach:template_list")
    messages.success(request, f"“{copy.title}” is yours to edit.")
    return redirect("coach:template_edit", pk=copy.pk)


# ---------------------------------------------------------------- sharing with the practice


def _back(request: HttpRequest, default: str) -> str:
    """Where the share buttons were pressed: the ``next`` path they send."""
    return safe_next(request.POST.get("next"), default=default)


def _share(request: HttpRequest, obj: Question | ChecklistTemplate, default: str) -> HttpResponse:
    """Share (``shared=1``) or stop sharing (``shared=0``) one library item."""
    shared = request.POST.get("shared")
    if shared not in ("0", "1"):
        messages.error(request, "Choose whether to share it or stop sharing it.")
        return redirect(_back(request, default))
    with refusal_as_message(request):
        obj = library_services.library_share(obj=obj, by=request.user, shared=shared == "1")
        if obj.practice_id is not None:
            messages.success(
                request,
                f"Shared with {obj.practice}. Its members can now read, copy and assign it.",
            )
        else:
            messages.success(
                request,
                "No longer shared. Checklists already assigned from it stay as they are.",
            )
    return redirect(_back(request, default))


@coach_required
@require_POST
def question_share(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.question_for_coach(request, pk)
    return _share(request, question, reverse("coach:question_list"))


@coach_required
@require_POST
def template_share(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.template_for_coach(request, pk)
    return _share(request, template, reverse("coach:template_detail", args=[template.pk]))
