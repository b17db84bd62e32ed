"""The data download holds the files' bytes beside data.json."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.services import files as file_services
from tests.export_helpers import exported_zip

from ..factories import make_assignment
from . import samples


def add(candidate, data, name):
    item = make_assignment(candidate, kinds=("check",)).items.get()
    return file_services.item_file_add(
        item=item, upload=SimpleUploadedFile(name, data), by=candidate.user
    )


def test_the_candidates_download_is_a_zip_of_the_json_and_their_files(
    candidate, candidate_client, other_candidate
):
    file = add(candidate, samples.PDF, "portfolio.pdf")
    add(other_candidate, samples.TEXT, "not-mine.txt")
    archive = exported_zip(candidate_client.get(reverse("my_data_export")))
    document = json.loads(archive.read("data.json"))
    [listed] = document["candidate_records"][0]["checklists"][0]["items"][0]["files"]
    assert listed["name"] == "portfolio.pdf"
    assert listed["sha256"] == file.sha256
    assert archive.read(listed["path"]) == samples.PDF
    assert sorted(archive.namelist()) == ["data.json", listed["path"]]


def test_the_coachs_download_of_a_candidate_holds_their_files(candidate, coach_client):
    add(candidate, samples.PNG, "cert.png")
    url = reverse("coach:candidate_export", args=[candidate.pk])
    archive = exported_zip(coach_client.get(url))
    [path] = [name for name in archive.namelist() if name.startswith("files/")]
    assert path.endswith("-cert.png")
    assert archive.read(path) == samples.PNG


def test_a_file_missing_from_the_storage_is_listed_not_fatal(
    candidate, candidate_client, private_files
):
    file = add(candidate, samples.PDF, "portfolio.pdf")
    (private_files / file.key).unlink()
    archive = exported_zip(candidate_client.get(reverse("my_data_export")))
    assert "-portfolio.pdf" in archive.read("missing-files.txt").decode()
