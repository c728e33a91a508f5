"""The worker job that recomputes every customer's purchase summary and lifecycle stage of one
organization from its orders, for after a load written past the services (an import, a repair).
Safe to run twice: a second run finds nothing to change."""

from __future__ import annotations

from kliento.core.jobs import organization_task


@organization_task(retries=2, retry_delay=60)
def recompute_purchase_summaries(*, organization_id: int) -> dict[str, dict[str, int]]:
    from kliento.orders.purchases import recompute_all_purchase_summaries

    outcome = recompute_all_purchase_summaries()
    return {"summaries": outcome.summaries, "moves": outcome.moves}
