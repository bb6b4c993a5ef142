from datetime import timedelta
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .markdown import MAX_SOURCE_BYTES, SourceError, parse_source
from .models import Language


class SourceForm(forms.Form):
    """A version's Markdown text, pasted or uploaded; an upload wins over pasted text."""

    source = forms.CharField(
        label=_("Markdown text"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true", "class": "source-input"}),
        required=False,
        strip=False,
        help_text=_("One section per “## ” heading. Every non-blank line gets a number."),
    )
    upload = forms.FileField(
        label=_("…or upload a Markdown file"),
        required=False,
        help_text=_("UTF-8 text, up to 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.markdown,.txt,text/markdown"}),
    )
    changelog = forms.CharField(
        label=_("Changelog"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Markdown: what changed since the previous version."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload: UploadedFile | None = cleaned.get("upload")
        if upload is not None:
            if upload.size and upload.size > MAX_SOURCE_BYTES:
                self.add_error(
                    "upload",
                    _("The file is %(size)s bytes; the limit is %(max)s (1 MB).")
                    % {"size": f"{upload.size:,}", "max": f"{MAX_SOURCE_BYTES:,}"},
                )
                return cleaned
            raw: bytes | str = upload.read()
        else:
            raw = cleaned.get("source") or ""
        try:
            cleaned["document"] = parse_source(raw)
        except SourceError as error:
            self.add_error("upload" if upload is not None else "source", str(error))
            return cleaned
        cleaned["text"] = raw
        return cleaned


class DraftCreateForm(SourceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        help_text=_("The draft's web address: lowercase letters, digits, hyphens."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Markdown."),
    )
    language = forms.TypedChoiceField(
        label=_("Language of the text"),
        choices=Language.choices,
        initial=Language.EN,
        required=False,
        empty_value=Language.EN,
        help_text=_("The master's language; translations in the others follow its lines."),
    )

    field_order = ["title", "slug", "summary", "language", "source", "upload"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["changelog"]


class PublishForm(forms.Form):
    opens_at = forms.DateTimeField(
        label=_("Comment period opens"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("UTC."),
    )
    closes_at = forms.DateTimeField(
        label=_("Comment period closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("UTC. Comments are refused after this moment, by the server's clock."),
    )
    changelog = forms.CharField(
        label=_("Changelog"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Markdown: what changed since the previous version (required from v2 on)."),
    )

    @classmethod
    def with_defaults(cls, *, changelog: str) -> "PublishForm":
        now = timezone.now().replace(second=0, microsecond=0)
        return cls(
            initial={"opens_at": now, "closes_at": now + timedelta(days=60), "changelog": changelog}
        )


class RenderingForm(SourceForm):
    """A version's text in another language: the same sections and numbered lines."""

    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    field_order = ["language", "source", "upload"]

    def __init__(self, *args: Any, master_language: str = Language.EN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["changelog"]
        self.fields["source"].label = _("Markdown text of the rendering")
        self.fields["source"].help_text = _(
            "The master's sections and non-blank lines, in the same order, translated."
        )
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [
            (code, label) for code, label in Language.choices if code != master_language
        ]
