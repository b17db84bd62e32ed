from django.core.management.base import BaseCommand

from ...models import ChecklistTemplate, Question, TemplateItem
from ...services import builtin_library


class Command(BaseCommand):
    help = "Install or update the built-in question bank and templates (idempotent)."

    def handle(self, *args, **options):
        builtin_library.install(Question, ChecklistTemplate, TemplateItem)
        self.stdout.write(
            f"Built-in library: {Question.objects.builtin().count()} questions, "
            f"{ChecklistTemplate.objects.builtin().count()} templates."
        )
