import factory

from kliento.customers.models import Company, Contact, CustomField, LifecycleStage, Tag, display_name
from kliento.customers.services import company_search_text, contact_search_text, sort_key
from tests.factories import OrganizationFactory, TenantFactory


class CompanyFactory(TenantFactory):
    """A company written straight to the database (services are tested on their own)."""

    class Meta:
        model = Company

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Company {n}")
    lifecycle_stage = LifecycleStage.LEAD
    sort_name = factory.LazyAttribute(lambda company: sort_key(company.name))
    search_text = factory.LazyAttribute(lambda company: company_search_text(Company(name=company.name)))


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    lifecycle_stage = LifecycleStage.LEAD
    sort_name = factory.LazyAttribute(
        lambda contact: sort_key(display_name(contact.first_name, contact.last_name))
    )
    search_text = factory.LazyAttribute(
        lambda contact: contact_search_text(
            Contact(first_name=contact.first_name, last_name=contact.last_name), [], [], ""
        )
    )


class TagFactory(TenantFactory):
    class Meta:
        model = Tag

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class CustomFieldFactory(TenantFactory):
    class Meta:
        model = CustomField

    organization = factory.SubFactory(OrganizationFactory)
    entity = CustomField.Entity.CONTACT
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Field {n}")
    field_type = CustomField.FieldType.TEXT
