"""What a 20-item checklist costs to render, pinned where it cannot drift.

The fill-in and review pages render the per-item fields in Python
(interviews/forms/fields.py), not through crispy-forms' templates: these
counts fail if a page quietly goes back to a template render per field.
Timings are in the benchmark (make benchmark), not here.
"""

from collections import Counter

import pytest
from django.test.signals import template_rendered
from django.urls import reverse

from ..checklist_helpers import submitted
from ..factories import make_assignment

ITEMS = 20


@pytest.fixture
def rendered():
    names = Counter()

    def count(sender, template, context, **kwargs):
        names[template.name] += 1

    template_rendered.connect(count)
    yield names
    template_rendered.disconnect(count)


def big_checklist(candidate):
    kinds = ("text", "check", "email", "text")
    return make_assignment(candidate, kinds=tuple(kinds[i % 4] for i in range(ITEMS)))


def test_the_fill_page_renders_a_few_templates_per_item(candidate, candidate_client, rendered):
    assignment = big_checklist(candidate)
    response = candidate_client.get(assignment.get_candidate_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 checklist-item') == ITEMS
    # Per item: the item, its mark badge and its comment thread; no field templates.
    assert rendered["interviews/checklists/_item_fill.html"] == ITEMS
    assert not [
        name for name in rendered if name and name.startswith(("bootstrap5/", "django/forms"))
    ]
    assert sum(rendered.values()) <= 3 * ITEMS + 15


def test_the_review_page_renders_a_few_templates_per_item(candidate, coach_client, rendered):
    assignment = submitted(big_checklist(candidate))
    response = coach_client.get(assignment.get_absolute_url())
    assert response.status_code == 200
    assert rendered["interviews/review/_item_review.html"] == ITEMS
    field_templates = [
        name for name in rendered if name and name.startswith(("bootstrap5/", "django/forms"))
    ]
    # The overall note too is drawn by the fast fields since issue 25 (crispy's
    # templates for that one field were 0.5 ms): no field template at all.
    assert field_templates == []
    assert sum(rendered.values()) <= 6 * ITEMS + 20


def test_the_leads_read_only_review_page_renders_no_field_templates(
    candidate, lead_client, rendered
):
    """The practice lead reads the coach's review page with no form: per item
    the item, its mark badge, its comment thread and its answer (here once
    more, in its one revision); nothing of crispy-forms or Django's widgets."""
    assignment = submitted(big_checklist(candidate))
    rendered.clear()  # the emails of the submission
    response = lead_client.get(reverse("practice:assignment", args=[assignment.pk]))
    assert response.status_code == 200
    assert rendered["interviews/review/_item_review.html"] == ITEMS
    assert not [
        name for name in rendered if name and name.startswith(("bootstrap5/", "django/forms"))
    ]
    assert sum(rendered.values()) <= 5 * ITEMS + 5


def test_html_is_compressed_for_browsers_that_accept_gzip(candidate, coach_client):
    import gzip

    assignment = submitted(big_checklist(candidate))
    url = assignment.get_absolute_url()
    plain = coach_client.get(url)
    packed = coach_client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content)
    assert b"checklist-item" in html
    # A review page of 20 items shrinks to a fraction of its size.
    assert len(packed.content) * 4 < len(plain.content)


@pytest.mark.parametrize("items", [3, ITEMS])
def test_saving_every_answer_changed_costs_the_same_queries_at_any_size(
    candidate, candidate_client, django_assert_num_queries, items
):
    from interviews.lib.demo import sample_responses
    from interviews.models import AnswerRevision

    from ..checklist_helpers import form_data

    kinds = ("text", "check", "email")
    assignment = make_assignment(candidate, kinds=tuple(kinds[i % 3] for i in range(items)))
    answers = {
        f"item{item.position}": values
        for item in assignment.items.all()
        for values in [sample_responses(assignment)[item.pk][1]]
    }
    data = form_data(assignment, **answers)
    # Session, user, the checklist (locked), its items (locked), one UPDATE of
    # every item, one INSERT of every revision, the checklist, the items'
    # files (read with the items the forms bind to), and the savepoints: the
    # same at 3 items and at 20.
    with django_assert_num_queries(13):
        response = candidate_client.post(assignment.get_candidate_url(), data)
    assert response.status_code == 302
    assert AnswerRevision.objects.filter(item__assignment=assignment).count() == items


@pytest.mark.parametrize("path", ["/coach/", "/coach/candidates/", "/me/"])
def test_list_pages_render_no_template_per_row(
    path, coach, candidate, coach_client, candidate_client, rendered
):
    """Rows on the dashboard, the candidate list and the candidate's home draw
    their readiness meter and status badge with filters, not includes: the
    number of templates rendered is the same for 1 and for 6 checklists."""
    client = candidate_client if path == "/me/" else coach_client

    def templates_for(checklists: int) -> int:
        while candidate.assignments.count() < checklists:
            make_assignment(candidate)
        rendered.clear()
        assert client.get(path).status_code == 200
        return sum(rendered.values())

    assert templates_for(1) == templates_for(6)
