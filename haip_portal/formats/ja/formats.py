"""Japanese dates and times: "2026年12月1日 14:05" (a space before the time)."""

from django.conf.locale.ja.formats import *  # noqa: F403

DATETIME_FORMAT = "Y年n月j日 G:i"
