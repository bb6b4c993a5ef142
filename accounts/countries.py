"""ISO 3166-1 countries, from django-countries: the codes organisations and comments carry."""

from django_countries import countries

# English short names by code, and (code, name) pairs sorted by name for select boxes.
COUNTRY_NAMES: dict[str, str] = {code: str(name) for code, name in countries}
COUNTRY_CHOICES: list[tuple[str, str]] = list(COUNTRY_NAMES.items())


def country_name(code: str) -> str:
    """The English short name of a code, or the code itself when it is unknown."""
    return COUNTRY_NAMES.get(code.upper(), code)
