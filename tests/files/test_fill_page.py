"""Files on the candidate's checklist page: attach, refuse, remove (views/checklists.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from interviews.models import ItemFile, ItemFileEvent

from ..checklist_helpers import form_data
from ..factories import make_assignment
from . import samples


def post(client, assignment, action, files=None, **answers):
    data = form_data(assignment, action, **answers)
    data.update(files or {})
    return client.post(assignment.get_candidate_url(), data)


def test_the_candidate_attaches_a_file_and_their_typed_answers_are_saved(client, candidate):
    assignment = make_assignment(candidate, kinds=("text", "check"))
    item = assignment.items.get(position=2)
    client.force_login(candidate.user)
    response = post(
        client,
        assignment,
        f"add_file:{item.pk}",
        {f"file-{item.pk}": SimpleUploadedFile("portfolio.pdf", samples.PDF)},
        item1={"response_text": "Typed, not yet saved"},
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{item.pk}")
    file = ItemFile.objects.get()
    assert (file.item, file.name) == (item, "portfolio.pdf")
    assert assignment.items.get(position=1).response_text == "Typed, not yet saved"
    page = client.get(assignment.get_candidate_url()).content.decode()
    assert "portfolio.pdf" in page
    assert f'value="remove_file:{file.pk}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_refused_file_shows_its_reason_next_to_its_input_and_loses_nothing(client, candidate):
    assignment = make_assignment(candidate, kinds=("text", "check"))
    item = assignment.items.get(position=2)
    client.force_login(candidate.user)
    response = post(
        client,
        assignment,
        f"add_file:{item.pk}",
        {f"file-{item.pk}": SimpleUploadedFile("cv.pdf", samples.HTML, "application/pdf")},
        item1={"response_text": "Kept"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="file-error-{item.pk}"' in page
    assert "contains web page code (HTML)" in page
    assert "Kept" in page  # the answer was saved, and is on the page again
    assert assignment.items.get(position=1).response_text == "Kept"
    assert not ItemFile.objects.exists()


def test_the_candidate_removes_a_file(client, candidate, django_capture_on_commit_callbacks):
    assignment = make_assignment(candidate, kinds=("check",))
    item = assignment.items.get()
    client.force_login(candidate.user)
    post(
        client,
        assignment,
        f"add_file:{item.pk}",
        {f"file-{item.pk}": SimpleUploadedFile("cert.png", samples.PNG)},
    )
    file = ItemFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, assignment, f"remove_file:{file.pk}")
    assert response.status_code == 302
    assert not ItemFile.objects.exists()
    assert list(ItemFileEvent.objects.values_list("action", flat=True)) == ["added", "removed"]


def test_another_candidates_file_cannot_be_removed_through_my_checklist(
    client, candidate, other_candidate
):
    mine = make_assignment(candidate, kinds=("check",))
    theirs = make_assignment(other_candidate, kinds=("check",)).items.get()
    client.force_login(other_candidate.user)
    post(
        client,
        theirs.assignment,
        f"add_file:{theirs.pk}",
        {f"file-{theirs.pk}": SimpleUploadedFile("x.pdf", samples.PDF)},
    )
    file = ItemFile.objects.get()
    client.force_login(candidate.user)
    post(client, mine, f"remove_file:{file.pk}")
    assert ItemFile.objects.filter(pk=file.pk).exists()
