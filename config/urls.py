from django.contrib import admin
from django.urls import include, path

from accounts import urls as accounts_urls
from engagements import urls as engagements_urls
from engagements import views as engagement_views
from engagements.pages.urls import urlpatterns as engagement_pages
from integrations import urls as integrations_urls
from lib import dev_mail, health, observability
from recruiting.urls import urlpatterns as recruiting_pages

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", observability.metrics_view, name="metrics"),
    # A developer's sent mail (lib/dev_mail.py); 404 unless DEBUG.
    path("dev/mail/", dev_mail.mail_list, name="dev-mail-list"),
    path("dev/mail/<str:name>/", dev_mail.mail_detail, name="dev-mail-detail"),
    path("dev/mail/<str:name>/html", dev_mail.mail_html, name="dev-mail-html"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("accounts/", include("allauth.urls")),
    # The integrations pages keep their names in the namespaces they began in
    # (`accounts:api-keys`, `engagements:webhooks`), so templates and links stay as they were.
    path(
        "",
        include(
            (
                accounts_urls.urlpatterns + integrations_urls.api_key_urlpatterns,
                accounts_urls.app_name,
            )
        ),
    ),
    # One namespace for the pages about clients, roles, candidates and submissions:
    # recruiting serves the forms, engagements the pages that show what each side owes.
    path("", include((recruiting_pages + engagement_pages, "recruiting"))),
    path("", include("intake.urls")),
    path("", include("metrics.urls")),
    path("", include("privacy.urls")),
    path(
        "",
        include(
            (
                engagements_urls.urlpatterns + integrations_urls.webhook_urlpatterns,
                engagements_urls.app_name,
            )
        ),
    ),
    path("", engagement_views.home, name="home"),
]
