from rest_framework.routers import SimpleRouter

from engagements.api import views

router = SimpleRouter(use_regex_path=False)
router.register("clocks", views.ClockViewSet, basename="clock")
router.register("nudges", views.NudgeViewSet, basename="nudge")
router.register("activities", views.ActivityViewSet, basename="activity")

urlpatterns = router.urls
