"""Count the comments afresh into the kept counts the pages read (after a restore, or a change
made to comments outside the services)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from comments import services
from drafts.models import DraftVersion


class Command(BaseCommand):
    help = (
        "Rebuild the per-line comment counts and the version totals from the comments "
        "(every version, or those of one draft with --draft)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--draft", help="The slug of the draft whose versions to recount.")

    def handle(self, *args: Any, **options: Any) -> None:
        versions = None
        if options["draft"]:
            versions = list(DraftVersion.objects.filter(draft__slug=options["draft"]))
            if not versions:
                raise CommandError(f"No draft with the slug '{options['draft']}'.")
        counted = services.comment_counts_rebuild(versions=versions)
        noun = "version" if counted == 1 else "versions"
        self.stdout.write(f"Counted the comments of {counted} {noun} afresh.")
