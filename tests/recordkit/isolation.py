from django.urls import reverse

from kliento.core.models import Tag
from tests.isolation import IsolationCase, Request, register
from tests.recordkit.models import Specimen, SpecimenTag


def _specimen(organization):
    return Specimen.unscoped.create(organization=organization, name="Theirs", custom_fields={"serial": "X"})


def _tagged(organization):
    specimen = _specimen(organization)
    tag = Tag.unscoped.create(organization=organization, name="theirs")
    return SpecimenTag.unscoped.create(organization=organization, specimen=specimen, tag=tag)


register(
    IsolationCase(
        model=Specimen,
        make=_specimen,
        pages=(
            Request("get", lambda specimen: reverse("recordkit:specimen-detail", args=[specimen.pk])),
            Request("get", lambda specimen: reverse("core:record-card", args=["specimen", specimen.pk])),
            Request("get", lambda specimen: reverse("core:record-history", args=["specimen", specimen.pk])),
        ),  # the list and its bulk actions: tests/core/test_lists.py
    )
)
register(IsolationCase(model=SpecimenTag, make=_tagged))
