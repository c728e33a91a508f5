"""Background jobs of the customers app (core/jobs.py makes each job's organization active)."""

from kliento.core.jobs import organization_task


@organization_task(retries=3, retry_delay=60)
def refresh_company_contacts(*, company_id: int, organization_id: int) -> None:
    """After a company's rename, its contacts' search text (which holds the company's name), in
    batches; safe to run twice, and it reads the name as stored when it runs."""
    from kliento.customers.services import refresh_contacts_of

    after_id: int | None = 0
    while after_id is not None:
        after_id = refresh_contacts_of(company_id=company_id, after_id=after_id)
