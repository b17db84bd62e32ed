"""Adding and removing evidence files (services/files.py)."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interviews import services
from interviews.models import Assignment, ItemFile, ItemFileEvent
from interviews.services import files as file_services

from ..factories import make_assignment
from . import samples


def upload(data=samples.PDF, name="portfolio.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored(location):
    folder = location / "files"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def item(candidate):
    return make_assignment(candidate, kinds=("check",)).items.get()


def test_it_stores_the_bytes_under_a_random_key_and_records_the_name(item, private_files):
    file = file_services.item_file_add(
        item=item, upload=upload(), by=item.assignment.candidate.user
    )
    file.refresh_from_db()
    assert file.name == "portfolio.pdf"
    assert "portfolio" not in file.key and file.key.startswith("files/")
    assert file.content_type == "application/pdf"
    assert file.size == len(samples.PDF)
    assert (private_files / file.key).read_bytes() == samples.PDF
    assert file.candidate == item.assignment.candidate
    event = ItemFileEvent.objects.get(item=item)
    assert (event.action, event.name) == ("added", "portfolio.pdf")


def test_the_browser_content_type_and_the_name_are_ignored(item):
    # An HTML page sent as application/pdf and named .pdf.
    with pytest.raises(services.FileRefused, match="HTML"):
        file_services.item_file_add(
            item=item,
            upload=upload(samples.HTML, "cv.pdf", "application/pdf"),
            by=item.assignment.candidate.user,
        )
    assert not ItemFile.objects.exists()


def test_a_name_keeps_only_its_last_path_part(item):
    file = file_services.item_file_add(
        item=item,
        upload=upload(samples.TEXT, "../../etc/refs.txt"),
        by=item.assignment.candidate.user,
    )
    assert file.name == "refs.txt"
    assert file.content_type == "text/plain"


def test_it_refuses_over_the_quota(item, settings, private_files):
    settings.PRIVATE_FILES_QUOTA_BYTES = len(samples.PDF) + 10
    user = item.assignment.candidate.user
    file_services.item_file_add(item=item, upload=upload(), by=user)
    with pytest.raises(services.FileRefused, match=r"past the .* allowed"):
        file_services.item_file_add(item=item, upload=upload(), by=user)
    assert ItemFile.objects.count() == 1
    assert len(stored(private_files)) == 1  # the refused bytes were deleted again


def test_it_refuses_an_oversized_file_without_storing_it(item, settings, private_files):
    settings.PRIVATE_FILE_MAX_BYTES = 50
    with pytest.raises(services.FileRefused, match="larger than the 50"):
        file_services.item_file_add(item=item, upload=upload(), by=item.assignment.candidate.user)
    assert stored(private_files) == []


def test_when_the_row_cannot_be_written_the_bytes_are_deleted(item, private_files):
    with (
        mock.patch.object(ItemFileEvent.objects, "create", side_effect=RuntimeError("db down")),
        pytest.raises(RuntimeError),
    ):
        file_services.item_file_add(item=item, upload=upload(), by=item.assignment.candidate.user)
    assert not ItemFile.objects.exists()
    assert stored(private_files) == []


def test_only_the_candidate_adds_and_only_while_editable(item, coach):
    with pytest.raises(services.NotAllowed):
        file_services.item_file_add(item=item, upload=upload(), by=coach)
    Assignment.objects.filter(pk=item.assignment_id).update(status="approved")
    item.assignment.refresh_from_db()
    with pytest.raises(services.WrongState):
        file_services.item_file_add(item=item, upload=upload(), by=item.assignment.candidate.user)


def test_remove_deletes_the_bytes_on_commit_and_records_it(
    item, private_files, django_capture_on_commit_callbacks
):
    user = item.assignment.candidate.user
    file = file_services.item_file_add(item=item, upload=upload(), by=user)
    with django_capture_on_commit_callbacks(execute=True):
        file_services.item_file_remove(file=file, by=user)
    assert stored(private_files) == []
    assert not ItemFile.objects.exists()
    assert list(ItemFileEvent.objects.values_list("action", "name")) == [
        ("added", "portfolio.pdf"),
        ("removed", "portfolio.pdf"),
    ]
