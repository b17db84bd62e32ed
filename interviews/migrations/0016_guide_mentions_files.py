"""The built-in closing items say where their files go (issue 24).

Checklist items can carry files since 0015: the portfolio piece, the list of
references and the scanned certificates are the items a candidate brings to
the interview, so their guidance now tells the candidate to add the files to
the item, where the coach sees them and the brief lists them.

Only built-ins (no owner) change, matched by ``builtin_key``: the questions and
the items of built-in templates made from them. Coaches' copies and checklists
already assigned keep their wording. The text is frozen here as it stands in
``services/builtin_library.py`` at this migration; running it again changes
nothing.
"""

from django.db import migrations

# key: guidance
GUIDANCE = {
    "close-show-work": (
        "Choose one example that fits what you learned about the role, ready for when you ask "
        "whether they need anything else. Keep it to a few minutes. Add the file to this item "
        "(a PDF, images or slides) so your coach can look at it and the brief lists it."
    ),
    "close-references": (
        "Tell them about the role so they can speak to what matters; have names, roles and "
        "contact details written down. A list added to this item as a file travels with your "
        "brief."
    ),
    "close-certificates": (
        "Keep them as clearly named PDFs in one folder. Add them to this item as files: your "
        "coach can check them and the brief lists what you will bring."
    ),
}


def update_library(apps, schema_editor):
    Question = apps.get_model("interviews", "Question")
    TemplateItem = apps.get_model("interviews", "TemplateItem")
    for key, guidance in GUIDANCE.items():
        Question.objects.filter(owner=None, builtin_key=key).update(guidance=guidance)
        TemplateItem.objects.filter(
            template__owner=None, question__owner=None, question__builtin_key=key
        ).update(guidance=guidance)


class Migration(migrations.Migration):
    dependencies = [("interviews", "0015_item_files")]

    # Going back leaves the new wording: the tables are the same.
    operations = [migrations.RunPython(update_library, migrations.RunPython.noop)]
