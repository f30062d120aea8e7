from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import security

        user_logged_in.connect(security.on_user_logged_in, dispatch_uid="security_last_seen")
        from accounts import security_handlers  # noqa: F401 - connect the security log's receivers
