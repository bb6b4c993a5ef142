"""The G7 working groups and their members."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from haip_portal.exceptions import ApplicationError, NotAllowed
from haip_portal.wording import clause

from .. import permissions
from ..models import User, WorkingGroup
from .audit import audit_record


@transaction.atomic
def working_group_create(
    *,
    actor: User,
    name: str,
    slug: str,
    description: str = "",
    section_keys: Iterable[str] = (),
) -> WorkingGroup:
    """Create a G7 working group following the given draft sections (e.g. ``action-3``)."""
    if not permissions.can_manage_working_groups(actor):
        raise NotAllowed(_("Only the secretariat manages working groups."))
    slug = slugify(slug)
    if not slug:
        raise ApplicationError(_("Give the group a web address."), field="slug")
    if WorkingGroup.objects.filter(slug=slug).exists():
        raise ApplicationError(
            _("A working group “%(slug)s” already exists.") % {"slug": slug}, field="slug"
        )
    keys = sorted({key.strip() for key in section_keys if key.strip()})
    group = WorkingGroup.objects.create(
        name=name.strip(), slug=slug, description=description, section_keys=keys
    )
    audit_record(
        actor=actor, action="working_group.create", target=group, data={"section_keys": keys}
    )
    return group


@transaction.atomic
def working_group_add_member(*, working_group: WorkingGroup, user: User, actor: User) -> None:
    """Add a user to a working group: they can then read confidential input and ask for
    digests."""
    if not permissions.can_manage_working_groups(actor):
        raise NotAllowed(_("Only the secretariat manages working groups."))
    if working_group.members.filter(pk=user.pk).exists():
        raise ApplicationError(
            _("%(user)s is already in %(working_group)s.")
            % {"user": user, "working_group": clause(working_group)}
        )
    working_group.members.add(user)
    audit_record(
        actor=actor,
        action="working_group.add_member",
        target=working_group,
        data={"user": user.email},
    )
    permissions.forget_cached_facts(user)
