"""Evidence files on checklist items: add (validate, store, record) and remove."""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat

from ..lib import files as lib_files
from ..models import (
    Assignment,
    AssignmentItem,
    Candidate,
    ItemFile,
    ItemFileEvent,
    RehearsalTake,
    User,
)
from . import FileRefused, NotAllowed, WrongState

logger = logging.getLogger(__name__)

MAX_NAME = 255


def _clean_name(name: str) -> str:
    """The original name as data: its last path part, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "file"
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: MAX_NAME - len(ext)] + ext
    return name


def bytes_used(candidate: Candidate) -> int:
    """What a candidate record keeps in the private storage: its item files
    and its rehearsal takes together (one quota for both)."""
    files = ItemFile.objects.filter(candidate=candidate).aggregate(s=Sum("size"))["s"] or 0
    takes = RehearsalTake.objects.filter(candidate=candidate).aggregate(s=Sum("size"))["s"] or 0
    return files + takes


def quota_check(candidate: Candidate, adding: int, *, what: str) -> None:
    """Refuse ``adding`` bytes more when they would take the candidate record
    past PRIVATE_FILES_QUOTA_BYTES. The caller holds the candidate's row lock,
    so two uploads at once cannot both fit."""
    used = bytes_used(candidate)
    quota = settings.PRIVATE_FILES_QUOTA_BYTES
    if used + adding > quota:
        raise FileRefused(
            f"{what} would take your files and recordings past the {filesizeformat(quota)} "
            f"allowed ({filesizeformat(used)} used): remove a file or a recording first."
        )


def item_file_add(*, item: AssignmentItem, upload, by: User) -> ItemFile:
    """Attach an upload to an item of the candidate's editable checklist.

    The bytes decide the type (``lib.files.check_content``); the size cap and
    the candidate record's quota apply. All or nothing: the bytes are stored
    first, and deleted again if the row cannot be written."""
    assignment = item.assignment
    if not assignment.is_editable:
        raise WrongState(f"This checklist is {assignment.get_status_display().lower()}.")
    candidate = assignment.candidate
    if by.pk != candidate.user_id:
        raise NotAllowed("Only the candidate adds files to their checklist.")
    try:
        checked = lib_files.check_content(lib_files.read_upload(upload))
    except lib_files.FileRefused as exc:
        raise FileRefused(str(exc)) from None
    storage = lib_files.private_storage()
    key = storage.save(lib_files.new_key(), ContentFile(checked.content))
    try:
        with transaction.atomic():
            # The candidate's row lock: two uploads at once cannot both fit the
            # quota; the checklist's: it cannot be submitted or withdrawn meanwhile.
            Candidate.objects.select_for_update().get(pk=candidate.pk)
            locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
            if not locked.is_editable:
                raise WrongState(f"This checklist is {locked.get_status_display().lower()}.")
            quota_check(candidate, checked.size, what="This file")
            name = _clean_name(getattr(upload, "name", ""))
            file = ItemFile.objects.create(
                candidate=candidate,
                item=item,
                key=key,
                name=name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
            )
            ItemFileEvent.objects.create(
                item=item, author=by, action=ItemFileEvent.Action.ADDED, name=name
            )
    except BaseException:
        storage.delete(key)
        raise
    return file


@transaction.atomic
def item_file_remove(*, file: ItemFile, by: User) -> None:
    """Remove a file from the candidate's editable checklist; its bytes are
    deleted once the removal is committed."""
    assignment = file.item.assignment
    if not assignment.is_editable:
        raise WrongState(f"This checklist is {assignment.get_status_display().lower()}.")
    if by.pk != assignment.candidate.user_id:
        raise NotAllowed("Only the candidate removes files from their checklist.")
    ItemFileEvent.objects.create(
        item=file.item, author=by, action=ItemFileEvent.Action.REMOVED, name=file.name
    )
    key = file.key
    file.delete()
    transaction.on_commit(lambda: delete_bytes([key]))


def delete_bytes(keys: list[str]) -> None:
    """Delete stored files; a key that cannot be deleted now is logged (the
    orphan finder, ``manage.py private_files_orphans``, catches it later)."""
    storage = lib_files.private_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            logger.exception("Could not delete private file %s", key)
