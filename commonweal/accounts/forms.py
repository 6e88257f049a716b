"""Account forms, rendered through one accessible template (error summary with role="alert")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from commonweal.accounts.models import ApiToken, User


class AccessibleForm:
    """Mixin: an error summary announced with role="alert", linking to each bad field.

    Django (5.2) already ties each field's errors and help text to its input with
    aria-describedby and sets aria-invalid; the summary is what a screen reader hears
    first after a post-back.
    """

    template_name = "accounts/_form.html"


class SignInForm(AccessibleForm, AuthenticationForm):
    pass


class SignUpForm(AccessibleForm, UserCreationForm):
    """A resident's optional account: a username, an optional email, a password."""

    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Optional."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class PasswordChangeAccessibleForm(AccessibleForm, PasswordChangeForm):
    pass


class TokenCreateForm(AccessibleForm, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, for example “reporting script”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def language_choices() -> list[tuple[str, Any]]:
    return [("", _("Same as this device")), *settings.LANGUAGES]


class PreferencesForm(AccessibleForm, forms.ModelForm):
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=language_choices, required=False
    )

    class Meta:
        model = User
        fields = ("preferred_language",)
