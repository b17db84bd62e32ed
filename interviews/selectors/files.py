"""Reads of private files that pages share."""

from __future__ import annotations

from ..models import Assignment, ItemFile


def file_of_checklist(assignment: Assignment, pk: str) -> ItemFile | None:
    """The file with id ``pk`` on this checklist (a Remove button's value), or None."""
    if not pk.isdigit():
        return None
    return (
        ItemFile.objects.filter(item__assignment=assignment, pk=int(pk))
        .select_related("item__assignment__candidate")
        .first()
    )


def files_by_item(items) -> dict[int, list[ItemFile]]:
    """Each item's files, oldest first, by item id (one query)."""
    grouped: dict[int, list[ItemFile]] = {}
    for file in ItemFile.objects.filter(item__in=items).order_by("created_at", "id"):
        grouped.setdefault(file.item_id, []).append(file)
    return grouped
