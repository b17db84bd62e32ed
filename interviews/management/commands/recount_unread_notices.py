"""Set every user's unread-notice count to the real count:
``manage.py recount_unread_notices``.

The count on the user row (``User.unread_notices``, the badge in the
navigation) is kept exact by services/notifications.py. It can only drift
when notices are changed around the services (by hand in a database shell,
a restored backup of one table); this puts it right, and says how many were
wrong. Safe to run at any time, also while the site is in use.
"""

from django.core.management.base import BaseCommand

from ...services.notifications import unread_notices_recount


class Command(BaseCommand):
    help = "Recount every user's unread notices (the navigation badge) from the notices."

    def handle(self, *args, **options):
        wrong = unread_notices_recount()
        self.stdout.write(f"Unread counts corrected: {wrong}.")
