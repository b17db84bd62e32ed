"""The S3 path, against moto's local S3 server started by the test: stored
under a random key, served by a short-lived signed address after the access
check, erased with its owner."""

import os
import socket
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.services import files as file_services
from interviews.services import privacy as privacy_services

from ..factories import make_assignment
from . import samples

BUCKET = "coachsite-private-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        from moto.server import ThreadedMotoServer

        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
        server.start()
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            raise
        pytest.skip(f"moto's S3 server could not start here: {exc!r}")
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def add(candidate):
    item = make_assignment(candidate, kinds=("check",)).items.get()
    return file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("portfolio.pdf", samples.PDF), by=candidate.user
    )


def test_it_stores_in_the_bucket_and_redirects_to_a_signed_url(s3, client, coach, candidate):
    file = add(candidate)
    assert keys(s3) == [file.key]
    client.force_login(coach)
    response = client.get(reverse("coach:file", args=[file.pk]))
    assert response.status_code == 302
    url = response["Location"]
    assert file.key in url and "Signature=" in url and "Expires=" in url
    assert response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(url) as signed:  # noqa: S310 - the local moto server
        assert signed.read() == samples.PDF
        assert signed.headers["Content-Type"] == "application/pdf"
        assert signed.headers["Content-Disposition"].startswith("inline")


def test_an_unsigned_address_is_refused(s3, s3_endpoint, candidate):
    file = add(candidate)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{file.key}")  # noqa: S310
    assert refused.value.code == 403


def test_anyone_else_gets_404_not_a_signed_url(s3, client, other_coach, candidate):
    file = add(candidate)
    client.force_login(other_coach)
    assert client.get(reverse("coach:file", args=[file.pk])).status_code == 404


def test_erasure_deletes_the_objects(s3, candidate, django_capture_on_commit_callbacks):
    add(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.candidate_erase(candidate=candidate, by=candidate.coach)
    assert keys(s3) == []
