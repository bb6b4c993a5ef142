"""Every visible field of the portal's forms has a label of its own, through gettext: a field
left without one is labelled by Django from its Python name, in English whatever the reader's
language ("Slug")."""

import importlib
import inspect

import pytest
from django import forms
from django.utils.functional import Promise

FORM_MODULES = (
    "accounts.forms",
    "accounts.views",
    "drafts.forms",
    "comments.forms",
    "comments.answer_forms",
    "comments.digests.forms",
)


def _forms() -> list[type[forms.Form]]:
    found = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.Form) and value.__module__ == name:
                found.append(value)
    return found


def test_the_forms_are_found():
    names = {form.__name__ for form in _forms()}
    assert {"CommentForm", "DraftCreateForm", "DigestRequestForm", "DispositionForm"} <= names


@pytest.mark.parametrize("form", _forms(), ids=lambda form: form.__name__)
def test_every_visible_field_has_a_translated_label(form: type[forms.Form]):
    unlabelled = [
        name
        for name, field in form.base_fields.items()
        if not field.widget.is_hidden and not isinstance(field.label, Promise)
    ]
    assert unlabelled == [], f"{form.__module__}.{form.__name__}"
