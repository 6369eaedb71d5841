"""The preferences page's language: a choice of the pages, with no API of its own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.choices import Language

OFFERED = _("Choose one of the offered languages.")


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices,
                                 error_messages={"required": OFFERED, "invalid_choice": OFFERED})
