"""Forms of the accounts pages."""

from datetime import date, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .countries import COUNTRY_CHOICES
from .models import ApiToken, Organisation

StakeholderType = Organisation.StakeholderType


class OrganisationRegisterForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    stakeholder_type = forms.ChoiceField(
        label=_("Stakeholder type"),
        choices=[("", _("Choose…"))]
        + [choice for choice in StakeholderType.choices if choice[0] != StakeholderType.INDIVIDUAL],
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=[("", _("Choose…")), *COUNTRY_CHOICES],
        help_text=_("Where it is based."),
    )
    email_domain = forms.CharField(
        label=_("E-mail domain"),
        max_length=253,
        help_text=_(
            "The domain of your staff's e-mail addresses, e.g. example.org. "
            "Colleagues with it will be offered to join."
        ),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    transparency_register_id = forms.CharField(
        label=_("Transparency register id (optional)"), max_length=64, required=False
    )


# --- API tokens -------------------------------------------------------------------------

API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Ministry consolidation script”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give the token only what its client needs."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=ngettext_lazy(
            "At most one year from today. Default: %(days)d day.",
            "At most one year from today. Default: %(days)d days.",
            "days",
        )
        % {"days": API_TOKEN_DEFAULT_DAYS},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        today = timezone.localdate()
        field = self.fields["expires_on"]
        field.initial = today + timedelta(days=API_TOKEN_DEFAULT_DAYS)
        field.widget.attrs.update(
            {
                "min": (today + timedelta(days=1)).isoformat(),
                "max": (today + timedelta(days=API_TOKEN_MAX_DAYS)).isoformat(),
            }
        )

    def clean_expires_on(self) -> date:
        value: date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(_("Choose a date after today."))
        if value > today + timedelta(days=API_TOKEN_MAX_DAYS):
            raise forms.ValidationError(_("A token may live at most one year (365 days)."))
        return value

    def expires_at(self) -> datetime:
        """The expiry as a moment: the chosen day, at the time of day the token is created."""
        now = timezone.localtime()
        return now + timedelta(days=(self.cleaned_data["expires_on"] - now.date()).days)
