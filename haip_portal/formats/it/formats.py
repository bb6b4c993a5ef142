"""Italian dates as written in Italian prose: "1 Dicembre 2026", with a comma before the time."""

from django.conf.locale.it.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
