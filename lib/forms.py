from collections.abc import Callable, Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

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


class LongSelect(forms.Select):
    """A select of many flat choices (every client of the organization) written in
    one pass: Django's `Select` renders a template per option, some 40 µs each, so a
    few hundred options cost more than the rest of the page. Same markup and attributes
    (id, required, aria-describedby); no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects a selector already loaded, keyed by their `public_id`.

    A `ModelChoiceField` would query its model again to validate the answer; the
    pages hand the form the rows they list anyway, so validation is a dict lookup
    and nothing outside what the member may see can be chosen.
    """

    def __init__(
        self,
        *,
        objects: Iterable = (),
        label_from: Callable[[object], str] = str,
        empty_label: str | None = "—",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.label_from = label_from
        self.set_objects(objects)

    def set_objects(self, objects: Iterable) -> None:
        self.objects = {str(obj.public_id): obj for obj in objects}
        choices = [(key, self.label_from(obj)) for key, obj in self.objects.items()]
        if self.empty_label is not None:
            choices.insert(0, ("", self.empty_label))
        self.choices = choices

    def prepare_value(self, value):
        return str(value.public_id) if hasattr(value, "public_id") else value

    def clean(self, value):
        key = super().clean(value)
        return self.objects.get(key) if key else None


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    """Several of the objects a selector loaded (see `ObjectChoiceField`), as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(
        self, *, objects: Iterable = (), label_from: Callable[[object], str] = str, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.label_from = label_from
        self.set_objects(objects)

    def set_objects(self, objects: Iterable) -> None:
        self.objects = {str(obj.public_id): obj for obj in objects}
        self.choices = [(key, self.label_from(obj)) for key, obj in self.objects.items()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return [str(v.public_id) if hasattr(v, "public_id") else v for v in value]
        return value

    def clean(self, value):
        return [self.objects[key] for key in super().clean(value)]
