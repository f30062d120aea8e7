from rest_framework.routers import SimpleRouter

from intake.api import views

router = SimpleRouter(use_regex_path=False)
router.register("agreements", views.AgreementViewSet, basename="agreement")

urlpatterns = router.urls
