"""The "private" storage as coachsite/settings.py reads it from the environment."""

import json
import os
import subprocess
import sys

from django.conf import settings as django_settings

SHOW = (
    "import json, django; from django.conf import settings as s; "
    "print(json.dumps({'private': s.STORAGES['private'], 'max': s.PRIVATE_FILE_MAX_BYTES,"
    " 'quota': s.PRIVATE_FILES_QUOTA_BYTES}, default=str))"
)


def settings_with(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PRIVATE_FILE")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", SHOW],
        env={**clean, "DJANGO_SETTINGS_MODULE": "coachsite.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    return json.loads(result.stdout)


def test_by_default_a_private_directory_outside_static_and_media():
    shown = settings_with()
    private = shown["private"]
    assert private["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert private["OPTIONS"]["location"] == str(django_settings.BASE_DIR / "private-files")
    assert private["OPTIONS"]["base_url"] is None
    assert (shown["max"], shown["quota"]) == (10 * 1024 * 1024, 100 * 1024 * 1024)


def test_with_a_bucket_s3_with_a_private_acl_and_short_signed_urls():
    private = settings_with(
        PRIVATE_FILES_S3_BUCKET="files",
        PRIVATE_FILES_S3_ENDPOINT_URL="https://s3.example.com",
        PRIVATE_FILES_S3_REGION="eu-central-1",
        PRIVATE_FILES_URL_SECONDS="30",
    )["private"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    options = private["OPTIONS"]
    assert options["bucket_name"] == "files"
    assert options["endpoint_url"] == "https://s3.example.com"
    assert options["region_name"] == "eu-central-1"
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 30


def test_a_malformed_limit_stops_start_up_naming_the_variable():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PRIVATE_FILE")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "coachsite.settings",
            "PRIVATE_FILE_MAX_BYTES": "ten",
        },
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "PRIVATE_FILE_MAX_BYTES must be a whole number" in result.stderr
