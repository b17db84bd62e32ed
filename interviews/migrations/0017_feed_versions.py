"""The calendar feed's version and the unread-notice counter (issue 25).

- ``Interviewer.updated_at``: an edited interviewer changes the feed's
  version; existing rows take their ``created_at`` (what the feed stamped
  them with until now, so no event's SEQUENCE moves).
- ``User.unread_notices``: filled from the notices as they are.

Frozen: nothing here imports the app's code.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def interviewers_updated_when_created(apps, schema_editor):
    Interviewer = apps.get_model("interviews", "Interviewer")
    Interviewer.objects.update(updated_at=F("created_at"))


def count_unread_notices(apps, schema_editor):
    User = apps.get_model("interviews", "User")
    Notification = apps.get_model("interviews", "Notification")
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.update(
        unread_notices=Coalesce(Subquery(unread, output_field=models.IntegerField()), Value(0))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0016_guide_mentions_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="interviewer",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(interviewers_updated_when_created, migrations.RunPython.noop),
        migrations.AddField(
            model_name="user",
            name="unread_notices",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_unread_notices, migrations.RunPython.noop),
    ]
