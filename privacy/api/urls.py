from rest_framework.routers import SimpleRouter

from privacy.api import views

router = SimpleRouter(use_regex_path=False)
# Only `candidates/{id}/erase/` and `candidates/{id}/export/`: the candidates
# themselves are recruiting's routes.
router.register("candidates", views.CandidateErasureViewSet, basename="candidate-erasure")
router.register(
    "candidates", views.CandidateExportRequestViewSet, basename="candidate-export-request"
)
router.register("candidate-exports", views.CandidateExportViewSet, basename="candidate-export")

urlpatterns = router.urls
