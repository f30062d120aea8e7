"""The security log: its hash chain, its append-only table, the events recorded by
sign-in and by the services, and `verify_audit_log`."""

import threading

import pytest
from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from structlog.testing import capture_logs

from accounts import services
from accounts.audit import (
    GENESIS_HASH,
    event_hash,
    record_security_event,
    request_for_security_log,
    security_logs_check,
    verify_chain,
)
from accounts.models import SecurityEvent, SecurityEventKind
from lib.db_roles import owner_connection
from lib.tenancy import organization_context
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

K = SecurityEventKind


def _events(organization, kind=None) -> list[SecurityEvent]:
    with organization_context(organization.id):
        queryset = SecurityEvent.objects.order_by("sequence")
        if kind is not None:
            queryset = queryset.filter(kind=kind)
        return list(queryset)


def _verified(membership):
    user = membership.user
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


# --- The chain ------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_event_is_chained_to_the_previous_one_of_its_own_organization(
    organization, other_organization, owner
):
    for target in ("a", "b", "c"):
        record_security_event(organization, K.INVITATION_SENT, actor=owner, target=target)
    record_security_event(other_organization, K.SIGNED_IN, target="elsewhere")

    ours = _events(organization)
    (theirs,) = _events(other_organization)

    assert [event.sequence for event in ours] == [1, 2, 3]
    assert ours[0].prev_hash == GENESIS_HASH
    assert [event.prev_hash for event in ours[1:]] == [event.hash for event in ours[:-1]]
    assert all(event.hash == event_hash(event) for event in ours)
    assert (theirs.sequence, theirs.prev_hash) == (1, GENESIS_HASH)
    assert ours[0].actor_email == owner.user.email
    assert verify_chain(organization.id) == (3, None)


@pytest.mark.django_db
def test_an_undeclared_kind_or_unbounded_details_are_refused(organization):
    with pytest.raises(ValueError, match="not a declared"):
        record_security_event(organization, "candidate.sneezed")
    with pytest.raises(ValueError, match="at most 2000"):
        record_security_event(organization, K.SIGNED_IN, details={"blob": "x" * 2001})
    with pytest.raises(TypeError):
        record_security_event(organization, K.SIGNED_IN, details={"nested": {"a": 1}})
    assert _events(organization) == []


@pytest.mark.django_db
def test_the_address_and_a_bounded_user_agent_come_from_the_request(organization):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="B" * 1000)
    with request_for_security_log(request):
        event = record_security_event(organization, K.SIGNED_OUT, target="x" * 500)
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent == "B" * 300
    assert len(event.target) == 200


@pytest.mark.django_db
def test_the_application_role_may_not_update_or_delete_an_event(organization):
    event = record_security_event(organization, K.SIGNED_IN, target="someone")
    with organization_context(organization.id):
        for change in (
            lambda: SecurityEvent.objects.filter(pk=event.pk).update(target="nobody"),
            lambda: SecurityEvent.objects.filter(pk=event.pk).delete(),
        ):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                change()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(current_user, 'accounts_securityevent', p) "
                "FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p"
            )
            assert [row[0] for row in cursor.fetchall()] == [True, True, False, False]
        assert SecurityEvent.objects.get(pk=event.pk).target == "someone"


