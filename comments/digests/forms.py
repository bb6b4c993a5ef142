"""The form the secretariat and working-group members ask for a digest with."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import WorkingGroup
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion

from .models import Digest


class DigestRequestForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=Digest.Audience.choices,
        initial=Digest.Audience.WORKING_GROUP,
        widget=forms.RadioSelect,
        help_text=_(
            "Working-group digests include confidential comments, marked as such. "
            "Public digests count them in the total and take nothing else from them."
        ),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for the whole version."),
    )
    working_group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        empty_label=_("None: the sections ticked above"),
        help_text=_(
            "Only the sections this group follows; a working-group digest scoped to a "
            "group is read by its members and the secretariat."
        ),
    )

    def __init__(self, *args: Any, version: DraftVersion, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = cast(forms.MultipleChoiceField, self.fields["sections"])
        sections.choices = [
            (section.key, section.heading) for section in draft_selectors.version_sections(version)
        ]
        cast(forms.ModelChoiceField, self.fields["working_group"]).queryset = groups
