"""Private files: what an upload is, decided by its bytes (never by its name or
the browser's Content-Type), and the storage that keeps them.

The checks, in order (README, "Private files"):

1. Not empty; not over ``PRIVATE_FILE_MAX_BYTES``.
2. No markup at the start: the first 1 KiB, lower-cased, must not contain
   ``<html``, ``<!doctype``, ``<head``, ``<body``, ``<script``, ``<iframe``,
   ``<svg`` or ``<?xml``. A browser that ignores ``nosniff`` would render such a
   file as a page, so it is refused whatever else it looks like: an HTML file
   named .pdf, an SVG, a PDF or PNG with a page glued in front or right after
   its signature (a polyglot). Nor ``%PDF-`` anywhere in it but at byte 0.
3. The type from the leading bytes (the ``filetype`` library's signatures),
   then an explicit check of that type:
   PDF starts with ``%PDF-`` at byte 0 and ends with ``%%EOF`` in its last
   1 KiB; PNG, JPEG and WebP by their signature at byte 0; DOCX/PPTX/XLSX are
   ZIP archives that open, hold ``[Content_Types].xml`` and entries under
   ``word/``, ``ppt/`` or ``xl/`` (and no macros: ``vbaProject.bin``); audio is
   WebM, Ogg, MP4/M4A or WAV by signature.
4. No signature at all: plain text, when the bytes are valid UTF-8 with no NUL.

Anything else is refused with a message naming what was found.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import filetype
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.template.defaultfilters import filesizeformat

#: The content types accepted, with the words the refusal messages use.
ACCEPTED = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/webp": "WebP image",
    "text/plain": "plain text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "audio/webm": "WebM audio",
    "audio/ogg": "Ogg audio",
    "audio/mp4": "MP4 audio",
    "audio/wav": "WAV audio",
}
ACCEPTED_WORDS = "PDF, PNG, JPEG, WebP, plain text, Word, PowerPoint or Excel (.docx, .pptx, .xlsx)"
#: Shown inline by the browser; every other type is downloaded.
INLINE_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "audio/webm",
    "audio/ogg",
    "audio/mp4",
    "audio/wav",
}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/webp"}
#: A rehearsal take (interviews/models/rehearsal.py) is one of these.
AUDIO_TYPES = {"audio/webm", "audio/ogg", "audio/mp4", "audio/wav"}
AUDIO_WORDS = "WebM, Ogg, MP4/M4A or WAV"
#: The storage's key prefixes: item files and rehearsal takes.
FILES_PREFIX = "files"
TAKES_PREFIX = "takes"
KEY_PREFIXES = (FILES_PREFIX, TAKES_PREFIX)

_OFFICE = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What ``filetype`` calls the accepted binary types, as the type we store.
_SNIFFED = {
    "application/pdf": "application/pdf",
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    "image/webp": "image/webp",
    "application/zip": "zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "zip",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "zip",
    "video/webm": "audio/webm",
    "audio/webm": "audio/webm",
    "audio/ogg": "audio/ogg",
    "video/ogg": "audio/ogg",
    "audio/mp4": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "video/mp4": "audio/mp4",
    "audio/x-wav": "audio/wav",
    "audio/wav": "audio/wav",
}
_MARKUP = (b"<html", b"<!doctype", b"<head", b"<body", b"<script", b"<iframe", b"<svg", b"<?xml")
_HEAD = 1024


class FileRefused(ValueError):
    """An upload that is not accepted; the message says why, for the user."""


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    size: int
    sha256: str


def read_upload(upload, *, limit: int | None = None) -> bytes:
    """The upload's bytes, reading at most one byte past ``limit`` (so an
    oversized file is known without reading all of it)."""
    limit = settings.PRIVATE_FILE_MAX_BYTES if limit is None else limit
    upload.seek(0)
    data = upload.read(limit + 1)
    return data


def check_content(data: bytes, *, limit: int | None = None) -> CheckedFile:
    """Accept ``data`` as one of ``ACCEPTED`` or raise ``FileRefused``."""
    limit = settings.PRIVATE_FILE_MAX_BYTES if limit is None else limit
    if not data:
        raise FileRefused("This file is empty.")
    if len(data) > limit:
        raise FileRefused(f"This file is larger than the {filesizeformat(limit)} limit.")
    head = data[:_HEAD].lower()
    if b"<svg" in head:
        raise FileRefused("SVG images are not accepted (they can carry scripts): use PNG or PDF.")
    if any(mark in head for mark in _MARKUP):
        raise FileRefused(
            "This file contains web page code (HTML) and is not accepted, whatever its name says."
        )
    if b"%pdf-" in head and not data.startswith(b"%PDF-"):
        raise FileRefused("This PDF does not start as a PDF does and is not accepted.")
    kind = filetype.guess(data[:8192])
    if kind is None:
        content_type = _plain_text(data)
    else:
        content_type = _SNIFFED.get(kind.mime)
        if content_type is None:
            raise FileRefused(
                f"Files of this type ({kind.mime}) are not accepted. Accepted: {ACCEPTED_WORDS}."
            )
        if content_type == "zip":
            content_type = _office(data)
        elif content_type == "application/pdf":
            _pdf(data)
    return CheckedFile(
        content=data,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_audio(data: bytes, *, limit: int | None = None) -> CheckedFile:
    """Accept ``data`` as a recording (``AUDIO_TYPES``) or raise ``FileRefused``:
    the same checks as every file (empty, size, markup), then the type found
    must be audio."""
    refused = FileRefused(f"Upload an audio recording ({AUDIO_WORDS}).")
    try:
        checked = check_content(data, limit=limit)
    except FileRefused as exc:
        if not data or len(data) > (settings.PRIVATE_FILE_MAX_BYTES if limit is None else limit):
            raise
        raise FileRefused(f"{refused} {exc}") from None
    if checked.content_type not in AUDIO_TYPES:
        raise refused
    return checked


def _plain_text(data: bytes) -> str:
    refused = FileRefused(f"This file's type was not recognised. Accepted: {ACCEPTED_WORDS}.")
    if b"\x00" in data:
        raise refused
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise refused from None
    return "text/plain"


def _pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise FileRefused("This PDF does not start as a PDF does and is not accepted.")
    if b"%%EOF" not in data[-_HEAD:]:
        raise FileRefused(
            "This PDF is incomplete or has something appended after its end; "
            "save it again from the original program."
        )


def _office(data: bytes) -> str:
    refused = FileRefused(
        "This archive is not a Word, PowerPoint or Excel document; ZIP files are not accepted."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refused from None
    if "[Content_Types].xml" not in names:
        raise refused
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused("Documents with macros are not accepted: save it as .docx/.pptx/.xlsx.")
    found = {
        content_type
        for prefix, content_type in _OFFICE.items()
        if any(name.startswith(prefix) for name in names)
    }
    if len(found) != 1:
        raise refused
    return found.pop()


# ---------------------------------------------------------------- storage


def private_storage() -> Storage:
    """The "private" storage (settings.STORAGES): the file system or S3."""
    return storages["private"]


def new_key(prefix: str = FILES_PREFIX) -> str:
    """A random storage key: nothing in it comes from the user or the row.
    ``prefix``: one of ``KEY_PREFIXES`` (item files, rehearsal takes)."""
    if prefix not in KEY_PREFIXES:
        raise ValueError(f"Unknown key prefix {prefix!r}")
    return f"{prefix}/{secrets.token_urlsafe(24)}"


def is_remote(storage: Storage | None = None) -> bool:
    """Served by a signed address of the object store rather than by the app:
    a storage with no local path (S3)."""
    storage = storage or private_storage()
    try:
        storage.path("files/x")
    except NotImplementedError:
        return True
    return False


def list_keys(storage: Storage | None = None, prefix: str | None = None) -> list[str]:
    """Every key stored under ``prefix``, or under every one of ``KEY_PREFIXES``
    when it is None (the orphan finder)."""
    storage = storage or private_storage()
    keys: list[str] = []
    for each in KEY_PREFIXES if prefix is None else (prefix,):
        try:
            _dirs, names = storage.listdir(each)
        except FileNotFoundError:
            continue
        keys.extend(f"{each}/{name}" for name in names)
    return sorted(keys)


def remote_origin(storage: Storage | None = None) -> str:
    """The origin (scheme://host[:port]) of the object store's signed
    addresses, which the Content-Security-Policy must allow for images and
    audio served by a redirect; "" when files are served by the app. Read
    once per storage instance (signing a probe key makes no request)."""
    storage = storage or private_storage()
    cached = getattr(storage, "_coachsite_origin", None)
    if cached is None:
        cached = ""
        if is_remote(storage):
            parts = urlsplit(storage.url(f"{FILES_PREFIX}/probe"))
            cached = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        storage._coachsite_origin = cached
    return cached


def max_bytes_words() -> str:
    """The per-file limit in words, for help texts: "10.0 MB"."""
    return filesizeformat(settings.PRIVATE_FILE_MAX_BYTES)
