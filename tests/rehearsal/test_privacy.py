"""Takes follow their owners: in the data download (JSON and audio), gone
with an erasure (rows and bytes), known to the orphan finder; and the
headers the recorder needs."""

import datetime
import io
import json

import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from interviews.lib import files as lib_files
from interviews.middleware import content_security_policy
from interviews.models import RehearsalTake
from interviews.services import privacy as privacy_services
from tests.export_helpers import exported_zip

from ..factories import PASSWORD
from ..files import samples
from .helpers import keep, story_of, written_item


def test_the_download_holds_the_takes_audio_and_their_data(
    candidate, candidate_client, other_candidate
):
    take = keep(item=written_item(candidate), for_coach=True, duration_seconds=3)
    take.coach_comment = "Nice."
    take.save()
    story_take = keep(story=story_of(candidate))
    keep(item=written_item(other_candidate))
    archive = exported_zip(candidate_client.get(reverse("my_data_export")))
    document = json.loads(archive.read("data.json"))
    [record] = document["candidate_records"]
    [listed] = record["checklists"][0]["items"][0]["rehearsal_takes"]
    assert listed["for_coach"] is True
    assert listed["coach_comment"] == "Nice."
    assert listed["duration_seconds"] == 3
    assert listed["sha256"] == take.sha256
    assert archive.read(listed["path"]) == samples.wav()
    [story_listed] = record["stories"][0]["rehearsal_takes"]
    assert archive.read(story_listed["path"]) == samples.wav()
    assert sorted(n for n in archive.namelist() if n.startswith("takes/")) == sorted(
        [f"takes/{take.pk}-{take.name}", f"takes/{story_take.pk}-{story_take.name}"]
    )


def test_erasing_a_candidate_deletes_their_takes_and_bytes(
    candidate, other_candidate, coach, private_files, django_capture_on_commit_callbacks
):
    mine = [keep(item=written_item(candidate)), keep(story=story_of(candidate), for_coach=True)]
    theirs = keep(item=written_item(other_candidate))
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.candidate_erase(candidate=candidate, by=coach)
    assert list(RehearsalTake.objects.all()) == [theirs]
    for take in mine:
        assert not (private_files / take.key).exists()
    assert [p.name for p in (private_files / "takes").iterdir()] == [
        theirs.key.removeprefix("takes/")
    ]


def test_deleting_an_account_deletes_the_takes_bytes(
    candidate, private_files, django_capture_on_commit_callbacks
):
    take = keep(item=written_item(candidate))
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.user_delete_account(user=candidate.user, password=PASSWORD)
    assert not RehearsalTake.objects.exists()
    assert list((private_files / "takes").iterdir()) == []
    assert not (private_files / take.key).exists()


def test_the_orphan_finder_knows_take_keys(candidate, private_files):
    kept = keep(item=written_item(candidate))
    orphan = lib_files.private_storage().save(
        lib_files.new_key(lib_files.TAKES_PREFIX), ContentFile(b"left behind")
    )
    out = io.StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        call_command("private_files_orphans", stdout=out)
    assert f"orphan {orphan}" in out.getvalue()
    assert kept.key not in out.getvalue()
    (private_files / kept.key).unlink()
    out = io.StringIO()
    call_command("private_files_orphans", stdout=out)
    assert f"missing {kept.key}" in out.getvalue()


def test_every_page_allows_blob_media_and_the_microphone_for_itself_only(client):
    response = client.get(reverse("login"))
    assert "media-src 'self' blob:" in response["Content-Security-Policy"]
    assert "microphone=(self)" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_on_s3_the_stores_origin_is_allowed_for_images_and_audio_only(settings, client):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "coachsite-private",
                "endpoint_url": "https://objects.example.net:9000",
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "querystring_auth": True,
                "querystring_expire": 60,
            },
        },
    }
    policy = dict(part.split(" ", 1) for part in content_security_policy().split("; "))
    origin = "https://objects.example.net:9000"
    assert policy["img-src"] == f"'self' data: {origin}"
    assert policy["media-src"] == f"'self' blob: {origin}"
    assert origin not in policy["default-src"] + policy["script-src"] + policy["style-src"]
    # The header every page carries (thumbnails and takes redirect there).
    header = client.get(reverse("login"))["Content-Security-Policy"]
    assert header == content_security_policy()
    assert f"img-src 'self' data: {origin};" in header


@override_settings()
def test_without_s3_the_policy_is_the_fixed_one():
    assert "objects.example" not in content_security_policy()
    assert content_security_policy().count("'self'") >= 8
