from django import forms

from .countries import COUNTRY_CHOICES
from .models import Membership, Organisation

StakeholderType = Organisation.StakeholderType


class OrganisationRegisterForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)
    stakeholder_type = forms.ChoiceField(
        label="Stakeholder type",
        choices=[("", "Choose…")]
        + [choice for choice in StakeholderType.choices if choice[0] != StakeholderType.INDIVIDUAL],
    )
    country = forms.ChoiceField(
        label="Country", choices=[("", "Choose…"), *COUNTRY_CHOICES], help_text="Where it is based."
    )
    email_domain = forms.CharField(
        label="E-mail domain",
        max_length=253,
        help_text="The domain of your staff's e-mail addresses, e.g. example.org. "
        "Colleagues with it will be offered to join.",
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    transparency_register_id = forms.CharField(
        label="Transparency register id (optional)", max_length=64, required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to the people concerned and kept in the audit trail.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)
