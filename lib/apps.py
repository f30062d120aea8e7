from django.apps import AppConfig


class LibConfig(AppConfig):
    """Registered so that the tenant execute-wrapper and the observability hooks are
    installed at start-up."""

    name = "lib"
    label = "lib"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lib.observability import configure_structlog, connect_signals
        from lib.tenancy import install_tenant_wrapper

        connection_created.connect(install_tenant_wrapper, dispatch_uid="lib.tenancy")
        configure_structlog()
        connect_signals()
