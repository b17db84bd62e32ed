"""Takes on the S3 path, against moto's local server (tests/files/test_s3.py
starts it): stored under takes/, served by a signed address after the access
check, allowed by the page's CSP, deleted by the retention sweep."""

import datetime
import urllib.request

import time_machine
from django.urls import reverse
from django.utils import timezone

from interviews.services import rehearsal as rehearsal_services

from ..files import samples
from ..files.test_s3 import keys, s3, s3_endpoint  # noqa: F401 (fixtures)
from .helpers import keep, written_item


def test_a_take_is_heard_through_a_signed_address_the_csp_allows(
    s3,  # noqa: F811
    s3_endpoint,  # noqa: F811
    coach_client,
    candidate,
):
    take = keep(item=written_item(candidate), for_coach=True)
    assert keys(s3) == [take.key] and take.key.startswith("takes/")
    response = coach_client.get(reverse("coach:take", args=[take.pk]))
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(s3_endpoint) and "Signature=" in url
    with urllib.request.urlopen(url) as signed:  # noqa: S310 - the local moto server
        assert signed.read() == samples.wav()
        assert signed.headers["Content-Type"] == "audio/wav"
    policy = coach_client.get(candidate.assignments.get().get_absolute_url())[
        "Content-Security-Policy"
    ]
    assert f"media-src 'self' blob: {s3_endpoint};" in policy
    assert f"img-src 'self' data: {s3_endpoint};" in policy


def test_the_sweep_deletes_the_object(
    s3,  # noqa: F811
    candidate,
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=100)):
        keep(item=written_item(candidate))
    with django_capture_on_commit_callbacks(execute=True):
        assert rehearsal_services.takes_expire(now=timezone.now()) == 1
    assert keys(s3) == []
