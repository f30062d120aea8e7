from rest_framework.routers import SimpleRouter

from privacy.api.views import CandidateErasureViewSet

router = SimpleRouter(use_regex_path=False)
router.register("candidates", CandidateErasureViewSet, basename="candidate-erasure")

urlpatterns = router.urls
