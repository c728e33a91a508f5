from tests.gadgets.factories import GadgetFactory
from tests.gadgets.models import Gadget
from tests.isolation import IsolationCase, register

register(IsolationCase(model=Gadget, make=lambda organization: GadgetFactory(organization=organization)))
