from django.urls import path

from recruiting.views import candidates, clients, queues, roles, submissions

app_name = "recruiting"

urlpatterns = [
    # Clients and contacts
    path("clients/", clients.client_list, name="client-list"),
    path("clients/new/", clients.client_create, name="client-create"),
    path("clients/<uuid:public_id>/", clients.client_detail, name="client-detail"),
    path("clients/<uuid:public_id>/edit/", clients.client_edit, name="client-edit"),
    path("clients/<uuid:public_id>/contacts/new/", clients.contact_create, name="contact-create"),
    path("contacts/<uuid:public_id>/edit/", clients.contact_edit, name="contact-edit"),
    path("contacts/<uuid:public_id>/invite/", clients.contact_invite, name="contact-invite"),
    # Roles
    path("roles/", roles.role_list, name="role-list"),
    path("clients/<uuid:public_id>/roles/new/", roles.role_create, name="role-create"),
    path("roles/<uuid:public_id>/", roles.role_detail, name="role-detail"),
    path("roles/<uuid:public_id>/edit/", roles.role_edit, name="role-edit"),
    path("roles/<uuid:public_id>/status/", roles.role_status, name="role-status"),
    # Candidates
    path("candidates/", candidates.candidate_list, name="candidate-list"),
    path("candidates/new/", candidates.candidate_create, name="candidate-create"),
    path("candidates/<uuid:public_id>/", candidates.candidate_detail, name="candidate-detail"),
    path("candidates/<uuid:public_id>/edit/", candidates.candidate_edit, name="candidate-edit"),
    path(
        "candidates/<uuid:public_id>/resume/",
        candidates.candidate_resume,
        name="candidate-resume",
    ),
    # Submissions
    path("roles/<uuid:public_id>/submit/", submissions.submission_create, name="submission-create"),
    path("submissions/<uuid:public_id>/", submissions.submission_detail, name="submission-detail"),
    path("submissions/<uuid:public_id>/move/", submissions.submission_move, name="submission-move"),
    path(
        "submissions/<uuid:public_id>/culture-notes/",
        submissions.submission_culture_notes,
        name="submission-culture-notes",
    ),
    path(
        "submissions/<uuid:public_id>/answer/",
        submissions.submission_answer,
        name="submission-answer",
    ),
    path(
        "submissions/<uuid:public_id>/deadline/",
        submissions.submission_deadline,
        name="submission-deadline",
    ),
    path("submissions/<uuid:public_id>/review/", submissions.skills_review, name="skills-review"),
    path(
        "submissions/<uuid:public_id>/culture-approval/",
        submissions.culture_approval,
        name="culture-approval",
    ),
    path(
        "submissions/<uuid:public_id>/feedback/",
        submissions.interview_feedback,
        name="interview-feedback",
    ),
    # Client portal queues
    path("review-queue/", queues.hm_review_queue, name="hm-queue"),
    path("approvals/", queues.hr_approval_queue, name="hr-queue"),
]
