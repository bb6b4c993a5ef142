"""Load the demonstration consultation: the HAIP Code of Conduct as v1 with a first round of
comments, a secretariat account, verified organisations in every stakeholder group with a
representative each, and a revised v2, published with v1's comments carried to it and
answered (``comments.management.demo_round_two``). Safe to run again: what
exists is left as it is, and the demo passwords are set to the printed values."""

from collections import Counter
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import permissions
from accounts import services as account_services
from accounts.models import Organisation, User, WorkingGroup
from accounts.permissions import SECRETARIAT_GROUP
from comments import services as comment_services
from comments.anchoring import Quote
from comments.management import demo_languages, demo_round_two
from comments.models import Comment
from drafts import services
from drafts.demo import DEMO_DIR
from drafts.models import Draft, DraftVersion
from haip_portal.queueing import wait_for_background_tasks

DEMO_PASSWORD = "haip-demo-2026"  # noqa: S105 - demo accounts only; printed on purpose
# Secretariat accounts need two-factor authentication: the demo one uses this TOTP secret.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPHAIPDEMO"  # noqa: S105 - printed on purpose
DRAFT_SLUG = "haip-code-of-conduct"

STAKEHOLDERS = [
    # (stakeholder type, person, organisation, country, e-mail domain)
    ("company", "Aiko Tanaka", "Kumo AI K.K.", "JP", "kumo-ai.example"),
    ("company", "Lena Fischer", "Rheinwerk Models GmbH", "DE", "rheinwerk.example"),
    ("industry_association", "Marco Bianchi", "EU AI Industry Alliance", "IT", "euaia.example"),
    ("industry_association", "Priya Nair", "Global Software Council", "US", "gsc.example"),
    ("academic", "Claire Dubois", "Université de Lyon, AI Ethics Lab", "FR", "lyon.example"),
    ("academic", "James Okafor", "University of Toronto, Policy Lab", "CA", "utoronto.example"),
    ("government", "Hiroshi Sato", "Digital Agency of Japan", "JP", "digital.example"),
    ("government", "Emily Clarke", "UK Department for Science", "GB", "dsit.example"),
    ("civil_society", "Sofia Rossi", "Algorithmic Rights Watch", "IT", "arw.example"),
    ("civil_society", "Daniel Weber", "Open Future Foundation", "DE", "openfuture.example"),
    ("international", "Ana Souza", "OECD AI Policy Observatory", "FR", "oecd.example"),
    ("individual", "Tom Becker", "", "US", ""),
]

V2_CHANGELOG = """\
Revised after the first round of comments:

- **Action 1**: red teaming by independent teams; evaluations documented before deployment.
- **Action 2**: serious incidents notified to the competent authorities within 15 days.
- **Action 3**: transparency reports updated at least yearly and at each major release.
- **Action 6**: the separate insider-threat line is folded into the security measures.
- **Action 7**: open provenance standards added.
- **Action 10**: risk management added to the standards to be developed.
"""

# (index into STAKEHOLDERS, line, quote, kind, stance, visibility, body, proposed text)
# fmt: off
COMMENTS = [
    (0, 4, "red teaming", "technical", "amend", "public",
     "Red teaming should be done by a team that did not build the model, and its scope "
     "published. Otherwise the measure cannot be monitored.",
     "such as red teaming by teams independent of the model's developers"),
    (8, 4, "", "general", "support", "public",
     "We support independent testing and ask that civil society be able to take part in it.",
     ""),
    (6, 9, "", "technical", "amend", "public",
     "A fixed deadline for reporting serious incidents would make this action monitorable. "
     "Fifteen days matches existing incident-reporting regimes.",
     "Maintain up-to-date documentation and reports of all recorded vulnerabilities and "
     "incidents of misuse, and notify the competent authorities of serious incidents within "
     "15 days."),
    (2, 11, "up-to-date transparency reports", "technical", "amend", "public",
     "“Up-to-date” needs a frequency: at least yearly and at each major release.", ""),
    (1, 18, "", "general", "oppose", "confidential",
     "Publishing details of our insider-threat programme would weaken it. We can share them "
     "with the working group under confidentiality.", ""),
    (4, 21, "watermarks", "technical", "support", "public",
     "Watermarks alone are fragile; point to open provenance standards as well.", ""),
    (10, 30, "", "editorial", "", "public",
     "Name risk management among the areas where international standards are needed.", ""),
    (11, 27, "", "general", "support", "public",
     "As a teacher I welcome the focus on digital literacy.", ""),
]
# fmt: on


