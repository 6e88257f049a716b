from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from commonweal.partnerships.models import Feedback

SENT = {"topic": "access", "text": "The pantry closes before my shift ends at 6."}


@pytest.mark.django_db
def test_anyone_sends_feedback_without_an_account(client) -> None:
    response = client.post(reverse("partnerships:feedback"), SENT)
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert "crisis-first" not in response.content.decode()
    feedback = Feedback.objects.get()
    assert feedback.text == SENT["text"] and feedback.status == "new"


@pytest.mark.django_db
def test_the_words_are_encrypted_at_rest(client) -> None:
    client.post(reverse("partnerships:feedback"), SENT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM partnerships_feedback")
        (raw,) = cursor.fetchone()
    assert "pantry" not in raw


@pytest.mark.django_db
def test_words_that_signal_danger_put_crisis_help_first(client) -> None:
    response = client.post(
        reverse("partnerships:feedback"), {"topic": "other", "text": "I want to kill myself"}
    )
    html = response.content.decode()
    assert "crisis-first" in html and html.index("crisis-first") < html.index("<h1>Thank you")


@pytest.mark.django_db
def test_an_empty_message_is_refused(client) -> None:
    response = client.post(reverse("partnerships:feedback"), {"topic": "access", "text": " "})
    assert "text" in response.context["form"].errors
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_only_the_published_summary_reaches_the_public_page(client, coalition_admin) -> None:
    client.post(reverse("partnerships:feedback"), SENT)
    feedback = Feedback.objects.get()
    client.force_login(coalition_admin)
    review = reverse("partnerships:feedback_review", args=[feedback.pk])
    assert "closes before my shift" in client.get(review).content.decode()
    refused = client.post(review, {"status": "acted", "published": "on"})
    assert {"you_said", "we_did"} <= set(refused.context["form"].errors)
    client.post(
        review,
        {
            "status": "acted",
            "you_said": "The pantry closes too early for working people.",
            "we_did": "It now opens until 8 pm on Thursdays.",
            "published": "on",
        },
    )
    client.logout()
    page = client.get(reverse("partnerships:you_said_we_did")).content.decode()
    assert "closes too early" in page and "until 8 pm" in page
    assert "my shift" not in page  # never the resident's own words


@pytest.mark.django_db
def test_only_coalition_admins_read_the_messages(client, partner, partner_staff, analyst) -> None:
    client.post(reverse("partnerships:feedback"), SENT)
    feedback = Feedback.objects.get()
    for user in (partner_staff, analyst):
        client.force_login(user)
        assert client.get(reverse("partnerships:voice_review")).status_code == 403
        url = reverse("partnerships:feedback_review", args=[feedback.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"status": "closed"}).status_code == 403
    feedback.refresh_from_db()
    assert feedback.status == "new"
