import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('DJANGO_ENV', 'production')}"
)

application = get_wsgi_application()

from lib.serving import prepare_for_serving  # noqa: E402 - needs the loaded application

prepare_for_serving()
