from django import forms
from django.core.exceptions import ValidationError

from lib.exceptions import ApplicationError


def add_service_errors(form: forms.Form, error: ApplicationError | ValidationError) -> None:
    """Show a service's refusal on the form: field errors by field, the rest on top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, error.message)


def error_message(error: ApplicationError | ValidationError) -> str:
    """One line for a flash message."""
    if isinstance(error, ApplicationError):
        return error.message
    return " ".join(error.messages)
