"""The pages that show a client's, role's or submission's engagement: its agreement,
the clocks of what each side owes, the queues, the timeline.

They are named in the `recruiting` URL namespace with the recruiting app's own pages
(config/urls.py joins the two lists), so a link to a submission is
`recruiting:submission-detail` wherever it is served from.
"""

from django.urls import path

from engagements.pages import board, clients, queues, roles, submissions

urlpatterns = [
    path("clients/", clients.client_list, name="client-list"),
    path("clients/<uuid:public_id>/", clients.client_detail, name="client-detail"),
    path("roles/", roles.role_list, name="role-list"),
    path("roles/<uuid:public_id>/", roles.role_detail, name="role-detail"),
    path(
        "roles/<uuid:public_id>/board/<str:stage>/",
        board.role_board_column,
        name="role-board-column",
    ),
    path(
        "roles/<uuid:public_id>/submissions/move/",
        roles.role_bulk_move,
        name="role-bulk-move",
    ),
    path("roles/<uuid:public_id>/submit/", submissions.submission_create, name="submission-create"),
    path("submissions/<uuid:public_id>/", submissions.submission_detail, name="submission-detail"),
    path("submissions/<uuid:public_id>/move/", submissions.submission_move, name="submission-move"),
    path("submissions/<uuid:public_id>/board-move/", board.board_move, name="board-move"),
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
    path("approvals/decide/", queues.hr_bulk_decide, name="hr-queue-bulk"),
]
