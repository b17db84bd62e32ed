"""What an upload is, decided by its bytes (interviews/lib/files.py)."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from interviews.lib import files

from . import samples

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (samples.PDF, "application/pdf"),
        (samples.PNG, "image/png"),
        (samples.JPEG, "image/jpeg"),
        (samples.WEBP, "image/webp"),
        (samples.TEXT, "text/plain"),
        (samples.office("word/"), DOCX),
        (
            samples.office("ppt/"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            samples.office("xl/"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (samples.wav(), "audio/wav"),
        (b"OggS\x00\x02" + b"\x00" * 40, "audio/ogg"),
        (
            b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm"
            + b"\x00" * 20,
            "audio/webm",
        ),
    ],
)
def test_it_accepts_the_allow_list_by_content(data, content_type):
    checked = files.check_content(data)
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "This file is empty."),
        (samples.HTML, "contains web page code (HTML)"),
        (b"\n  <html><body>cv</body></html>", "contains web page code (HTML)"),
        (samples.SVG, "SVG images are not accepted"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG images are not accepted"),
        # Polyglots: a PDF with a page in front, a PNG with a script after its signature,
        # a PDF whose first bytes are not %PDF-, a PDF with something after its end.
        (b"<html><script>x()</script></html>" + samples.PDF, "web page code"),
        (samples.PNG[:16] + b"<script>x()</script>" + samples.PNG[16:], "web page code"),
        (b"MZ junk\n" + samples.PDF, "does not start as a PDF does"),
        (samples.PDF + b"x" * 2048, "incomplete or has something appended"),
        (samples.plain_zip(), "not a Word, PowerPoint or Excel document"),
        (samples.office(macros=True), "macros are not accepted"),
        (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20, "(image/gif) are not accepted"),
        (b"plain\x00text", "type was not recognised"),
        (b"\xff\xfe\xfa not utf-8", "type was not recognised"),
    ],
)
def test_it_refuses_by_content_with_a_specific_message(data, message):
    with pytest.raises(files.FileRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        files.check_content(data)


def test_an_html_file_named_pdf_is_refused_whatever_its_name(settings):
    # The name never reaches the check: only the bytes do.
    with pytest.raises(files.FileRefused, match="HTML"):
        files.check_content(b"<!doctype html><title>cv.pdf</title>")


def test_it_refuses_a_file_over_the_size_cap(settings):
    settings.PRIVATE_FILE_MAX_BYTES = 100
    with pytest.raises(files.FileRefused, match="larger than the 100"):
        files.check_content(samples.PDF + b" " * 100)


def test_storage_keys_are_random_and_say_nothing():
    keys = {files.new_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(k.startswith("files/") and len(k) >= 30 for k in keys)


def test_the_private_storage_is_a_per_test_directory_never_served(private_files):
    storage = files.private_storage()
    assert storage.location == str(private_files)
    assert not files.is_remote(storage)
    storage.save("files/abc", ContentFile(b"x"))
    assert files.list_keys(storage) == ["files/abc"]
