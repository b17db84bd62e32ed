from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interviews"
    verbose_name = "Coachsite"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
