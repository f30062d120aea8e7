"""The recruiting app's pages: editing clients, contacts and roles, and candidates.

Served in the `recruiting` URL namespace together with the engagement pages of
engagements/pages/urls.py (config/urls.py joins them).
"""

from django.urls import path

from recruiting.views import candidates, clients, consent, roles, search, submissions

urlpatterns = [
    # The search in the header
    path("search/", search.search_results, name="search"),
    path("search/preview/", search.search_preview, name="search-preview"),
    # Clients and contacts
    path("clients/new/", clients.client_create, name="client-create"),
    path("clients/<uuid:public_id>/edit/", clients.client_edit, name="client-edit"),
    path("clients/<uuid:public_id>/contacts/new/", clients.contact_create, name="contact-create"),
    path("contacts/<uuid:public_id>/edit/", clients.contact_edit, name="contact-edit"),
    path("contacts/<uuid:public_id>/invite/", clients.contact_invite, name="contact-invite"),
    # Roles
    path("clients/<uuid:public_id>/roles/new/", roles.role_create, name="role-create"),
    path("roles/<uuid:public_id>/edit/", roles.role_edit, name="role-edit"),
    path("roles/<uuid:public_id>/status/", roles.role_status, name="role-status"),
    # Submissions
    path("submissions/", submissions.submission_list, name="submission-list"),
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
    path("candidates/<uuid:public_id>/consent/", consent.consent_record, name="consent-record"),
    path(
        "candidates/<uuid:public_id>/consent/request/",
        consent.consent_request,
        name="consent-request",
    ),
    # The candidate's own page, opened from the link mailed to them: no account needed.
    path("consent/<str:token>/", consent.consent_link, name="consent-link"),
]
