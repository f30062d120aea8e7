from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import views

router = SimpleRouter(use_regex_path=False)
router.register("members", views.MemberViewSet, basename="member")

urlpatterns = [path("me/", views.me, name="me"), *router.urls]
