import factory

from tests.factories import OrganizationFactory, TenantFactory
from tests.gadgets.models import Gadget


class GadgetFactory(TenantFactory):
    class Meta:
        model = Gadget

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Gadget {n}")
