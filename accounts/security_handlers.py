"""The security log's receivers of allauth's and Django's authentication signals.

Sign-ins, sign-outs, password and email changes and two-factor changes belong to a
person, not to one organization: each is recorded in every organization the user
belongs to. A failed sign-in for an address with an account is recorded the same
way; one for an unknown address only goes to the structured log (there is no
organization to write it to, and the address may be anyone's typing).
"""

import structlog
from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from accounts.audit import record_for_user
from accounts.models import SecurityEventKind, User

logger = structlog.get_logger("rapport.security")


@receiver(account_signals.user_logged_in, dispatch_uid="security_log_signed_in")
def signed_in(sender, request, user, **kwargs) -> None:
    record_for_user(user, SecurityEventKind.SIGNED_IN, request=request, target=user.email)


@receiver(auth_signals.user_login_failed, dispatch_uid="security_log_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "").strip()
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is None:
        logger.warning("sign_in_failed_unknown_account", email_length=len(email))
        return
    recorded = record_for_user(
        user, SecurityEventKind.SIGN_IN_FAILED, request=request, target=user.email
    )
    if not recorded:
        logger.warning("sign_in_failed_no_organization", user_id=user.pk)


@receiver(auth_signals.user_logged_out, dispatch_uid="security_log_signed_out")
def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_for_user(user, SecurityEventKind.SIGNED_OUT, request=request, target=user.email)


@receiver(account_signals.password_changed, dispatch_uid="security_log_password_changed")
@receiver(account_signals.password_set, dispatch_uid="security_log_password_set")
def password_changed(sender, request, user, **kwargs) -> None:
    record_for_user(user, SecurityEventKind.PASSWORD_CHANGED, request=request, target=user.email)


@receiver(account_signals.password_reset, dispatch_uid="security_log_password_reset")
def password_reset(sender, request, user, **kwargs) -> None:
    record_for_user(user, SecurityEventKind.PASSWORD_RESET, request=request, target=user.email)


@receiver(account_signals.email_changed, dispatch_uid="security_log_email_changed")
def email_changed(sender, request, user, from_email_address, to_email_address, **kwargs) -> None:
    record_for_user(
        user,
        SecurityEventKind.EMAIL_CHANGED,
        request=request,
        target=to_email_address.email,
        details={"from": from_email_address.email if from_email_address else ""},
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="security_log_mfa_enabled")
def mfa_enabled(sender, request, user, authenticator, **kwargs) -> None:
    record_for_user(
        user,
        SecurityEventKind.MFA_ENABLED,
        request=request,
        target=user.email,
        details={"method": authenticator.type},
    )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="security_log_mfa_disabled")
def mfa_disabled(sender, request, user, authenticator, **kwargs) -> None:
    record_for_user(
        user,
        SecurityEventKind.MFA_DISABLED,
        request=request,
        target=user.email,
        details={"method": authenticator.type},
    )
