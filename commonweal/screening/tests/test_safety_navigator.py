"""The crisis safety protocol in a navigator's screening: checklist, follow-up, alerts, audit."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from commonweal.accounts.models import AuditEvent, Membership, User
from commonweal.referrals.tests.people_fixtures import make_person
from commonweal.screening import safety
from commonweal.screening.models import SafetyContact, SafetyFollowUp, SafetyStep, Screening
from commonweal.screening.tests.answers import NO, YES, asq, phq9


def _url(person, code: str = "phq-9") -> str:
    return reverse("screening:person_screen", args=[person.pk, code])


def _submit(client, person, data: dict, code: str = "phq-9"):
    html = client.get(_url(person, code)).content.decode()
    token = re.search(r'name="submission" value="([0-9a-f]{32})"', html).group(1)
    return client.post(_url(person, code), {**data, "submission": token}), token


@pytest.fixture
def safety_contact(organization):
    user = User.objects.create_user(
        username="sol.safety", email="sol@example.org", password="x" * 12
    )
    Membership.objects.create(user=user, organization=organization, role="navigator")
    SafetyContact.objects.create(organization=organization, user=user)
    return user


@pytest.mark.django_db
def test_item_9_not_at_all_opens_no_follow_up(client, navigator, person, mailoutbox) -> None:
    client.force_login(navigator)
    response, _ = _submit(client, person, phq9(first_eight=2, item9=0))
    assert response["Location"] == Screening.objects.get().get_absolute_url()
    assert not SafetyFollowUp.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item_9_above_zero_goes_to_the_safety_checklist_before_any_score(
    client, navigator, organization, person, item9, django_capture_on_commit_callbacks
) -> None:
    client.force_login(navigator)
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = _submit(client, person, phq9(first_eight=2, item9=item9))
    follow_up = SafetyFollowUp.objects.get()
    assert response["Location"] == follow_up.get_absolute_url()
    assert follow_up.person == person and follow_up.organization == organization
    assert follow_up.status == "open" and not follow_up.acute
    assert follow_up.due_at > timezone.now()
    main = client.get(response["Location"]).content.decode().split('<main id="main"', 1)[1]
    first_section = main.index("<section")
    assert main[first_section:].startswith('<section class="crisis-takeover crisis-takeover-staff"')
    assert first_section < main.index("<h1") < main.index("Checklist")
    assert "Safety protocol: suicide risk" in main
    for score_words in ("Score:", "of 27", "Positive screen", "Moderate", "Severe"):
        assert score_words not in main
    for step in (
        "Ask about current thoughts",
        "Ask about a plan",
        "Ask about access to means",
        "Do not leave the person alone",
        "Warm hand-off",
    ):
        assert step in main


@pytest.mark.django_db
def test_a_resubmitted_form_opens_one_follow_up_and_sends_one_alert(
    client, navigator, person, safety_contact, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    client.force_login(navigator)
    with django_capture_on_commit_callbacks(execute=True):
        first, token = _submit(client, person, phq9(first_eight=1, item9=1))
        second = client.post(_url(person), {**phq9(first_eight=1, item9=1), "submission": token})
    assert Screening.objects.count() == 1
    assert SafetyFollowUp.objects.count() == 1
    assert (
        first["Location"] == second["Location"] == SafetyFollowUp.objects.get().get_absolute_url()
    )
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_safety_contact_gets_an_email_with_a_link_and_nothing_else(
    client, navigator, person, safety_contact, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    client.force_login(navigator)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, person, phq9(first_eight=1, item9=3))
    follow_up = SafetyFollowUp.objects.get()
    [email] = mailoutbox
    assert email.to == ["sol@example.org"]
    assert "http://testserver" + follow_up.get_absolute_url() in email.body
    for secret in (
        person.given_name,
        person.family_name,
        "PHQ",
        "item 9",
        "LA6571",
        "Nearly every day",
        "33130",
    ):
        assert secret not in email.body and secret not in email.subject
    assert follow_up.notified_user_ids == [safety_contact.pk] and not follow_up.notified_fallback
    html = client.get(follow_up.get_absolute_url()).content.decode()
    assert "safety contact was notified: sol.safety" in html
    # The safety contact sees it in their in-app list too.
    client.force_login(safety_contact)
    listing = client.get(reverse("screening:follow_up_list")).content.decode()
    assert follow_up.get_absolute_url() in listing and "you are the safety contact" in listing


@pytest.mark.django_db
def test_without_a_safety_contact_coalition_admins_and_navigators_are_told_and_the_page_says_so(
    client,
    navigator,
    coalition_admin,
    partner_staff,
    person,
    mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    User.objects.filter(pk__in=[navigator.pk, coalition_admin.pk, partner_staff.pk]).update(
        email="staff@example.org"
    )
    User.objects.filter(pk=coalition_admin.pk).update(email="cora@example.org")
    client.force_login(navigator)
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = _submit(client, person, phq9(item9=2))
    follow_up = SafetyFollowUp.objects.get()
    assert follow_up.notified_fallback
    assert set(follow_up.notified_user_ids) == {navigator.pk, partner_staff.pk, coalition_admin.pk}
    # Those who can act get the follow-up's link; the coalition admin, who cannot open it,
    # is asked to name safety contacts instead.
    alert, notice = sorted(mailoutbox, key=lambda message: message.to)[::-1]
    assert alert.to == ["staff@example.org"]
    assert follow_up.get_absolute_url() in alert.body
    assert notice.to == ["cora@example.org"]
    assert follow_up.get_absolute_url() not in notice.body
    assert reverse("screening:safety_contacts") in notice.body
    html = client.get(response["Location"]).content.decode()
    assert "has no designated safety contact" in html
    assert "cora.admin" in html and "nina.navigator" in html
    assert reverse("screening:safety_contacts") in html


@pytest.mark.django_db
def test_an_acute_asq_is_an_emergency_follow_up_due_now(client, navigator, person) -> None:
    client.force_login(navigator)
    response, _ = _submit(client, person, asq(q1=YES, q5=YES), code="asq")
    follow_up = SafetyFollowUp.objects.get()
    assert follow_up.acute and follow_up.due_at <= timezone.now()
    html = client.get(response["Location"]).content.decode()
    assert "Emergency: acute suicide risk" in html
    assert "Do not leave them alone" in html
    assert 'href="tel:911"' in html


@pytest.mark.django_db
def test_a_non_acute_asq_asks_for_a_safety_assessment_not_an_emergency(
    client, navigator, person
) -> None:
    client.force_login(navigator)
    response, _ = _submit(client, person, asq(q2=YES, q5=NO), code="asq")
    follow_up = SafetyFollowUp.objects.get()
    assert not follow_up.acute
    main = client.get(response["Location"]).content.decode().split('<main id="main"', 1)[1]
    assert "Safety protocol: suicide risk" in main
    assert "Emergency: acute" not in main and "Do not leave them alone" not in main


@pytest.mark.django_db
def test_an_asq_positive_without_question_5_says_to_ask_it(client, navigator, person) -> None:
    client.force_login(navigator)
    response, _ = _submit(client, person, asq(q1=YES), code="asq")
    assert (
        "Question 5 was not answered. Ask it now"
        in client.get(response["Location"]).content.decode()
    )


@pytest.mark.django_db
def test_each_checklist_step_is_recorded_with_time_and_person_in_the_audit_log(
    client, navigator, person
) -> None:
    client.force_login(navigator)
    response, _ = _submit(client, person, phq9(item9=1))
    follow_up = SafetyFollowUp.objects.get()
    for step, outcome in (("thoughts", "no"), ("plan", "no"), ("means", "yes"), ("handoff", "988")):
        result = client.post(
            follow_up.get_absolute_url(),
            {
                "action": "step",
                "step_code": step,
                f"{step}-outcome": outcome,
                f"{step}-note": "Talked it through" if step == "means" else "",
            },
        )
        assert result.status_code == 302
    steps = list(
        SafetyStep.objects.filter(follow_up=follow_up).values_list("step", "outcome", "recorded_by")
    )
    assert steps == [
        ("thoughts", "no", navigator.pk),
        ("plan", "no", navigator.pk),
        ("means", "yes", navigator.pk),
        ("handoff", "988", navigator.pk),
    ]
    events = AuditEvent.objects.filter(
        object_id=str(follow_up.pk), detail__has_key="safety_step"
    ).order_by("at", "id")
    assert [e.detail["safety_step"] for e in events] == ["thoughts", "plan", "means", "handoff"]
    for event in events:
        assert event.actor == navigator and event.at is not None
        assert event.person_id == str(person.pk)
        # Which step only: never the outcome or the note (health data, free text).
        assert set(event.detail) == {"safety_step", "step_id"}
    follow_up.refresh_from_db()
    assert follow_up.status == "in_progress"
    html = client.get(follow_up.get_absolute_url()).content.decode()
    assert "Recorded at" in html and "Connected to 988" in html


@pytest.mark.django_db
def test_a_bad_checklist_post_is_an_error_and_records_nothing(client, navigator, person) -> None:
    client.force_login(navigator)
    _submit(client, person, phq9(item9=1))
    follow_up = SafetyFollowUp.objects.get()
    html = client.post(
        follow_up.get_absolute_url(),
        {"action": "step", "step_code": "plan", "plan-outcome": "maybe"},
    ).content.decode()
    assert 'role="alert"' in html and "Select a valid choice" in html
    unknown = client.post(follow_up.get_absolute_url(), {"action": "step", "step_code": "dance"})
    assert unknown.status_code == 302
    assert not SafetyStep.objects.exists()


@pytest.mark.django_db
def test_a_checklist_shown_again_with_errors_is_a_logged_read(client, navigator, person) -> None:
    client.force_login(navigator)
    _submit(client, person, phq9(item9=1))
    follow_up = SafetyFollowUp.objects.get()
    reads = AuditEvent.objects.filter(action="view", object_id=str(follow_up.pk))
    before = reads.count()
    client.post(
        follow_up.get_absolute_url(),
        {"action": "step", "step_code": "plan", "plan-outcome": "maybe"},
    )
    assert reads.count() == before + 1


@pytest.mark.django_db
def test_a_superuser_outside_the_care_team_may_read_but_never_act(
    client, navigator, person, superuser
) -> None:
    client.force_login(navigator)
    _submit(client, person, phq9(item9=1))
    follow_up = SafetyFollowUp.objects.get()
    client.force_login(superuser)
    assert client.get(follow_up.get_absolute_url()).status_code == 200
    for data in (
        {"action": "step", "step_code": "plan", "plan-outcome": "yes"},
        {"action": "note", "note": "checked in"},
        {"action": "close"},
    ):
        assert client.post(follow_up.get_absolute_url(), data).status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.status != "closed" and not SafetyStep.objects.exists()


@pytest.mark.django_db
def test_closing_the_follow_up_is_logged_and_stops_further_steps(client, navigator, person) -> None:
    client.force_login(navigator)
    _submit(client, person, phq9(item9=1))
    follow_up = SafetyFollowUp.objects.get()
    client.post(follow_up.get_absolute_url(), {"action": "note", "note": "Called back, safe."})
    client.post(follow_up.get_absolute_url(), {"action": "close"})
    follow_up.refresh_from_db()
    assert follow_up.status == "closed" and follow_up.closed_by == navigator
    assert AuditEvent.objects.filter(
        object_id=str(follow_up.pk), detail__safety_protocol="closed"
    ).exists()
    client.post(
        follow_up.get_absolute_url(),
        {"action": "step", "step_code": "plan", "plan-outcome": "no"},
    )
    assert SafetyStep.objects.filter(step="plan").count() == 0
    assert (
        client.get(reverse("screening:follow_up_list"))
        .content.decode()
        .count(follow_up.get_absolute_url())
        == 0
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_org_staff", "analyst", "coalition_admin", "resident"])
def test_the_follow_up_is_hidden_outside_the_care_team(
    client, request, navigator, person, who
) -> None:
    client.force_login(navigator)
    _submit(client, person, phq9(item9=2))
    follow_up = SafetyFollowUp.objects.get()
    client.force_login(request.getfixturevalue(who))
    assert client.get(follow_up.get_absolute_url()).status_code == 404
    assert client.post(follow_up.get_absolute_url(), {"action": "close"}).status_code == 404
    listing = client.get(reverse("screening:follow_up_list"))
    assert listing.status_code in (200, 403)
    assert follow_up.get_absolute_url() not in listing.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


@pytest.mark.django_db
def test_anonymous_visitors_cannot_reach_a_follow_up(client, navigator, person) -> None:
    client.force_login(navigator)
    _submit(client, person, phq9(item9=2))
    follow_up = SafetyFollowUp.objects.get()
    client.logout()
    response = client.get(follow_up.get_absolute_url())
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_another_organisations_follow_ups_stay_out_of_the_list(
    client, navigator, other_org_staff, other_organization
) -> None:
    theirs = make_person(other_organization, given_name="Tess")
    client.force_login(other_org_staff)
    _submit(client, theirs, phq9(item9=3))
    client.force_login(navigator)
    html = client.get(reverse("screening:follow_up_list")).content.decode()
    assert "Tess" not in html and "No open safety follow-ups." in html


@pytest.mark.django_db
def test_a_coalition_admin_designates_a_navigator_as_safety_contact(
    client, coalition_admin, navigator, analyst, organization
) -> None:
    client.force_login(coalition_admin)
    page = client.get(reverse("screening:safety_contacts")).content.decode()
    assert "No safety contact designated." in page and "nina.navigator" in page
    assert "ana.analyst" not in page
    client.post(
        reverse("screening:safety_contacts"),
        {"organization": organization.pk, "action": "add", "user": analyst.pk},
    )
    assert not SafetyContact.objects.exists()
    client.post(
        reverse("screening:safety_contacts"),
        {"organization": organization.pk, "action": "add", "user": navigator.pk},
    )
    contact = SafetyContact.objects.get()
    assert contact.user == navigator
    assert AuditEvent.objects.filter(
        object_type="screening.safetycontact", action="create"
    ).exists()


@pytest.mark.django_db
def test_only_coalition_admins_choose_safety_contacts(client, navigator, organization) -> None:
    client.force_login(navigator)
    assert client.get(reverse("screening:safety_contacts")).status_code == 403
    response = client.post(
        reverse("screening:safety_contacts"),
        {"organization": organization.pk, "action": "add", "user": navigator.pk},
    )
    assert response.status_code == 403
    assert not SafetyContact.objects.exists()


@pytest.mark.django_db
def test_a_mail_server_that_never_answers_does_not_hold_the_checklist(
    client,
    navigator,
    person,
    safety_contact,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
) -> None:
    # A server that accepts the connection and then says nothing (no SMTP greeting).
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    monkeypatch.setattr(safety, "ALERT_EMAIL_TIMEOUT_SECONDS", 0.5)
    client.force_login(navigator)
    # Without a timeout the alert would wait until the server hangs up (here after 4 s,
    # so a regression fails rather than hanging the suite).
    hang_up = threading.Timer(4, silent.close)
    hang_up.start()
    started = time.monotonic()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response, _ = _submit(client, person, phq9(item9=2))
    finally:
        hang_up.cancel()
        silent.close()
    assert time.monotonic() - started < 3
    follow_up = SafetyFollowUp.objects.get()
    assert response["Location"] == follow_up.get_absolute_url()
    # The in-app list still tells the safety contact.
    client.force_login(safety_contact)
    listing = client.get(reverse("screening:follow_up_list")).content.decode()
    assert follow_up.get_absolute_url() in listing
