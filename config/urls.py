from django.contrib import admin
from django.urls import include, path

from engagements import views as engagement_views
from lib import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("recruiting.urls")),
    path("", include("intake.urls")),
    path("", include("engagements.urls")),
    path("", engagement_views.home, name="home"),
]
