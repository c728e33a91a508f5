"""The leads' demo step, visibility of leads to salespeople, and the trash."""

import datetime

from django.urls import reverse
from django.utils import timezone

from kliento.core.models import AuditEntry
from kliento.core.tenancy import active_organization
from kliento.demo.generate import load_demo
from kliento.leads import services
from kliento.leads.models import Lead, LeadStatus
from tests.leads.factories import LeadFactory


def test_the_demo_has_leads_in_every_status_and_a_few_waiting_for_hours(db):
    result = load_demo(contacts=20, companies=5, leads=40)

    with active_organization(result.organization.pk):
        assert set(Lead.objects.values_list("status", flat=True)) == set(LeadStatus.values)
        hours_ago = timezone.now() - datetime.timedelta(hours=3)
        waiting = Lead.objects.filter(queue_rank=Lead.QueueRank.AWAITING, created_at__lt=hours_ago)
        assert waiting.count() >= 2
        assert Lead.objects.filter(status="disqualified", disqualify_reason__isnull=True).exists() is False
        assert AuditEntry.objects.filter(record_type="leads.lead").count() == 40


def test_the_demo_adds_no_lead_twice(db):
    load_demo(contacts=5, companies=2, leads=10)
    result = load_demo(contacts=5, companies=2, leads=10)

    with active_organization(result.organization.pk):
        assert Lead.objects.count() == 10


def test_with_limited_visibility_a_salesperson_sees_only_their_teams_leads(bob_client, alice, bob):
    alice.organization.record_visibility = "own_and_team"
    alice.organization.save()
    mine = LeadFactory(organization=alice.organization, name="Bobs lead", owner=bob.user)
    theirs = LeadFactory(organization=alice.organization, name="Alices lead", owner=alice.user)

    inbox = bob_client.get(reverse("leads:lead-list")).content.decode()

    assert "Bobs lead" in inbox and "Alices lead" not in inbox
    assert bob_client.get(reverse("leads:lead-detail", args=[theirs.pk])).status_code == 404
    assert bob_client.get(reverse("leads:lead-detail", args=[mine.pk])).status_code == 200


def test_a_trashed_lead_is_restored_from_the_trash_page(alice_client, alice):
    lead = services.create_lead(member=alice, data={"name": "Ada"})
    services.delete_lead(lead=lead, member=alice)

    page = alice_client.get(reverse("core:trash")).content.decode()

    assert "Ada" in page
    alice_client.post(reverse("core:trash-restore", args=["leads.lead", lead.pk]))
    assert Lead.objects.filter(pk=lead.pk).exists()
