"""Views read through selectors: no page or API view of accounts, drafts, comments or digests
reaches the ORM itself (a model's ``objects``, or Django's ``get_object_or_404`` shortcuts), so
every query, its prefetching and who may see its rows are decided in ``selectors.py``."""

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

APPS = ("accounts", "drafts", "comments")


def view_modules() -> list[str]:
    """Every module that holds views: ``views.py``, ``*_views.py`` and ``views/`` packages,
    in each app and its nested apps and ``api/`` packages, found on disk so a new one is
    checked without being listed."""
    root = Path(PROJECT_ROOT)
    found = set()
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            relative = path.relative_to(root)
            if "migrations" in relative.parts:
                continue
            if path.stem == "views" or path.stem.endswith("_views") or "views" in relative.parts:
                found.add(relative.as_posix())
    return sorted(found)


VIEW_MODULES = view_modules()
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def queries_in(source: str) -> list[str]:
    """Where ``source`` reaches the ORM directly, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{node.lineno}: .objects")
        elif isinstance(node, ast.Name) and node.id in SHORTCUTS:
            found.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.alias) and node.name in SHORTCUTS:
            found.append(f"{node.lineno}: {node.name}")
    return sorted(found)


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_a_view_module_reads_only_through_selectors(module):
    assert queries_in((Path(PROJECT_ROOT) / module).read_text()) == []


def test_every_kind_of_view_module_is_found():
    assert {"comments/views/thread.py", "comments/export_views.py"} <= set(VIEW_MODULES)
    assert {"comments/digests/views.py", "comments/digests/api/views.py"} <= set(VIEW_MODULES)


def test_the_check_sees_a_query_in_a_view():
    source = (
        "from django.shortcuts import get_object_or_404\n"
        "def view(request):\n"
        "    return Comment.objects.filter(pk=1), get_object_or_404(Draft, slug='x')\n"
    )
    assert queries_in(source) == ["1: get_object_or_404", "3: .objects", "3: get_object_or_404"]
