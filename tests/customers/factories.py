import factory

from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import store_custom_values
from kliento.core.tenancy import active_organization
from kliento.customers.models import Company, Contact, CustomerEntity, LifecycleStage, Tag, display_name
from kliento.customers.search import cjk_grams
from kliento.customers.services import company_search_text, contact_search_text, sort_key
from tests.factories import OrganizationFactory, TenantFactory


def add_tags(record: Contact | Company, *tags: Tag) -> None:
    """Put tags on a record straight in its link table, as a factory would (services are tested on
    their own)."""
    record.tags.add(*tags, through_defaults={"organization_id": record.organization_id})


def index_unique_values(record: Contact | Company, create: bool, extracted: object, **kwargs: object) -> None:
    """As the services do on every write: index the record's custom values (filters, unique fields)."""
    if create and record.custom_fields:
        entity = CustomerEntity.CONTACT if isinstance(record, Contact) else CustomerEntity.COMPANY
        fields = CustomField.unscoped.filter(organization_id=record.organization_id, entity=entity)
        with active_organization(record.organization_id):
            store_custom_values(record, list(fields))


class CompanyFactory(TenantFactory):
    """A company written straight to the database (services are tested on their own)."""

    class Meta:
        model = Company
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Company {n}")
    lifecycle_stage = LifecycleStage.LEAD
    sort_name = factory.LazyAttribute(lambda company: sort_key(company.name))
    search_text = factory.LazyAttribute(lambda company: company_search_text(Company(name=company.name)))
    search_grams = factory.LazyAttribute(lambda company: cjk_grams(company.search_text))
    unique_values = factory.PostGeneration(index_unique_values)


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

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
    search_grams = factory.LazyAttribute(lambda contact: cjk_grams(contact.search_text))
    unique_values = factory.PostGeneration(index_unique_values)


class TagFactory(TenantFactory):
    class Meta:
        model = Tag

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class CustomFieldFactory(TenantFactory):
    class Meta:
        model = CustomField

    organization = factory.SubFactory(OrganizationFactory)
    entity = CustomerEntity.CONTACT
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Field {n}")
    field_type = CustomField.FieldType.TEXT
