import pytest

from kliento.core.records.kinds import UnknownKind, all_kinds, get_kind, kind_of_model
from kliento.customers.models import Company, Contact


def test_customers_register_contacts_and_companies_as_kinds():
    assert [kind.key for kind in all_kinds()][:2] == ["contact", "company"]
    assert get_kind("contact").model is Contact
    assert kind_of_model(Company).key == "company"


def test_a_kind_links_to_its_records(db):
    assert get_kind("contact").url_of(Contact(pk=7)) == "/contacts/7/"


def test_an_unregistered_kind_is_refused():
    with pytest.raises(UnknownKind):
        get_kind("spaceship")
