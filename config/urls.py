from django.contrib import admin
from django.urls import include, path

from engagements import views as engagement_views
from engagements.pages.urls import urlpatterns as engagement_pages
from lib import health
from recruiting.urls import urlpatterns as recruiting_pages

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    # One namespace for the pages about clients, roles, candidates and submissions:
    # recruiting serves the forms, engagements the pages that show what each side owes.
    path("", include((recruiting_pages + engagement_pages, "recruiting"))),
    path("", include("intake.urls")),
    path("", include("engagements.urls")),
    path("", engagement_views.home, name="home"),
]
