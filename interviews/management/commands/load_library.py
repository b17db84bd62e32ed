from django.core.management.base import BaseCommand

from interviews import library
from interviews.models import ChecklistTemplate, Question, TemplateItem


class Command(BaseCommand):
    help = "Install or update the built-in question bank and templates (idempotent)."

    def handle(self, *args, **options):
        library.install(Question, ChecklistTemplate, TemplateItem)
        self.stdout.write(
            f"Built-in library: {Question.objects.builtin().count()} questions, "
            f"{ChecklistTemplate.objects.builtin().count()} templates."
        )
