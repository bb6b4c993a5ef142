"""Pages of the drafts app: reading versions, comparing them, and the secretariat's desk."""

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from haip_portal.errors import show_as_message, show_on_form
from haip_portal.exceptions import ApplicationError

from . import selectors, services
from .diff import compare_sections
from .forms import DraftCreateForm, PublishForm, RenderingForm, SourceForm
from .line_rows import section_rows
from .markdown import SourceError, parse_source, render_markdown
from .models import AUTONYMS, DraftVersion, Rendering

View = Callable[..., HttpResponse]


def secretariat_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_drafts(request.user):
            raise PermissionDenied(_("Only the secretariat manages drafts."))
        return view(request, *args, **kwargs)

    return wrapped


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"consultations": selectors.drafts_for_home(request.user)}
    for extension in _home_extensions():
        context.update(extension(request))
    return render(request, "drafts/home.html", context)


@lru_cache(maxsize=1)
def _home_extensions() -> list[Callable[..., dict[str, Any]]]:
    """Functions other apps plug into the home page (``HOME_PAGE_EXTENSIONS``), so drafts
    never imports them: each gets the request and returns extra context
    (``home_intro_template`` and ``home_panel_template``, drawn in that order above the
    consultations)."""
    return [import_string(path) for path in settings.HOME_PAGE_EXTENSIONS]


def version_detail(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    version = selectors.version_get(user=request.user, slug=slug, number=number)
    versions = selectors.version_siblings(user=request.user, version=version)
    changelog = [
        (entry, render_markdown(entry.changelog))
        for entry in reversed(versions)
        if entry.changelog.strip()
    ]
    renderings = selectors.version_renderings(user=request.user, version=version)
    rendering = selectors.rendering_pick(renderings, request.GET.get("lang"))
    if "lang" in request.GET and rendering is None:
        # The master's language, or one without a rendering to read: the master's text.
        query = request.GET.copy()
        del query["lang"]
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    sections = selectors.version_text_in(version, rendering)
    context = {
        "draft": version.draft,
        "version": version,
        "versions": versions,
        "sections": sections,
        "renderings": renderings,
        "rendering": rendering,
        "text_language": rendering.language if rendering else version.language,
        "master_autonym": AUTONYMS[version.language],
        "master_name": version.get_language_display(),
        "changelog": changelog,
        "summary_html": render_markdown(version.draft.summary),
    }
    for extension in _page_extensions():
        context.update(extension(request, version, sections))
    context["section_rows"] = section_rows(version, rendering, sections)
    return render(request, "drafts/version_detail.html", context)


@lru_cache(maxsize=1)
def _page_extensions() -> list[Callable[..., dict[str, Any]]]:
    """Functions other apps plug into the draft page (``DRAFT_PAGE_EXTENSIONS``), so drafts
    never imports them: each gets the request, the version and its sections, may set
    ``line.note_count`` on lines, and returns extra context (``side_panel_template``)."""
    return [import_string(path) for path in settings.DRAFT_PAGE_EXTENSIONS]


def compare(request: HttpRequest, slug: str) -> HttpResponse:
    current = selectors.version_get(user=request.user, slug=slug, number=None)
    versions = selectors.version_siblings(user=request.user, version=current)
    by_number = {version.number: version for version in versions}
    new = by_number.get(_int(request.GET.get("to")) or current.number, current)
    old = by_number.get(_int(request.GET.get("from")) or 0)
    if old is None:
        earlier = [version for version in versions if version.number < new.number]
        old = earlier[-1] if earlier else new
    layout = "unified" if request.GET.get("layout") == "unified" else "side"
    old_words, new_words = _renderings_compared(request, old, new)
    sections = compare_sections(
        selectors.version_sections_as_text(old, old_words),
        selectors.version_sections_as_text(new, new_words),
    )
    context = {
        "compare_language": new_words.language if new_words else "",
        "text_language": new_words.language if new_words else new.language,
        "draft": current.draft,
        "versions": versions,
        "old": old,
        "new": new,
        "layout": layout,
        "sections": sections,
        "changed_count": sum(1 for section in sections if section.status != "unchanged"),
    }
    for extension in _compare_extensions():
        context.update(extension(request, old, new, sections))
    return render(request, "drafts/compare.html", context)


def _renderings_compared(
    request: HttpRequest, old: DraftVersion, new: DraftVersion
) -> tuple[Rendering | None, Rendering | None]:
    """The renderings of both versions in ``?lang=``, when both have one the reader may see:
    the comparison is then in that language, on the master's line numbers."""
    language = request.GET.get("lang")
    if not language:
        return None, None
    pair = tuple(
        selectors.rendering_pick(
            selectors.version_renderings(user=request.user, version=v), language
        )
        for v in (old, new)
    )
    return (pair[0], pair[1]) if pair[0] and pair[1] else (None, None)


@lru_cache(maxsize=1)
def _compare_extensions() -> list[Callable[..., dict[str, Any]]]:
    """Functions other apps plug into the compare page (``COMPARE_PAGE_EXTENSIONS``): each
    gets the request, the old and new versions and the section diffs, and returns extra
    context (``row_notes``: notes to show under the row of a line of the new version, keyed
    by its number, each with ``url``, ``label`` and ``note``; ``compare_links``: links to
    show above the diff, each with ``url`` and ``label``)."""
    return [import_string(path) for path in settings.COMPARE_PAGE_EXTENSIONS]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# --- The secretariat's desk -------------------------------------------------------------


@secretariat_required
def desk(request: HttpRequest) -> HttpResponse:
    return render(request, "drafts/desk.html", {"drafts": selectors.drafts_for_desk()})


@secretariat_required
@require_http_methods(["GET", "POST"])
def draft_create(request: HttpRequest) -> HttpResponse:
    form = DraftCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_create(
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                source=form.cleaned_data["text"],
                language=form.cleaned_data["language"],
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” v1 created. Review it, then publish.") % {"title": draft.title},
            )
            return redirect("drafts:version_edit", slug=draft.slug, number=1)
    return render(request, "drafts/draft_form.html", {"form": form})


@secretariat_required
@require_POST
def version_create(request: HttpRequest, slug: str) -> HttpResponse:
    draft = selectors.draft_for_desk(slug)
    try:
        version = services.version_create(draft=draft, created_by=request.user)  # type: ignore[arg-type]
    except ApplicationError as error:
        show_as_message(request, error)
        return redirect("drafts:desk")
    messages.success(
        request, _("%(version)s started as a copy of the latest text.") % {"version": version}
    )
    return redirect("drafts:version_edit", slug=slug, number=version.number)


def _version_for_desk(slug: str, number: int) -> DraftVersion:
    return selectors.version_for_desk(slug, number)


@secretariat_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version_for_desk(slug, number)
    if version.is_frozen:
        messages.info(
            request, _("%(version)s is published; its text is frozen.") % {"version": version}
        )
        return redirect(version.get_absolute_url())
    initial = {"source": version.source, "changelog": version.changelog}
    form = SourceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update_text(
                version=version,
                source=form.cleaned_data["text"],
                changelog=form.cleaned_data["changelog"],
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(version)s saved: %(count)s numbered line.",
                    "%(version)s saved: %(count)s numbered lines.",
                    version.line_count,
                )
                % {"version": version, "count": version.line_count},
            )
            return redirect("drafts:version_edit", slug=slug, number=number)
    preview = form.cleaned_data.get("document") if form.is_bound else parse_source(version.source)
    return render(
        request,
        "drafts/version_edit.html",
        {"version": version, "draft": version.draft, "form": form, "preview": preview},
    )


