from django.apps import AppConfig


class DigestsConfig(AppConfig):
    """Synthesis digests of a version's comments: an app of its own, nested in ``comments``
    because the top-level folders are fixed; it uses comments, comments never use it."""

    name = "comments.digests"
    label = "digests"
    verbose_name = "Digests"
