import pytest
from django.urls import reverse

from kliento.web.links import url_maker


def test_url_maker_gives_what_reverse_gives_for_every_id():
    contact_url = url_maker("customers:contact-detail")

    for pk in (1, 42, 987654321, 10**12):
        assert contact_url(pk) == reverse("customers:contact-detail", args=[pk])


def test_url_maker_refuses_what_is_not_an_id():
    contact_url = url_maker("customers:contact-detail")

    with pytest.raises(ValueError):
        contact_url("1/../../admin")
