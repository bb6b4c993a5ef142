"""Pages of the accounts app: registering and joining organisations, managing their members,
the secretariat's verification queue and audit trail, API tokens, and a person's own data and
the closing of their account."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haip_portal.errors import show_as_message, show_on_form
from haip_portal.exceptions import ApplicationError
from haip_portal.wording import clause, in_sentence

from . import permissions, privacy, selectors, services
from .forms import ApiTokenCreateForm, OrganisationRegisterForm
from .models import Membership, User

View = Callable[..., HttpResponse]
AUDIT_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def secretariat_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_verify_organisations(request.user):
            raise PermissionDenied(_("Only the secretariat verifies organisations."))
        return view(request, *args, **kwargs)

    return wrapped


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Stakeholders ---------------------------------------------------------------------


@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/my_organisations.html",
        {"memberships": selectors.organisations_for_user(_user(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request: HttpRequest) -> HttpResponse:
    form = OrganisationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(user=_user(request), **form.cleaned_data)
        except ApplicationError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(organisation)s is registered and pending verification by the "
                    "secretariat. You are its administrator."
                )
                % {"organisation": organisation},
            )
            return redirect("accounts:my_organisations")
    return render(request, "accounts/organisation_register.html", {"form": form})


@login_required
@require_POST
def organisation_register_individual(request: HttpRequest) -> HttpResponse:
    try:
        services.organisation_register_individual(
            user=_user(request), country=request.POST.get("country", "")
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, _("You can now comment as an individual."))
    return redirect("accounts:my_organisations")


@login_required
def organisation_join(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = request.GET.get("q", "")
    suggested = list(selectors.organisations_suggested_for(user))
    suggested_ids = {organisation.pk for organisation in suggested}
    found = (
        [o for o in selectors.organisations_joinable(user, q=q) if o.pk not in suggested_ids]
        if q.strip()
        else []
    )
    return render(
        request,
        "accounts/organisation_join.html",
        {"suggested": suggested, "found": found, "q": q},
    )


@login_required
@require_POST
def membership_request(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug=slug)
    try:
        services.membership_request(user=_user(request), organisation=organisation)
    except ApplicationError as error:
        show_as_message(request, error)
        return redirect("accounts:organisation_join")
    messages.success(
        request,
        _("Your request to join %(organisation)s is sent to its admins.")
        % {"organisation": organisation},
    )
    return redirect("accounts:my_organisations")


# --- Organisation admins (and the secretariat) --------------------------------------------


@login_required
def organisation_manage(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_managed(request.user, slug)
    members = list(selectors.organisation_members(organisation))
    return render(
        request,
        "accounts/organisation_manage.html",
        {
            "organisation": organisation,
            "pending": [m for m in members if m.status == Membership.Status.PENDING],
            "approved": [m for m in members if m.status == Membership.Status.APPROVED],
            "rejected": [m for m in members if m.status == Membership.Status.REJECTED],
            "roles": Membership.Role.choices,
        },
    )


def _managed_membership(request: HttpRequest, slug: str, pk: int) -> Membership:
    return selectors.membership_get_managed(request.user, slug, pk)


@login_required
@require_POST
def membership_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _managed_membership(request, slug, pk)
    role = request.POST.get("role") or None
    try:
        services.membership_approve(membership=membership, actor=_user(request), role=role)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request,
            _("%(user)s joined %(organisation)s.")
            % {"user": membership.user, "organisation": clause(membership.organisation)},
        )
    return redirect(_next_or(request, membership.organisation.get_absolute_url()))


@login_required
@require_POST
def membership_reject(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _managed_membership(request, slug, pk)
    try:
        services.membership_reject(
            membership=membership, actor=_user(request), reason=request.POST.get("reason", "")
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request, _("The request of %(user)s is refused.") % {"user": membership.user}
        )
    return redirect(_next_or(request, membership.organisation.get_absolute_url()))


@login_required
@require_POST
def membership_set_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _managed_membership(request, slug, pk)
    try:
        changed = services.membership_set_role(
            membership=membership, actor=_user(request), role=request.POST.get("role", "")
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": changed.user, "role": in_sentence(changed.get_role_display())},
        )
    return redirect(membership.organisation.get_absolute_url())


# --- The secretariat ----------------------------------------------------------------------


@secretariat_required
def secretariat_queue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    return render(
        request,
        "accounts/secretariat_queue.html",
        {
            "q": q,
            "organisations": selectors.organisations_pending(q=q),
            "memberships": selectors.memberships_pending_for(request.user, q=q),
        },
    )


@login_required
@require_POST
def organisation_verify(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug=slug)
    try:
        services.organisation_verify(
            organisation=organisation,
            actor=_user(request),
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request, _("%(organisation)s is verified.") % {"organisation": organisation}
        )
    return redirect("accounts:secretariat_queue")


@login_required
@require_POST
def organisation_reject(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get(slug=slug)
    try:
        services.organisation_reject(
            organisation=organisation, actor=_user(request), reason=request.POST.get("reason", "")
        )
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(
            request, _("%(organisation)s is rejected.") % {"organisation": organisation}
        )
    return redirect("accounts:secretariat_queue")


@secretariat_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.audit_entries(), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_trail.html", {"page": page})


# --- API tokens -------------------------------------------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = selectors.api_tokens_of_user(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ApplicationError as error:
            show_on_form(form, error, fields={"expires_at": "expires_on"})
        else:
            # Shown in this response only: not in a URL, a redirect or the session.
            return render(
                request, "accounts/token_created.html", {"token": token, "raw": raw}, status=201
            )
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(
        request, _("The token “%(token)s” is revoked; it no longer works.") % {"token": token.name}
    )
    return redirect("accounts:token_list")


# --- Privacy ------------------------------------------------------------------------------
# A person's copy of their data and the closing of their account (accounts.privacy).

PRIVACY_PREVIEW_ITEMS = 20
PRIVACY_SECTION_TITLES = {
    "account": "Account",
    "email_addresses": "E-mail addresses",
    "memberships": "Organisation memberships",
    "organisations_registered": "Organisations you registered",
    "working_groups": "Working groups",
    "api_tokens": "API tokens",
    "sessions": "Signed-in sessions",
    "audit_entries": "Decisions you made (audit trail)",
    "mfa_authenticators": "Two-factor authenticators",
}


class AccountCloseForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account will be closed for good and cannot be reopened."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


def _privacy_sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The export's sections as the page shows them: a title, a count and a JSON preview."""
    shown = []
    for name, value in data["sections"].items():
        items = value if isinstance(value, list) else None
        preview = items[:PRIVACY_PREVIEW_ITEMS] if items is not None else value
        shown.append(
            {
                "name": name,
                "title": PRIVACY_SECTION_TITLES.get(name, name.replace("_", " ").capitalize()),
                "count": len(items) if items is not None else None,
                "more": len(items) - len(preview) if items is not None else 0,
                "json": json.dumps(preview, indent=2, ensure_ascii=False),
            }
        )
    return shown


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def privacy_overview(request: HttpRequest) -> HttpResponse:
    """What the portal holds about the user; a POST downloads all of it as JSON."""
    data = privacy.personal_data(user=_user(request))
    if request.method == "POST":
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        filename = f"haip-personal-data-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/privacy.html", {"sections": _privacy_sections(data)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_close(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AccountCloseForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # The password is checked here, so guessing it is limited as for re-authentication.
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.add_error(None, _("Too many attempts. Wait a minute, then try again."))
            status = 429
        else:
            try:
                privacy.account_close(user=user, password=form.cleaned_data["password"])
            except ApplicationError as error:
                show_on_form(form, error)
            else:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Your account is closed. Your comments stay in the public record under "
                        "their organisation, without your name."
                    ),
                )
                return redirect("drafts:home")
    return render(
        request,
        "accounts/account_close.html",
        {"form": form, "blocking": privacy.organisations_needing_handover(user=user)},
        status=status,
    )
