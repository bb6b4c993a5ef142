"""Forms of the answer loop: the lines of the next version a disposition cites, a
commenter's acceptance or objection, and the deadline for those answers. They only coerce
types; the services check every rule."""

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .citations import Suggestion
from .forms import TextField
from .models import DispositionResponse

LineRange = tuple[int, int]
_RANGE = re.compile(r"^(\d{1,7})(?:-(\d{1,7}))?$")


def parse_line_ranges(text: str) -> list[LineRange]:
    """``"12-14, 20"`` as ``[(12, 14), (20, 20)]``; :class:`forms.ValidationError` names the
    piece that is not a line or a range of lines."""
    ranges = []
    for piece in re.split(r"[,;\s]+", re.sub(r"\s*[-–]\s*", "-", text.strip())):
        if not piece:
            continue
        found = _RANGE.match(piece)
        if found is None:
            raise forms.ValidationError(
                _("“%(piece)s” is not a line number or a range such as 12-14."),
                params={"piece": piece},
            )
        start = int(found.group(1))
        ranges.append((start, int(found.group(2) or start)))
    return ranges


class CitationsForm(forms.Form):
    """Lines of the next version that answer the comment: suggested ones to tick, and any
    others typed as numbers and ranges."""

    suggested = forms.MultipleChoiceField(
        label=_("Suggested lines"), required=False, widget=forms.CheckboxSelectMultiple
    )
    cited = forms.CharField(
        label=_("Other lines that answer it"),
        required=False,
        max_length=200,
        help_text=_("Line numbers or ranges of the next version, such as 12-14, 20."),
    )

    def __init__(self, *args: Any, suggestions: Sequence[Suggestion] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = {"proposed": _("the proposed text"), "carried": _("where the comment went")}
        self.fields["suggested"].choices = [  # type: ignore[attr-defined]
            (s.label, f"{s.label} ({reasons.get(s.reason, s.reason)}): {s.text[:120]}")
            for s in suggestions
        ]
        if not suggestions:
            del self.fields["suggested"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ranges: list[LineRange] = []
        for label in cleaned.get("suggested", []):
            ranges += parse_line_ranges(label)
        try:
            ranges += parse_line_ranges(cleaned.get("cited", ""))
        except forms.ValidationError as error:
            self.add_error("cited", error)
        cleaned["ranges"] = sorted(set(ranges))
        return cleaned


class ResponseForm(forms.Form):
    """A commenter's answer to the disposition of their comment."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (DispositionResponse.Answer.ACCEPTED, _("I accept this answer")),
            (DispositionResponse.Answer.OBJECTED, _("I object to this answer")),
        ],
        widget=forms.RadioSelect,
    )
    reason = TextField(
        label=_("Reason (required to object)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResponsePeriodForm(forms.Form):
    """Until when commenters may answer the dispositions of a version."""

    closes_at = forms.DateTimeField(
        label=_("Responses to the dispositions close"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("UTC. After this moment commenters can no longer accept or object."),
    )
