"""Views read through selectors: no page or API view of accounts, drafts or comments reaches
the ORM itself (a model's ``objects``, or Django's ``get_object_or_404`` shortcuts), so every
query, its prefetching and who may see its rows are decided in ``selectors.py``."""

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

VIEW_MODULES = [
    "accounts/views.py",
    "accounts/api/views.py",
    "drafts/views.py",
    "drafts/api/views.py",
    "comments/views.py",
    "comments/api/views.py",
]
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


def test_the_check_sees_a_query_in_a_view():
    source = (
        "from django.shortcuts import get_object_or_404\n"
        "def view(request):\n"
        "    return Comment.objects.filter(pk=1), get_object_or_404(Draft, slug='x')\n"
    )
    assert queries_in(source) == ["1: get_object_or_404", "3: .objects", "3: get_object_or_404"]
