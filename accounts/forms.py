"""Forms of the accounts pages."""

from datetime import date, datetime, timedelta

from django import forms
from django.utils import timezone

from .models import ApiToken

# --- API tokens -------------------------------------------------------------------------

API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. “Ministry consolidation script”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give the token only what its client needs.",
    )
    expires_on = forms.DateField(
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"At most one year from today. Default: {API_TOKEN_DEFAULT_DAYS} days.",
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
            raise forms.ValidationError("Choose a date after today.")
        if value > today + timedelta(days=API_TOKEN_MAX_DAYS):
            raise forms.ValidationError("A token may live at most one year (365 days).")
        return value

    def expires_at(self) -> datetime:
        """The expiry as a moment: the chosen day, at the time of day the token is created."""
        now = timezone.localtime()
        return now + timedelta(days=(self.cleaned_data["expires_on"] - now.date()).days)
