from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from funds.models import Fund

from .accounts import login_locked
from .choices import Language, Role
from .models import JoinRequest, Organization, User


class InvitationAcceptForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The address this invitation was sent to."),
        widget=forms.EmailInput(attrs={"readonly": True, "autocomplete": "email"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["legal_name", "country", "fairtrade_id", "contact_name", "contact_email", "language"]
        labels = {"language": _("Language for our replies")}


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The requester receives this reason by e-mail."))


class ApproveForm(forms.Form):
    short_name = forms.CharField(label=_("Short name"), max_length=80, required=False,
                                 help_text=_("Leave empty to use the legal name."))


class InviteForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.all())
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=Language.choices)
    as_representative = forms.BooleanField(
        label=_("Representative"), required=False,
        help_text=_("A representative invites and removes the organisation's other members."),
    )


class ColleagueInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=Language.choices)


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"),
                             help_text=_("A new address must be confirmed before documents are sent to it."))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices,
                                 help_text=_("For pages, e-mails and notifications."))


class StaffRoleGrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True, organization__isnull=True).order_by("username"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.all(), required=False,
                                  help_text=_("Committee roles only."))


class LanguageAwarePasswordResetForm(PasswordResetForm):
    """Writes the reset e-mail in the person's own language, whatever the page's language."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)


class LockoutAwareAuthenticationForm(AuthenticationForm):
    """The sign-in form, saying so when the account or the address is temporarily locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Try again in a few minutes or reset your password."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and login_locked(self.request, username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()
