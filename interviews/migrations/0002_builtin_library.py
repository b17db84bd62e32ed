from django.db import migrations

from interviews import library


def install_library(apps, schema_editor):
    library.install(
        apps.get_model("interviews", "Question"),
        apps.get_model("interviews", "ChecklistTemplate"),
        apps.get_model("interviews", "TemplateItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]

    operations = [migrations.RunPython(install_library, migrations.RunPython.noop)]
