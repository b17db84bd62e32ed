"""Files follow their owners: erasure deletes the bytes (filesystem backend)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from interviews.models import ItemFile, ItemFileEvent
from interviews.services import files as file_services
from interviews.services import privacy as privacy_services

from ..factories import PASSWORD, make_assignment
from . import samples


def _add(candidate):
    item = make_assignment(candidate, kinds=("check",)).items.get()
    return file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("cert.pdf", samples.PDF), by=candidate.user
    )


def test_erasing_a_candidate_deletes_their_files_bytes(
    candidate, other_candidate, private_files, django_capture_on_commit_callbacks
):
    mine, theirs = _add(candidate), _add(other_candidate)
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.candidate_erase(candidate=candidate, by=candidate.coach)
    assert not (private_files / mine.key).exists()
    assert (private_files / theirs.key).exists()
    assert list(ItemFile.objects.all()) == [theirs]
    assert not ItemFileEvent.objects.filter(item=mine.item_id).exists()


def test_deleting_an_account_deletes_the_files_bytes(
    candidate, private_files, django_capture_on_commit_callbacks
):
    file = _add(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.user_delete_account(user=candidate.user, password=PASSWORD)
    assert not (private_files / file.key).exists()
    assert not ItemFile.objects.exists()
