from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("organizations/switch/", views.organization_switch, name="switch-organization"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/organization/", views.organization_settings, name="organization-settings"),
    path("settings/security/", views.security_settings, name="security-settings"),
    path("settings/members/", views.members, name="members"),
    path(
        "settings/members/<uuid:public_id>/sessions/",
        views.member_sessions,
        name="member-sessions",
    ),
    path(
        "settings/members/<uuid:public_id>/sessions/end/",
        views.member_sessions_end,
        name="member-sessions-end",
    ),
    path("security/two-factor/", views.mfa_required, name="mfa-required"),
    path("settings/members/<uuid:public_id>/role/", views.membership_role, name="membership-role"),
    path(
        "settings/members/<uuid:public_id>/remove/",
        views.membership_remove,
        name="membership-remove",
    ),
    path(
        "settings/invitations/<uuid:public_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "settings/invitations/resend/",
        views.invitations_resend,
        name="invitations-resend",
    ),
    path("settings/security-log/", views.security_log, name="security-log"),
    path("settings/security-log/export.csv", views.security_log_csv, name="security-log-csv"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
