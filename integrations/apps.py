from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from integrations import (  # noqa: F401 - subscribe the handlers, register the gauges
            handlers,
            observability,
        )
