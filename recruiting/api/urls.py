from rest_framework.routers import SimpleRouter

from recruiting.api import views

router = SimpleRouter(use_regex_path=False)
router.register("clients", views.ClientViewSet, basename="client")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("roles", views.RoleViewSet, basename="role")
router.register("candidates", views.CandidateViewSet, basename="candidate")
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("skills-reviews", views.SkillsReviewViewSet, basename="skills-review")
router.register("culture-approvals", views.CultureApprovalViewSet, basename="culture-approval")
router.register("interview-feedback", views.InterviewFeedbackViewSet, basename="interview-feedback")

urlpatterns = router.urls
