from decimal import Decimal

import factory
from django.utils import timezone

from kliento.deals.models import Deal, DealLine, LostReason, Pipeline, Stage, StageChange, StageKind
from tests.catalog.factories import ProductFactory
from tests.factories import OrganizationFactory, TenantFactory


class PipelineFactory(TenantFactory):
    class Meta:
        model = Pipeline

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Pipeline {n}")


class StageFactory(TenantFactory):
    class Meta:
        model = Stage

    organization = factory.SubFactory(OrganizationFactory)
    pipeline = factory.SubFactory(PipelineFactory, organization=factory.SelfAttribute("..organization"))
    name = factory.Sequence(lambda n: f"Stage {n}")
    kind = StageKind.OPEN
    position = factory.Sequence(lambda n: n)


class LostReasonFactory(TenantFactory):
    class Meta:
        model = LostReason

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Reason {n}")


class DealFactory(TenantFactory):
    """A deal written straight to the database (services are tested on their own)."""

    class Meta:
        model = Deal

    organization = factory.SubFactory(OrganizationFactory)
    stage = factory.SubFactory(StageFactory, organization=factory.SelfAttribute("..organization"))
    pipeline = factory.LazyAttribute(lambda deal: deal.stage.pipeline)
    title = factory.Sequence(lambda n: f"Deal {n}")
    position = factory.Sequence(lambda n: n * 1024)
    amount = Decimal("100.00")
    currency = "USD"
    rate = Decimal(1)
    amount_base = factory.LazyAttribute(lambda deal: deal.amount * deal.rate)
    status = factory.LazyAttribute(lambda deal: deal.stage.kind)
    stage_changed_at = factory.LazyFunction(timezone.now)


class DealLineFactory(TenantFactory):
    class Meta:
        model = DealLine

    organization = factory.SubFactory(OrganizationFactory)
    deal = factory.SubFactory(DealFactory, organization=factory.SelfAttribute("..organization"))
    product = factory.SubFactory(ProductFactory, organization=factory.SelfAttribute("..organization"))
    quantity = Decimal(1)
    unit_price = Decimal(10)
    amount = Decimal(10)


class StageChangeFactory(TenantFactory):
    class Meta:
        model = StageChange

    organization = factory.SubFactory(OrganizationFactory)
    deal = factory.SubFactory(DealFactory, organization=factory.SelfAttribute("..organization"))
    to_stage = factory.LazyAttribute(lambda change: change.deal.stage)


def sales_pipeline(
    organization, name: str = "Sales", *, is_default: bool = True
) -> tuple[Pipeline, dict[str, Stage]]:
    """A pipeline (the default one) with three open stages, one won and one lost."""
    pipeline = PipelineFactory(organization=organization, name=name, is_default=is_default)
    stages = {
        name: StageFactory(organization=organization, pipeline=pipeline, name=name, kind=kind, position=index)
        for index, (name, kind) in enumerate(
            [
                ("New", StageKind.OPEN),
                ("Proposal", StageKind.OPEN),
                ("Negotiation", StageKind.OPEN),
                ("Won", StageKind.WON),
                ("Lost", StageKind.LOST),
            ]
        )
    }
    return pipeline, stages