class Command(BaseCommand):
    help = "Load the HAIP Code of Conduct consultation, organisations and comments (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Notifications (receipts…) go out when the transaction commits; the accounts are
        # printed after them so they are the last thing on the screen.
        with transaction.atomic():
            secretariat, wg_member, people = self._load()
        wait_for_background_tasks()  # receipts and digests, in the embedded set-up
        self._print_accounts(secretariat, wg_member, people)

    def _load(self) -> tuple[User, User, list[tuple[User, Organisation | None]]]:
        secretariat = self._user("secretariat@haip.example", "G7 Secretariat", staff=True)
        secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
        if not Authenticator.objects.filter(
            user=secretariat, type=Authenticator.Type.TOTP
        ).exists():
            TOTP.activate(secretariat, DEMO_TOTP_SECRET)
        # The demo is loaded on the server by its operator, with the secretariat's powers.
        permissions.record_authentication(secretariat, two_factor=True)

        per_group: Counter[str] = Counter()
        people: list[tuple[User, Organisation | None]] = []
        for group, name, organisation_name, country, domain in STAKEHOLDERS:
            per_group[group] += 1
            slug = group.replace("_", "-")
            user = self._user(f"{slug}.{per_group[group]}@haip.example", name)
            organisation = (
                self._organisation(user, secretariat, group, organisation_name, country, domain)
                if organisation_name
                else None
            )
            people.append((user, organisation))

        working_group = WorkingGroup.objects.filter(slug="g7-digital-tech").first()
        if working_group is None:
            working_group = account_services.working_group_create(
                name="G7 Digital and Tech Working Group",
                slug="g7-digital-tech",
                section_keys=[f"action-{n}" for n in range(1, 12)],
                actor=secretariat,
            )
        wg_member = self._user("working-group.1@haip.example", "Giulia Conti")
        if not Authenticator.objects.filter(user=wg_member, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(wg_member, DEMO_TOTP_SECRET)
        if not working_group.members.filter(pk=wg_member.pk).exists():
            account_services.working_group_add_member(
                working_group=working_group, user=wg_member, actor=secretariat
            )

        v1 = self._draft(secretariat)
        self._comments(v1, people, secretariat)
        self._carry(v1)
        demo_round_two.publish_and_answer(v1=v1, secretariat=secretariat, say=self.stdout.write)
        self._extensions(v1, secretariat)
        return secretariat, wg_member, people

    def _carry(self, v1: DraftVersion) -> None:
        """The demo's comments are filed after v2 was prepared: carry them to it now, as
        publishing v2 would, so the secretariat's preview and review queue show them."""
        v2 = v1.draft.versions.filter(number=2, status=DraftVersion.Status.DRAFT).first()
        if v2 is not None:
            summary = comment_services.comments_carry(version=v2)
            self.stdout.write(
                f"Carried v1's comments to v2: {summary.kept} kept, {summary.changed} on "
                f"rewritten text ({summary.pending} to review), {summary.removed} on removed text."
            )

    def _extensions(self, version: DraftVersion, secretariat: User) -> None:
        """What other apps add to the demo (``DEMO_DATA_HOOKS``), in the same transaction:
        the digests app asks for a public and a working-group digest of v1."""
        for path in settings.DEMO_DATA_HOOKS:
            message = import_string(path)(version=version, secretariat=secretariat)
            if message:
                self.stdout.write(message)

    def _print_accounts(
        self, secretariat: User, wg_member: User, people: list[tuple[User, Organisation | None]]
    ) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Accounts (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        self.stdout.write(f"  {secretariat.email:<45} secretariat (also /admin/)")
        self.stdout.write(
            f"  {'':<45} two-factor code: TOTP secret {DEMO_TOTP_SECRET} "
            f"(authenticator app, or: oathtool --totp -b {DEMO_TOTP_SECRET})"
        )
        self.stdout.write(f"  {wg_member.email:<45} working-group member (same TOTP secret)")
        for user, organisation in people:
            acting_for = f"representative of {organisation.name}" if organisation else "individual"
            self.stdout.write(f"  {user.email:<45} {acting_for}")

    def _user(self, email: str, name: str, *, staff: bool = False) -> User:
        user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
        user.name = name
        user.is_staff = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _organisation(
        self,
        user: User,
        secretariat: User,
        stakeholder_type: str,
        name: str,
        country: str,
        domain: str,
    ) -> Organisation:
        organisation = Organisation.objects.filter(name=name, country=country).first()
        if organisation is None:
            organisation = account_services.organisation_register(
                user=user,
                name=name,
                stakeholder_type=stakeholder_type,
                country=country,
                email_domain=domain,
                website=f"https://{domain}/",
            )
        if organisation.status == Organisation.Status.PENDING:
            organisation = account_services.organisation_verify(
                organisation=organisation, actor=secretariat
            )
        return organisation

    def _draft(self, secretariat: User) -> DraftVersion:
        draft = Draft.objects.filter(slug=DRAFT_SLUG).first()
        if draft is None:
            draft = services.draft_create(
                slug=DRAFT_SLUG,
                title="Hiroshima AI Process Code of Conduct",
                summary=(
                    "The eleven actions of the G7 Hiroshima Process International Code of "
                    "Conduct for Organizations Developing Advanced AI Systems. Comment on any "
                    "line: what should each action require in practice?"
                ),
                source=(DEMO_DIR / "haip-code-v1.md").read_text(encoding="utf-8"),
                created_by=secretariat,
            )
            self.stdout.write("Created the HAIP Code of Conduct, v1.")
        versions = {version.number: version for version in draft.versions.all()}
        v1 = versions[1]
        demo_languages.attach_renderings(version=v1, secretariat=secretariat, say=self.stdout.write)
        if v1.status == DraftVersion.Status.DRAFT:
            now = timezone.now()
            v1 = services.version_publish(
                version=v1,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=60),
                changelog="First public draft.",
                published_by=secretariat,
            )
            self.stdout.write("Published v1 with a 60-day comment period.")
        if 2 not in versions:
            v2 = services.version_create(
                draft=draft,
                source=(DEMO_DIR / "haip-code-v2.md").read_text(encoding="utf-8"),
                created_by=secretariat,
            )
            services.version_update_text(version=v2, source=v2.source, changelog=V2_CHANGELOG)
            self.stdout.write("Created v2 (unpublished) with the secretariat's revisions.")
        return v1

    def _comments(
        self,
        version: DraftVersion,
        people: list[tuple[User, Organisation | None]],
        secretariat: User,
    ) -> None:
        if (
            version.status != DraftVersion.Status.OPEN
            or Comment.objects.filter(version=version).exists()
        ):
            return
        filed = [
            demo_languages.file_demo_comment(
                version=version,
                person=people[index],
                line=line,
                body=body,
                kind=kind,
                stance=stance,
                proposed=proposed,
                quote=Quote(quote) if quote else None,
                visibility=visibility,
            )
            for index, line, quote, kind, stance, visibility, body, proposed in COMMENTS
        ]
        in_languages = demo_languages.file_comments(version=version, people=people)
        comment_services.comment_dispose(
            comments=[filed[0]],
            user=secretariat,
            outcome="accepted",
            response="Accepted: v2 asks for red teaming by teams independent of the developers.",
        )
        self.stdout.write(
            f"Filed {len(filed) + len(in_languages)} demonstration comments on v1, "
            f"{len(in_languages)} of them in French, German, Italian and Japanese."
        )
