"""Private files, served only after the access helper: the candidate who owns
the file, their coach, and the lead of their coach's practice (read-only
pages). Anyone else gets 404; the address holds the row's id, never the key."""

from __future__ import annotations

from typing import Protocol

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from ..access import (
    candidate_required,
    coach_required,
    file_for_candidate,
    file_for_coach,
    file_for_lead,
)
from ..lib import files as lib_files


class Stored(Protocol):
    """What ``serve`` needs of a row: an item file or a rehearsal take."""

    key: str
    content_type: str
    size: int

    @property
    def name(self) -> str: ...


def serve(file: Stored) -> HttpResponse:
    """The file with its sniffed type, inline for PDF and images and as a
    download for the rest, never sniffed again by the browser. On an object
    store: a redirect to a signed address that expires within
    PRIVATE_FILES_URL_SECONDS, made after the caller's access check. Any
    row with a key, a name, a type and a size (``Stored``): item files and
    rehearsal takes (views/rehearsal.py)."""
    inline = file.content_type in lib_files.INLINE_TYPES
    storage = lib_files.private_storage()
    if lib_files.is_remote(storage):
        url = storage.url(
            file.key,
            parameters={
                "ResponseContentType": file.content_type,
                "ResponseContentDisposition": content_disposition_header(not inline, file.name),
            },
        )
        response: HttpResponse = HttpResponseRedirect(url)
    else:
        try:
            handle = storage.open(file.key, "rb")
        except FileNotFoundError:
            # The row outlived its bytes (a restore from an older backup, a
            # disk mishap): a plain 404, and `private_files_orphans` lists it.
            raise Http404("This file is missing from the storage.") from None
        response = FileResponse(
            handle,
            content_type=file.content_type,
            as_attachment=not inline,
            filename=file.name,
        )
        response["Content-Length"] = str(file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@candidate_required
def candidate_file(request: HttpRequest, pk: int) -> HttpResponse:
    return serve(file_for_candidate(request, pk))


@coach_required
def coach_file(request: HttpRequest, pk: int) -> HttpResponse:
    return serve(file_for_coach(request, pk))


@coach_required
def lead_file(request: HttpRequest, pk: int) -> HttpResponse:
    return serve(file_for_lead(request, pk))
