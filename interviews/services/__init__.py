"""Writes that change state, one module per domain. This package holds the
errors every domain raises; each view turns them into a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import AssignmentItem

# ---------------------------------------------------------------- errors


class ServiceError(Exception):
    """An action refused for a reason the user can read and act on."""


class WrongState(ServiceError):
    """The object is not in a state that allows this action (often a stale tab)."""


class NotAllowed(ServiceError):
    """The user may not do this to this object."""


class IncompleteItems(ServiceError):
    def __init__(self, items: list[AssignmentItem]):
        self.items = items
        names = "; ".join(f"{item.position}. {item.prompt}" for item in items)
        super().__init__(f"Complete every required item before submitting. Missing: {names}")


@dataclass
class Conflict:
    item: AssignmentItem  # as stored now
    mine: dict  # what the user sent


class EditConflict(ServiceError):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(
            "This checklist was changed in another tab or by someone else since you opened it. "
            "Nothing was saved. Compare your text with the stored text below, then save again."
        )


class StoryConflict(ServiceError):
    """A story edit started from an older version than the stored one."""

    def __init__(self, stored):
        self.stored = stored  # the Story as it is stored now
        super().__init__(
            "This story was changed in another tab or by someone else since you opened it. "
            "Nothing was saved. Compare your text with the stored text below, then save again."
        )


class InvitationInvalid(ServiceError):
    pass


class UnlockLinkInvalid(ServiceError):
    """An unlock link that is forged, expired, used, or no longer needed."""


# ---------------------------------------------------------------- privacy


class WrongPassword(ServiceError):
    """The password given to confirm an erasure is not the user's."""


class FileRefused(ServiceError):
    """An upload refused by content, size or quota; the message says which."""
