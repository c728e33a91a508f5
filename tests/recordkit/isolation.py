from django.urls import reverse

from tests.isolation import IsolationCase, Request, register
from tests.recordkit.models import Specimen

register(
    IsolationCase(
        model=Specimen,
        make=lambda organization: Specimen.unscoped.create(organization=organization, name="Theirs"),
        pages=(
            Request("get", lambda specimen: reverse("recordkit:specimen-detail", args=[specimen.pk])),
        ),  # the list and its bulk actions: tests/core/test_lists.py
    )
)
