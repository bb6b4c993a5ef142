from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from accounts import permissions
from accounts.models import Organisation, User
from haip_portal.text import forbidden_character

from .anchoring import Quote
from .inputs import MAX_BODY_LENGTH, CommentInput
from .models import Comment, Disposition

LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("ko", "Korean"),
    ("zh", "Chinese"),
    ("ar", "Arabic"),
    ("other", "Another language"),
]


class TextField(forms.CharField):
    """Free text passed on to the service as typed: the service checks its characters (one
    rule and one message for every channel, ``haip_portal.text``) and trims it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["strip"] = False
        super().__init__(**kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]

    def validate(self, value: Any) -> None:
        # Spaces alone are no text ("This field is required"), but a character the service
        # refuses is left for it to name, even where Python counts it as whitespace.
        if isinstance(value, str) and forbidden_character(value) is None:
            value = value.strip()
        super().validate(value)


class CommentForm(forms.Form):
    """A comment anchored to lines; the quote fields are filled by selecting text, or by hand."""

    line_start = forms.IntegerField(label="From line", min_value=1)
    line_end = forms.IntegerField(label="to line", min_value=1, required=False)
    quote_exact = TextField(
        label="Quoted phrase (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The exact words you comment on, as they appear in the lines above.",
    )
    quote_prefix = TextField(required=False, widget=forms.HiddenInput)
    quote_suffix = TextField(required=False, widget=forms.HiddenInput)
    quote_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=Comment.Kind.choices, initial=Comment.Kind.GENERAL, widget=forms.RadioSelect
    )
    stance = forms.ChoiceField(
        choices=[("", "No stance"), *Comment.Stance.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    body = TextField(
        label="Comment",
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: **bold**, _italic_, lists, [links](https://…). No HTML.",
    )
    proposed_text = TextField(
        label="Proposed replacement text (optional)",
        required=False,
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        choices=Comment.Visibility.choices,
        initial=Comment.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text="Confidential comments are read only by your organisation, the secretariat "
        "and the G7 working groups; they are counted, never quoted, in public summaries.",
    )
    organisation = forms.ChoiceField(label="File as", required=False)
    language = forms.ChoiceField(choices=LANGUAGES, initial="en")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.representing = {
            str(organisation.pk): organisation
            for organisation in Organisation.objects.filter(
                pk__in=permissions.organisations_seen_from_inside(user)
            ).order_by("name")
            if permissions.can_file_for(user, organisation)
            and organisation.stakeholder_type != Organisation.StakeholderType.INDIVIDUAL
        }
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", f"Myself ({user.name or user.email}), as an individual"),
            *((pk, f"{org.name} (as its representative)") for pk, org in self.representing.items()),
        ]

    def to_input(self) -> CommentInput:
        data = self.cleaned_data
        quote = None
        if data.get("quote_exact"):
            quote = Quote(
                exact=data["quote_exact"],
                prefix=data.get("quote_prefix") or "",
                suffix=data.get("quote_suffix") or "",
                start=data.get("quote_start"),
            )
        return CommentInput(
            line_start=data["line_start"],
            line_end=data.get("line_end") or data["line_start"],
            body=data["body"],
            kind=data["kind"],
            stance=data.get("stance") or "",
            proposed_text=data.get("proposed_text") or "",
            visibility=data["visibility"],
            language=data["language"],
            quote=quote,
            organisation=self.representing.get(data.get("organisation") or ""),
        )


class CommentEditForm(forms.Form):
    kind = forms.ChoiceField(choices=Comment.Kind.choices, widget=forms.RadioSelect)
    stance = forms.ChoiceField(
        choices=[("", "No stance"), *Comment.Stance.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    body = TextField(
        label="Comment", max_length=MAX_BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )
    proposed_text = TextField(
        label="Proposed replacement text",
        required=False,
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReplyForm(forms.Form):
    body = TextField(label="Your reply", widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


class DispositionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Disposition.Outcome.choices)
    response = forms.CharField(
        label="Response to the commenter", widget=forms.Textarea(attrs={"rows": 3})
    )
