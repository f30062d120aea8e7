from django.apps import AppConfig


class RecruitingConfig(AppConfig):
    name = "recruiting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from recruiting import handlers  # noqa: F401 - subscribes the event handlers
