"""Serving private files: after the access helper, with safe headers (views/files.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.lib import files as lib_files
from interviews.services import files as file_services

from ..factories import make_assignment
from . import samples


def add(candidate, data=samples.PDF, name="portfolio.pdf"):
    item = make_assignment(candidate, kinds=("check",)).items.get()
    return file_services.item_file_add(
        item=item, upload=SimpleUploadedFile(name, data), by=candidate.user
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_pdf_is_shown_inline_with_its_sniffed_type(client, candidate):
    file = add(candidate)
    client.force_login(candidate.user)
    response = client.get(reverse("me:file", args=[file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="portfolio.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == samples.PDF


def test_an_office_file_is_a_download_with_its_name_safely_encoded(client, coach, candidate):
    file = add(candidate, samples.office("word/"), 'Référence "Ada"\r\n.docx')
    client.force_login(coach)
    response = client.get(reverse("coach:file", args=[file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "\r" not in disposition and "\n" not in disposition and '"Ada"' not in disposition


def test_plain_text_is_a_download_never_inline(client, candidate):
    file = add(candidate, samples.TEXT, "refs.txt")
    client.force_login(candidate.user)
    response = client.get(reverse("me:file", args=[file.pk]))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_storage_key_never_appears_in_a_url(candidate):
    file = add(candidate)
    for name in ("me:file", "coach:file", "practice:file"):
        assert file.key not in reverse(name, args=[file.pk])


@pytest.mark.parametrize("who", ["other_coach", "other_candidate_user"])
def test_anyone_else_gets_404(client, candidate, who, request):
    file = add(candidate)
    client.force_login(request.getfixturevalue(who))
    for name in ("me:file", "coach:file", "practice:file"):
        assert client.get(reverse(name, args=[file.pk])).status_code == 404


def test_a_file_whose_bytes_are_gone_is_a_404_not_an_error(client, candidate):
    file = add(candidate)
    lib_files.private_storage().delete(file.key)
    client.force_login(candidate.user)
    assert client.get(reverse("me:file", args=[file.pk])).status_code == 404