@secretariat_required
@require_POST
def source_preview(request: HttpRequest) -> HttpResponse:
    """The numbering of a source as it would be imported: the live preview's fragment."""
    try:
        document = parse_source(request.POST.get("source", ""))
    except SourceError as error:
        return render(request, "drafts/_preview.html", {"error": str(error)}, status=422)
    return render(request, "drafts/_preview.html", {"preview": document})


@secretariat_required
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version_for_desk(slug, number)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.version_publish(
                    version=version,
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                    changelog=form.cleaned_data["changelog"],
                    published_by=request.user,  # type: ignore[arg-type]
                )
            except ApplicationError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("%(version)s is published and open for comment.") % {"version": version},
                )
                return redirect(version.get_absolute_url())
    else:
        form = PublishForm.with_defaults(changelog=version.changelog)
    return render(
        request,
        "drafts/version_publish.html",
        {"version": version, "draft": version.draft, "form": form},
    )


@secretariat_required
@require_POST
def version_close(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version_for_desk(slug, number)
    try:
        services.version_close(version=version)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request, _("The comment period of %(version)s is closed.") % {"version": version}
        )
    return redirect("drafts:desk")


@secretariat_required
@require_http_methods(["GET", "POST"])
def version_renderings(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The secretariat attaches a version's renderings: each must follow the master."""
    version = _version_for_desk(slug, number)
    form = RenderingForm(
        request.POST or None, request.FILES or None, master_language=version.language
    )
    if request.method == "POST" and form.is_valid():
        try:
            rendering = services.rendering_attach(
                version=version,
                language=form.cleaned_data["language"],
                source=form.cleaned_data["text"],
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("The %(name)s rendering of %(version)s is attached.")
                % {"name": rendering.get_language_display(), "version": version},
            )
            return redirect("drafts:version_renderings", slug=slug, number=number)
    context = {
        "version": version,
        "draft": version.draft,
        "form": form,
        "renderings": selectors.version_renderings(user=request.user, version=version),
    }
    return render(request, "drafts/version_renderings.html", context)


@secretariat_required
@require_POST
def rendering_action(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    """Publish (``action=publish``) or remove (``action=remove``) one rendering."""
    version = _version_for_desk(slug, number)
    rendering = selectors.rendering_for_desk(version, language)
    try:
        if request.POST.get("action") == "publish":
            services.rendering_publish(rendering=rendering)
            messages.success(request, _("%(rendering)s is published.") % {"rendering": rendering})
        else:
            services.rendering_remove(rendering=rendering)
            messages.success(request, _("%(rendering)s is removed.") % {"rendering": rendering})
    except ApplicationError as error:
        show_as_message(request, error)
    return redirect("drafts:version_renderings", slug=slug, number=number)
