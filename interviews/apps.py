from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interviews"
    verbose_name = "Coachsite"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from .lib import checks  # noqa: F401 - registers the system checks
        from .lib.links import TokenConverter
        from .services.builtin_library import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self)
        # Before any URLconf loads: every credential in an address uses it.
        register_converter(TokenConverter, "token")
