import re

import pytest
from django import forms

from lib.forms import LongSelect

CHOICES = [("", "—"), ("a<b", "Fish & chips"), ("2", "Two")]


def _form(widget, **initial):
    class Form(forms.Form):
        dish = forms.ChoiceField(
            choices=CHOICES, required=False, help_text="Pick one.", widget=widget
        )

    return Form(initial=initial)


@pytest.mark.parametrize("initial", [{}, {"dish": "2"}, {"dish": "a<b"}])
def test_a_long_select_writes_the_markup_of_djangos_select(initial):
    def compact(html: str) -> str:
        return re.sub(r">\s+<", "><", html.strip())

    assert compact(str(_form(LongSelect, **initial)["dish"])) == compact(
        str(_form(forms.Select, **initial)["dish"])
    )


def test_a_long_select_escapes_its_values_and_labels():
    html = str(_form(LongSelect)["dish"])
    assert '<option value="a&lt;b">Fish &amp; chips</option>' in html
