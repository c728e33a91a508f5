"""Background jobs of the customers app; each makes its organization active on its first line."""

from huey.contrib.djhuey import db_task

from kliento.core.tenancy import active_organization


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]  # huey ships no types
def refresh_company_contacts(*, company_id: int, organization_id: int) -> None:
    """After a company's rename, its contacts' search text (which holds the company's name), in
    batches; safe to run twice, and it reads the name as stored when it runs."""
    from kliento.customers.services import refresh_contacts_of

    with active_organization(organization_id):
        after_id: int | None = 0
        while after_id is not None:
            after_id = refresh_contacts_of(company_id=company_id, after_id=after_id)
