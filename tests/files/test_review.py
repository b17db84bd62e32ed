"""The coach sees each item's files and their history in the review."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.services import files as file_services

from ..checklist_helpers import submitted
from ..factories import make_assignment
from . import samples


def test_the_review_shows_thumbnails_links_and_the_file_history(
    client, coach, candidate, django_capture_on_commit_callbacks
):
    assignment = make_assignment(candidate, kinds=("check",))
    item = assignment.items.get()
    user = candidate.user
    image = file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("cert.png", samples.PNG), by=user
    )
    pdf = file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("portfolio.pdf", samples.PDF), by=user
    )
    gone = file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("old.txt", samples.TEXT), by=user
    )
    with django_capture_on_commit_callbacks(execute=True):
        file_services.item_file_remove(file=gone, by=user)
    submitted(assignment)
    client.force_login(coach)
    page = client.get(assignment.get_absolute_url()).content.decode()
    image_url = reverse("coach:file", args=[image.pk])
    assert f'<img src="{image_url}" alt="cert.png"' in page
    assert f'href="{reverse("coach:file", args=[pdf.pk])}">portfolio.pdf</a>' in page
    assert "old.txt" in page  # only in the history now
    assert "added portfolio.pdf" in page
    assert "removed old.txt" in page
    assert image.key not in page
