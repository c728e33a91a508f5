import pytest
from django.core import mail
from django.urls import reverse

from kliento.core.models import AuditEntry, Invitation, Membership, Organization, Team, Throttle
from kliento.core.permissions import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, TeamFactory


def test_the_sign_in_page_answers(client, db):
    response = client.get(reverse("core:login"))

    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_signing_in_with_the_right_password_opens_the_home_page(client, alice):
    response = client.post(
        reverse("core:login"), {"email": "Alice@acme.test", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "Acme" in response.content.decode()


def test_a_wrong_password_is_a_form_error_and_is_counted(client, alice):
    response = client.post(reverse("core:login"), {"email": "alice@acme.test", "password": "nope"})

    assert response.status_code == 400
    assert "do not match" in response.content.decode()
    assert Throttle.objects.get(scope=Throttle.Scope.SIGN_IN, email="alice@acme.test").attempts == 1


def test_sign_in_from_the_failing_client_is_held_back_even_with_the_right_password(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _attempt in range(2):
        client.post(reverse("core:login"), {"email": "alice@acme.test", "password": "nope"})

    response = client.post(reverse("core:login"), {"email": "alice@acme.test", "password": PASSWORD})

    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_signed_in_user(client, db):
    response = client.get(reverse("web:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_signing_out_ends_the_session(alice_client):
    alice_client.post(reverse("core:logout"))

    assert alice_client.get(reverse("web:home")).status_code == 302


def test_a_password_reset_email_carries_a_working_link(client, alice, settings):
    client.post(reverse("core:password-reset"), {"email": "alice@acme.test"})

    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    response = client.get(link.removeprefix(settings.KLIENTO_BASE_URL), follow=True)
    assert response.context["validlink"] is True


def test_the_home_page_shows_the_organization_and_the_member(alice_client):
    response = alice_client.get(reverse("web:home"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Acme" in content and "Alice" in content


def test_a_user_without_organization_is_told_to_ask_for_an_invitation(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    response = client.get(reverse("web:home"))

    assert response.status_code == 403
    assert "not a member of any organization" in response.content.decode()


def test_the_owner_changes_organization_settings_in_the_page(alice_client, alice):
    data = {
        "name": "Acme Ltd",
        "base_currency": "EUR",
        "default_locale": "es",
        "time_zone": "Europe/Madrid",
        "default_region": "ES",
        "record_visibility": "own_and_team",
    }

    response = alice_client.post(reverse("core:organization-settings"), data)

    assert response.status_code == 302
    organization = Organization.objects.get(pk=alice.organization_id)
    assert (organization.name, organization.base_currency, organization.record_visibility) == (
        "Acme Ltd",
        "EUR",
        "own_and_team",
    )


def test_a_bad_currency_is_a_form_error_naming_the_field(alice_client, alice):
    response = alice_client.post(
        reverse("core:organization-settings"),
        {
            "name": "Acme",
            "base_currency": "euro",
            "default_locale": "en",
            "time_zone": "UTC",
            "default_region": "US",
            "record_visibility": "everyone",
        },
    )

    assert response.status_code == 400
    assert "base_currency" in response.context["form"].errors
    assert Organization.objects.get(pk=alice.organization_id).base_currency == "USD"


def test_a_salesperson_may_not_open_organization_settings(bob_client):
    assert bob_client.get(reverse("core:organization-settings")).status_code == 403


def test_the_members_page_lists_members_and_invites_by_email(alice_client, bob):
    response = alice_client.post(reverse("core:members"), {"email": "new@example.com", "role": Role.VIEWER})

    assert response.status_code == 302
    assert Invitation.objects.get().email == "new@example.com"
    assert "bob@acme.test" in alice_client.get(reverse("core:members")).content.decode()


def test_a_salesperson_sees_members_but_cannot_invite(bob_client):
    assert bob_client.get(reverse("core:members")).status_code == 200
    assert (
        bob_client.post(reverse("core:members"), {"email": "x@example.com", "role": "viewer"}).status_code
        == 403
    )
    assert Invitation.objects.exists() is False


def test_an_owner_changes_a_members_role_in_the_page(alice_client, bob):
    alice_client.post(reverse("core:member-change-role", args=[bob.pk]), {"role": Role.SALES_MANAGER})

    bob.refresh_from_db()
    assert bob.role == Role.SALES_MANAGER


def test_accepting_an_invitation_creates_the_user_and_signs_them_in(client, alice):
    from kliento.core.services import invite_member

    _invitation, token = invite_member(email="carol@example.com", role=Role.MARKETER, member=alice)

    response = client.post(
        reverse("core:invitation-accept", args=[token]),
        {"full_name": "Carol", "password": "a long passphrase 42"},
    )

    assert response.status_code == 302
    assert Membership.objects.get(user__email="carol@example.com").role == Role.MARKETER
    assert client.get(reverse("web:home")).status_code == 200


def test_an_unknown_invitation_link_says_it_is_not_valid(client, db):
    response = client.get(reverse("core:invitation-accept", args=["nope"]))

    assert response.status_code == 404


def test_creating_an_api_key_in_the_page_shows_the_secret_once(alice_client):
    response = alice_client.post(reverse("core:api-keys"), {"name": "Zapier", "role": Role.VIEWER})

    assert response.context["new_key"].startswith("kl_")
    assert response.context["new_key"] not in alice_client.get(reverse("core:api-keys")).content.decode()


def test_a_team_deleted_in_the_page_is_restored_from_the_trash_page(alice_client, alice):
    team = TeamFactory(organization=alice.organization, name="North")

    alice_client.post(reverse("core:team-delete", args=[team.pk]))
    assert "North" in alice_client.get(reverse("core:trash")).content.decode()
    alice_client.post(reverse("core:trash-restore", args=["core.team", team.pk]))

    assert Team.objects.filter(pk=team.pk).exists()


def test_a_salesperson_cannot_restore_from_the_trash(bob_client, alice):
    team = TeamFactory(organization=alice.organization, name="North")
    Team.unscoped.filter(pk=team.pk).update(deleted_at="2026-01-01T00:00:00Z")

    response = bob_client.post(reverse("core:trash-restore", args=["core.team", team.pk]))

    assert response.status_code == 403
    assert Team.objects.filter(pk=team.pk).exists() is False


def test_the_home_page_sums_up_recent_changes_and_links_to_the_audit_log(alice_client, alice, bob):
    from kliento.core.services import change_member_role

    change_member_role(membership=bob, role=Role.VIEWER, member=alice)

    content = alice_client.get(reverse("web:home")).content.decode()

    assert "Bob Brown" in content and "<bdi>Viewer</bdi>" not in content
    assert f'href="{reverse("core:audit-log")}"' in content


def test_the_audit_page_lists_changes(alice_client, alice, bob):
    from kliento.core.services import change_member_role

    change_member_role(membership=bob, role=Role.VIEWER, member=alice)

    response = alice_client.get(reverse("core:audit-log"))

    assert (
        "<bdi>Salesperson</bdi> "
        '<i class="bi bi-arrow-right" aria-hidden="true"></i><span class="visually-hidden">changed to</span> '
        "<bdi>Viewer</bdi>"
    ) in response.content.decode()


def test_a_member_of_two_organizations_switches_between_them(alice_client, alice, olga):
    MembershipFactory(organization=olga.organization, user=alice.user, role=Role.VIEWER)

    alice_client.post(reverse("web:switch-organization"), {"organization": olga.organization.slug})

    assert "Globex" in alice_client.get(reverse("web:home")).content.decode()


def test_switching_to_an_organization_one_is_not_a_member_of_does_nothing(alice_client, olga):
    alice_client.post(reverse("web:switch-organization"), {"organization": olga.organization.slug})

    assert "Globex" not in alice_client.get(reverse("web:home")).content.decode()


@pytest.mark.parametrize("language", ["ar"])
def test_arabic_pages_are_right_to_left(alice_client, language):
    alice_client.post(reverse("web:set-language"), {"language": language, "next": "/"})

    content = alice_client.get(reverse("web:home")).content.decode()

    assert f'lang="{language}" dir="rtl"' in content
    assert "bootstrap.rtl.min.css" in content


def test_english_pages_are_left_to_right(alice_client):
    content = alice_client.get(reverse("web:home")).content.decode()

    assert 'lang="en" dir="ltr"' in content


def test_the_chosen_language_is_remembered_for_the_user(alice_client, alice):
    alice_client.post(reverse("web:set-language"), {"language": "ru", "next": "/"})

    alice.user.refresh_from_db()
    assert alice.user.language == "ru"


def test_pages_send_a_content_security_policy_without_inline_script(alice_client):
    policy = alice_client.get(reverse("web:home"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_home_page_runs_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    for _member in range(5):
        MembershipFactory(organization=alice.organization)

    # 17, and Today's: the worker's heartbeat, tasks, meetings, the owner's team
    with django_assert_max_num_queries(22):
        alice_client.get(reverse("web:home"))


def test_page_changes_leave_audit_entries_naming_the_actor(alice_client, alice, bob):
    alice_client.post(reverse("core:member-remove", args=[bob.pk]))

    entry = AuditEntry.objects.get(record_type="core.membership", record_id=bob.pk)
    assert entry.actor == alice.user and entry.changes == {"is_active": [True, False]}
