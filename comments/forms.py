from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import selectors as account_selectors
from accounts.models import Organisation, User
from haip_portal.text import forbidden_character

from .inputs import (
    MAX_BODY_LENGTH,
    CommentInput,
    UnreadableItem,
    item_from_flat,
    read_comment_item,
)
from .models import Comment, Disposition

LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ko", _("Korean")),
    ("zh", _("Chinese")),
    ("ar", _("Arabic")),
    ("other", _("Another language")),
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


def _choices(
    *,
    widget: type[forms.RadioSelect] | type[forms.Select],
    choices: Any,
    required: bool = False,
    **kwargs: Any,
) -> "TextField":
    """A field drawn as a choice (radio buttons, a select) that passes the value on as sent:
    the service says which values it knows, in the words it uses for every channel (the
    browser's ``required`` is a hint)."""
    attrs = {"required": True} if required else None
    return TextField(required=False, widget=widget(attrs=attrs, choices=choices), **kwargs)


def _number(label: str | Promise, *, minimum: int, required: bool = False) -> "TextField":
    """A number input whose value the reader turns into a whole number (and names the field
    if it is not one); the browser's ``min`` and ``required`` are hints, the service checks."""
    attrs: dict[str, Any] = {"min": minimum, "required": True} if required else {"min": minimum}
    return TextField(label=label, required=False, widget=forms.NumberInput(attrs=attrs))


class CommentForm(forms.Form):
    """A comment anchored to lines; the quote fields are filled by selecting text, or by hand.

    The fields draw the panel and hand what was typed to
    :func:`comments.inputs.read_comment_item`, as a bulk file's row is; the service checks
    every rule.
    """

    line_start = _number(_("From line"), minimum=1, required=True)
    line_end = _number(_("to line"), minimum=1)
    quote_exact = TextField(
        label=_("Quoted phrase (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The exact words you comment on, as they appear in the lines above."),
    )
    quote_prefix = TextField(required=False, widget=forms.HiddenInput)
    quote_suffix = TextField(required=False, widget=forms.HiddenInput)
    quote_start = TextField(required=False, widget=forms.HiddenInput)
    quote_language = TextField(required=False, widget=forms.HiddenInput)
    kind = _choices(
        label=_("Kind"),
        widget=forms.RadioSelect,
        choices=Comment.Kind.choices,
        required=True,
        initial=Comment.Kind.GENERAL,
    )
    stance = _choices(
        label=_("Stance"),
        widget=forms.RadioSelect,
        choices=[("", _("No stance")), *Comment.Stance.choices],
    )
    body = TextField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_BODY_LENGTH, "required": True}),
        help_text=_("Markdown: **bold**, _italic_, lists, [links](https://…). No HTML."),
    )
    proposed_text = TextField(
        label=_("Proposed replacement text (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_BODY_LENGTH}),
    )
    visibility = _choices(
        label=_("Visibility"),
        widget=forms.RadioSelect,
        choices=Comment.Visibility.choices,
        required=True,
        initial=Comment.Visibility.PUBLIC,
        help_text=_(
            "Confidential comments are read only by your organisation, the secretariat "
            "and the G7 working groups; they are counted, never quoted, in public summaries."
        ),
    )
    organisation = _choices(widget=forms.Select, choices=[], label=_("File as"))
    language = _choices(
        widget=forms.Select,
        choices=[("", _("Detect it from my comment")), *LANGUAGES],
        initial="",
        label=_("Language of your comment"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offer_organisations(user)
        self.comment_input: CommentInput | None = None

    def _offer_organisations(self, user: User) -> None:
        """The choices of "File as": the user, or an organisation they represent, the first of
        which is the default; organisations still waiting for verification are named in the
        help text."""
        filing = account_selectors.organisations_for_filing(user)
        field = self.fields["organisation"]
        field.widget.choices = [
            ("", _("Myself (%(name)s), as an individual") % {"name": user.name or user.email}),
            *(
                (
                    organisation.slug,
                    _("%(name)s (as its representative)") % {"name": organisation.name},
                )
                for organisation in filing.represented
            ),
        ]
        if filing.represented:
            self.initial.setdefault("organisation", filing.represented[0].slug)
        waiting = [organisation.name for organisation in filing.awaiting_verification]
        if waiting:
            field.help_text = ngettext(
                "%(names)s is waiting for verification by the secretariat; until then you "
                "file as yourself.",
                "%(names)s are waiting for verification by the secretariat; until then you "
                "file as yourself.",
                len(waiting),
            ) % {"names": get_text_list(waiting, str(_("and")))}

    def clean(self) -> dict[str, Any]:
        """Read the fields as one comment (:attr:`comment_input`), or attach the reader's
        errors to the fields they are about."""
        data = super().clean() or {}
        item = read_comment_item(item_from_flat(data))
        if isinstance(item, UnreadableItem):
            for name, messages in item.errors.items():
                self.add_error(self.field_for(name), messages)
        else:
            self.comment_input = item
        return data

    def field_for(self, name: str | None) -> str | None:
        """The form field a reader's or service's error is about, or None (the whole form)."""
        name = (name or "").replace("quote.", "quote_")
        return name if name in self.fields else None


class CommentEditForm(forms.Form):
    """The text of a comment while its period runs; the service checks it as it checks a new
    comment's."""

    kind = _choices(
        label=_("Kind"), widget=forms.RadioSelect, choices=Comment.Kind.choices, required=True
    )
    stance = _choices(
        label=_("Stance"),
        widget=forms.RadioSelect,
        choices=[("", _("No stance")), *Comment.Stance.choices],
    )
    body = TextField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_BODY_LENGTH, "required": True}),
    )
    proposed_text = TextField(
        label=_("Proposed replacement text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_BODY_LENGTH}),
    )
    language = _choices(widget=forms.Select, choices=LANGUAGES, label=_("Language of your comment"))


class ReplyForm(forms.Form):
    # Not required here: the service has the one rule (and message) for an empty reply.
    body = TextField(
        label=_("Your reply"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organisation = forms.TypedChoiceField(
        label=_("Reply as"), required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args: Any, organisations: Sequence[Organisation] = (), **kwargs: Any):
        """``organisations``: those the person represents; the first is the default, and
        without any the reply is the person's own (the field is left out)."""
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        if organisations:
            field.choices = [(o.pk, o.name) for o in organisations] + [("", _("Myself"))]
            field.initial = organisations[0].pk
        else:
            del self.fields["organisation"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DispositionForm(forms.Form):
    # No outcome is preselected: the secretariat chooses one for every answer it records.
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Choose an outcome")), *Disposition.Outcome.choices]
    )
    response = forms.CharField(
        label=_("Response to the commenter"), widget=forms.Textarea(attrs={"rows": 3})
    )