@pytest.mark.django_db(transaction=True)
def test_the_trigger_refuses_changes_even_to_the_owner(organization):
    event = record_security_event(organization, K.SIGNED_IN, target="someone")
    with owner_connection() as owner, owner.cursor() as cursor:
        for statement in (
            "UPDATE accounts_securityevent SET target = 'nobody' WHERE id = %s",
            "DELETE FROM accounts_securityevent WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement, [event.pk])
    assert verify_chain(organization.id) == (1, None)


@pytest.mark.django_db(transaction=True)
def test_verify_audit_log_names_the_row_the_owner_changed_behind_the_triggers_back(
    organization, other_organization, capsys
):
    for target in ("first", "second", "third"):
        record_security_event(organization, K.API_KEY_CREATED, target=target)
    record_security_event(other_organization, K.API_KEY_CREATED, target="untouched")
    second = _events(organization)[1]
    call_command("verify_audit_log")  # intact: no error

    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_securityevent DISABLE TRIGGER rapport_append_only")
        cursor.execute(
            "UPDATE accounts_securityevent SET target = 'forged' WHERE id = %s", [second.pk]
        )
        cursor.execute("ALTER TABLE accounts_securityevent ENABLE TRIGGER rapport_append_only")

    with pytest.raises(CommandError, match="broken in 1 organization"):
        call_command("verify_audit_log")
    err = capsys.readouterr().err
    assert f"{organization.slug}: row 2 (id {second.public_id})" in err
    assert "do not match its hash" in err
    call_command("verify_audit_log", organization=other_organization.slug)
    with pytest.raises(CommandError):
        call_command("verify_audit_log", organization=organization.slug)


@pytest.mark.django_db(transaction=True)
def test_the_daily_check_logs_an_error_for_each_broken_chain_and_only_for_those(
    organization, other_organization
):
    for target in ("first", "second"):
        record_security_event(organization, K.API_KEY_CREATED, target=target)
        record_security_event(other_organization, K.API_KEY_CREATED, target=target)
    with capture_logs() as logs:
        assert security_logs_check() == 0
    assert [log["event"] for log in logs] == ["security_log_chains_verified"]

    first = _events(other_organization)[0]
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_securityevent DISABLE TRIGGER rapport_append_only")
        cursor.execute(
            "UPDATE accounts_securityevent SET target = 'forged' WHERE id = %s", [first.pk]
        )
        cursor.execute("ALTER TABLE accounts_securityevent ENABLE TRIGGER rapport_append_only")

    with capture_logs() as logs:
        assert security_logs_check() == 1
    broken, summary = logs
    assert broken["log_level"] == "error"
    assert broken["event"] == "security_log_chain_broken"
    assert broken["organization_id"] == str(other_organization.id)
    assert (broken["sequence"], broken["event_id"]) == (1, str(first.public_id))
    assert summary["broken"] == 1


@pytest.mark.django_db(transaction=True)
def test_verify_audit_log_finds_a_row_removed_from_the_middle(organization, capsys):
    for target in ("first", "second", "third"):
        record_security_event(organization, K.SIGNED_IN, target=target)
    second = _events(organization)[1]
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # triggers do not fire
        cursor.execute("DELETE FROM accounts_securityevent WHERE id = %s", [second.pk])
        cursor.execute("SET session_replication_role = DEFAULT")

    with pytest.raises(CommandError):
        call_command("verify_audit_log", organization=organization.slug)
    assert "row 3" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_organization_make_one_chain_without_forks(organization):
    start = threading.Barrier(2)
    errors = []

    def write() -> None:
        try:
            start.wait()
            for n in range(10):
                record_security_event(organization, K.SIGNED_IN, target=f"writer {n}")
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert verify_chain(organization.id) == (20, None)


# --- What is recorded ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sign_in_is_recorded_in_each_organization_of_the_user_with_address_and_browser(
    client, owner, other_organization
):
    user = _verified(owner)
    MembershipFactory(organization=other_organization, user=user, role="recruiter")

    client.post(
        "/accounts/login/",
        {"login": user.email, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="198.51.100.4",
        HTTP_USER_AGENT="Firefox/140",
    )

    for organization in (owner.organization, other_organization):
        (event,) = _events(organization, K.SIGNED_IN)
        assert (event.actor_id, event.ip_address, event.user_agent) == (
            user.pk,
            "198.51.100.4",
            "Firefox/140",
        )

    client.post("/accounts/logout/")
    assert len(_events(owner.organization, K.SIGNED_OUT)) == 1


@pytest.mark.django_db
def test_a_failed_sign_in_is_recorded_for_a_known_address_only(client, owner, other_organization):
    user = _verified(owner)

    client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    client.post("/accounts/login/", {"login": "nobody@example.test", "password": "wrong"})

    (event,) = _events(owner.organization)
    assert (event.kind, event.target, event.ip_address) == (
        K.SIGN_IN_FAILED,
        user.email,
        "127.0.0.1",
    )
    assert _events(other_organization) == []


@pytest.mark.django_db
def test_a_password_change_is_recorded(client, owner):
    user = _verified(owner)
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "another-long-passphrase-9",
            "password2": "another-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert len(_events(owner.organization, K.PASSWORD_CHANGED)) == 1


@pytest.mark.django_db
def test_mfa_email_and_password_reset_signals_are_recorded(owner):
    user = owner.user
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    totp = Authenticator(user=user, type=Authenticator.Type.TOTP, data={})
    old = EmailAddress(user=user, email="old@northwind.test")
    new = EmailAddress(user=user, email="new@northwind.test")

    mfa_signals.authenticator_added.send(
        Authenticator, request=request, user=user, authenticator=totp
    )
    mfa_signals.authenticator_removed.send(
        Authenticator, request=request, user=user, authenticator=totp
    )
    account_signals.email_changed.send(
        EmailAddress, request=request, user=user, from_email_address=old, to_email_address=new
    )
    account_signals.password_reset.send(type(user), request=request, user=user)

    events = _events(owner.organization)
    assert [event.kind for event in events] == [
        K.MFA_ENABLED,
        K.MFA_DISABLED,
        K.EMAIL_CHANGED,
        K.PASSWORD_RESET,
    ]
    assert events[0].details == {"method": "totp"}
    assert (events[2].target, events[2].details) == (
        "new@northwind.test",
        {"from": "old@northwind.test"},
    )
    assert {event.ip_address for event in events} == {"192.0.2.1"}


@pytest.mark.django_db
def test_invitations_and_membership_changes_are_recorded(owner, organization):
    with organization_context(organization.id):
        invitation = services.invitation_create(
            actor=owner, email="new@northwind.test", role="recruiter"
        )
        services.invitation_revoke(actor=owner, invitation=invitation)
        invitation = services.invitation_create(
            actor=owner, email="new@northwind.test", role="recruiter"
        )
    joined = services.invitation_accept(
        invitation=invitation, user=UserFactory(email="new@northwind.test")
    )
    with organization_context(organization.id):
        services.membership_change_role(actor=owner, membership=joined, role="admin")
        services.membership_remove(actor=owner, membership=joined)

    events = _events(organization)
    assert [event.kind for event in events] == [
        K.INVITATION_SENT,
        K.INVITATION_REVOKED,
        K.INVITATION_SENT,
        K.INVITATION_ACCEPTED,
        K.MEMBERSHIP_ROLE_CHANGED,
        K.MEMBERSHIP_REMOVED,
    ]
    assert {event.target for event in events} == {"new@northwind.test"}
    assert events[4].details == {"from": "recruiter", "to": "admin"}
    assert events[0].actor_email == owner.user.email
    assert events[3].actor_email == "new@northwind.test"


@pytest.mark.django_db
def test_a_refused_change_records_nothing(organization, recruiter, owner):
    with organization_context(organization.id), pytest.raises(services.PermissionDenied):
        services.membership_change_role(actor=recruiter, membership=owner, role="recruiter")
    assert _events(organization) == []
