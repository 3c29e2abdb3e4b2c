"""notify(), the e-mail task, the inbox (Consultar), reading, and OCE scoping by URL and API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.accounts.models import User
from ecuapass.accounts.tests.factories import (
    GrantFactory,
    OceCodeFactory,
    UserFactory,
    company_with_codes,
    login,
)
from ecuapass.notifications.models import Category, Notification, NotificationRead
from ecuapass.notifications.services import notify, unread_count
from ecuapass.notifications.tasks import send_notification_email
from ecuapass.officers.tests.factories import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    operator, rep, codes = company_with_codes({"16": 2})
    employee = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="emp")
    GrantFactory(user=employee, oce_code=codes[0])
    return operator, rep, employee, codes


def test_notify_to_personal_mailbox_enqueues_email(company):
    operator, rep, employee, codes = company
    notice = notify(
        sender="SENAE", subject="Hola", body="Texto", category=Category.COMMUNIQUE, user=rep
    )
    assert notice.pk and notice.recipient_label == "BUZÓN PERSONAL"
    job = DBTaskResult.objects.get()
    assert job.queue_name == "notifications"
    assert job.args_kwargs["args"] == [notice.pk]
    assert send_notification_email.call(notice.pk) == 1
    assert mail.outbox[0].subject == "Hola"
    assert "Texto" in mail.outbox[0].body
    assert send_notification_email.call(notice.pk) == 0  # idempotent
    assert len(mail.outbox) == 1


def test_notify_to_oce_mailbox_emails_everyone_sharing_it(company):
    operator, rep, employee, codes = company
    other_employee = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="emp2")
    GrantFactory(user=other_employee, oce_code=codes[1])
    notice = notify(
        sender="SISTEMA",
        subject="DAI recibida",
        body="…",
        category=Category.EDOC,
        oce_code=codes[0],
    )
    assert send_notification_email.call(notice.pk) == 2
    assert sorted(mail.outbox[0].bcc) == sorted([rep.email, employee.email])


def test_notify_requires_a_recipient():
    with pytest.raises(ValueError):
        notify(sender="SENAE", subject="x", body="x", category="otro")


def test_notify_links_related_object_and_attachments(company):
    operator, rep, employee, codes = company

    class Related:
        pk = 7

        def __str__(self):
            return "Operador 7"

        def get_absolute_url(self):
            return "/algo/7/"

    related = operator  # a real model instance without get_absolute_url
    notice = notify(
        sender="SENAE",
        subject="Con adjuntos",
        body="Ver adjunto",
        category="otro",
        user=rep,
        related=related,
        attachments=[("liquidacion.txt", b"total 10.00"), ContentFile(b"abc", name="otro.pdf")],
    )
    assert notice.related == operator
    assert notice.related_label == str(operator)
    assert notice.related_url == ""
    assert [a.name for a in notice.attachments.order_by("name")] == ["liquidacion.txt", "otro.pdf"]
    send_notification_email.call(notice.pk)
    assert len(mail.outbox[0].attachments) == 2


def test_notify_rolls_back_with_its_transaction(company):
    from django.db import transaction

    operator, rep, employee, codes = company
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(sender="SENAE", subject="x", body="x", category="otro", user=rep)
        raise RuntimeError
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


def _notice(**kwargs):
    defaults = {"sender": "SENAE", "subject": "Asunto", "body": "Cuerpo", "category": "otro"}
    defaults.update(kwargs)
    return Notification.objects.create(**defaults)


def test_inbox_columns_order_and_unread_count(client, company):
    operator, rep, employee, codes = company
    base = timezone.make_aware(datetime(2026, 6, 20, 11, 9, 4))
    _notice(user=rep, subject="COMUNICADO DE ECUAPASS - ALERTA DE DESBLOQUEO", created_on=base)
    _notice(
        oce_code=codes[0],
        subject="Más nuevo",
        sender="SISTEMA",
        created_on=base + timedelta(hours=1),
    )
    _notice(oce_code=codes[1], subject="Otro código", created_on=base + timedelta(hours=2))
    login(client, rep, codes[0])
    html = client.get(reverse("notifications:inbox")).content.decode()
    for column in ("Estado", "De", "Destinatario", "Asunto", "Fecha", "Consultar"):
        assert column in html
    assert "20/06/2026 11:09:04" in html
    assert "BUZÓN PERSONAL" in html and f"BUZÓN OCE {codes[0].code}" in html
    assert "Otro código" not in html  # only the active OCE's mailbox
    assert html.index("Más nuevo") < html.index("ALERTA DE DESBLOQUEO")
    assert 'class="badge"' in html and ">2</span>" in html
    assert unread_count(rep, codes[0]) == 2


def test_inbox_filters(client, company):
    operator, rep, employee, codes = company
    day = timezone.make_aware(datetime(2026, 3, 10, 10, 0))
    read = _notice(user=rep, subject="Liquidación pagada", sender="SENAE", created_on=day)
    NotificationRead.objects.create(notification=read, user=rep)
    _notice(user=rep, subject="Aforo físico", sender="SISTEMA", created_on=day + timedelta(days=5))
    _notice(
        user=rep, subject="Aforo documental", sender="ARCSA", created_on=day + timedelta(days=9)
    )
    login(client, rep, codes[0])
    url = reverse("notifications:inbox")

    def subjects(**params):
        page = client.get(url, params).context["page"]
        return [n.subject for n in page.object_list]

    assert subjects(estado="leido") == ["Liquidación pagada"]
    assert subjects(estado="no_leido") == ["Aforo documental", "Aforo físico"]
    assert subjects(remitente="arc") == ["Aforo documental"]
    assert subjects(asunto="aforo") == ["Aforo documental", "Aforo físico"]
    assert subjects(desde="2026-03-11", hasta="2026-03-15") == ["Aforo físico"]
    assert subjects(desde="16/03/2026") == ["Aforo documental"]
    response = client.get(url, {"desde": "2026-03-20", "hasta": "2026-03-01", "asunto": "x"})
    html = response.content.decode()
    assert "Fecha hasta no puede ser anterior a la fecha desde." in html
    assert 'value="x"' in html  # the form comes back filled
    assert (
        "Fecha desde: ingrese una fecha válida"
        in client.get(url, {"desde": "ayer"}).content.decode()
    )


def test_inbox_is_paginated_in_the_database(client, company, django_assert_max_num_queries):
    operator, rep, employee, codes = company
    Notification.objects.bulk_create(
        Notification(
            user=rep,
            sender="SENAE",
            subject=f"Aviso {i:03d}",
            body="",
            category="otro",
            created_on=timezone.now() - timedelta(minutes=i),
        )
        for i in range(45)
    )
    login(client, rep, codes[0])
    client.get(reverse("notifications:inbox"))  # warm the frame's and the badge's caches
    # The page (the page's read state is one lookup), its count, the session, the user, one
    # read of the frame's cache and one of the badge's; independent of the mailbox size.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:inbox"), {"page": 3})
    page = response.context["page"]
    assert page.paginator.count == 45
    assert [n.subject for n in page.object_list] == [f"Aviso {i:03d}" for i in range(40, 45)]
    assert "Resultado: 45" in response.content.decode()


def test_opening_marks_read_for_that_user_only(client, company):
    operator, rep, employee, codes = company
    notice = _notice(oce_code=codes[0], subject="Compartido", body="Detalle del mensaje")
    login(client, employee, codes[0])
    html = client.get(reverse("notifications:detail", args=[notice.pk])).content.decode()
    assert "Detalle del mensaje" in html
    assert NotificationRead.objects.filter(notification=notice, user=employee).exists()
    assert unread_count(employee, codes[0]) == 0
    assert unread_count(rep, codes[0]) == 1  # the shared mailbox keeps per-user state


def test_detail_shows_link_and_attachment_download(client, company):
    operator, rep, employee, codes = company
    notice = notify(
        sender="SENAE",
        subject="Adjunto",
        body="x",
        category="otro",
        user=rep,
        attachments=[("aviso.txt", b"contenido", "text/plain")],
    )
    Notification.objects.filter(pk=notice.pk).update(related_url="/edocs/1/", related_label="DAI 1")
    login(client, rep, codes[0])
    html = client.get(reverse("notifications:detail", args=[notice.pk])).content.decode()
    assert 'href="/edocs/1/"' in html and "aviso.txt" in html
    attachment = notice.attachments.get()
    response = client.get(reverse("notifications:attachment", args=[notice.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"contenido"


def test_another_oce_or_user_notices_are_not_reachable_by_url(client, company):
    operator, rep, employee, codes = company
    other_operator, other_rep, other_codes = company_with_codes({"16": 1})
    theirs_oce = _notice(oce_code=other_codes[0], subject="Secreto OCE")
    theirs_personal = _notice(user=other_rep, subject="Secreto personal")
    own_second_code = _notice(oce_code=codes[1], subject="Del otro código propio")
    login(client, employee, codes[0])
    for notice in (theirs_oce, theirs_personal, own_second_code):
        assert client.get(reverse("notifications:detail", args=[notice.pk])).status_code == 404
    assert not NotificationRead.objects.exists()
    # Even the representative sees a code's mailbox only while acting as that code.
    login(client, rep, codes[0])
    assert client.get(reverse("notifications:detail", args=[own_second_code.pk])).status_code == 404
    login(client, rep, codes[1])
    assert client.get(reverse("notifications:detail", args=[own_second_code.pk])).status_code == 200


def test_api_lists_and_reads_scoped_notices(client, company):
    operator, rep, employee, codes = company
    other_operator, other_rep, other_codes = company_with_codes({"16": 1})
    mine = _notice(oce_code=codes[0], subject="Mío")
    _notice(user=employee, subject="Personal")
    theirs = _notice(oce_code=other_codes[0], subject="Ajeno")
    login(client, employee, codes[0])
    body = client.get("/api/v1/buzon/").json()
    assert body["count"] == 2
    assert {n["asunto"] for n in body["results"]} == {"Mío", "Personal"}
    assert {n["estado"] for n in body["results"]} == {"no_leido"}
    detail = client.get(f"/api/v1/buzon/{mine.pk}/").json()
    assert detail["mensaje"] == "Cuerpo" and detail["estado"] == "leido"
    response = client.get(f"/api/v1/buzon/{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    # Naming another operator's code is refused; naming a granted one works.
    response = client.get("/api/v1/buzon/", HTTP_X_OCE_CODE=other_codes[0].code)
    assert response.status_code == 403
    response = client.get(f"/api/v1/buzon/{theirs.pk}/", HTTP_X_OCE_CODE=other_codes[0].code)
    assert response.status_code == 403
    response = client.get("/api/v1/buzon/", {"desde": "nunca"})
    assert response.status_code == 400
    assert "desde" in response.json()["fields"]


def test_api_requires_login(client):
    assert client.get("/api/v1/buzon/").status_code in (401, 403)


def test_inbox_without_oce_shows_personal_only(client):
    citizen = UserFactory(
        operator=None, login_ruc="1710000009", username="ciudadano", kind=User.Kind.USUARIO_GENERAL
    )
    code = OceCodeFactory()
    _notice(user=citizen, subject="Bienvenido")
    _notice(oce_code=code, subject="De un OCE")
    login(client, citizen)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "Bienvenido" in html and "De un OCE" not in html


def test_notices_cannot_be_edited_or_deleted_in_admin(client):
    officer = UserFactory(
        operator=None,
        login_ruc="0968562020001",
        username="f",
        kind=User.Kind.FUNCIONARIO,
        is_staff=True,
        is_superuser=True,
    )
    notice = _notice(user=officer)
    login_verified(client, officer)
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200
    response = client.post(
        reverse("admin:notifications_notification_delete", args=[notice.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Notification.objects.filter(pk=notice.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_unread_badge_cache_follows_notify_and_reads():
    from ecuapass.notifications.services import mark_read, notify, unread_count

    operator, rep, codes = company_with_codes({"16": 1})
    assert unread_count(rep, codes[0]) == 0
    personal = notify(sender="SENAE", subject="A", body="", category="otro", user=rep)
    assert unread_count(rep, codes[0]) == 1
    notify(sender="SENAE", subject="B", body="", category="otro", oce_code=codes[0])
    assert unread_count(rep, codes[0]) == 2
    assert unread_count(rep, None) == 1  # the OCE mailbox is not counted without the OCE
    mark_read(personal, rep)
    assert unread_count(rep, codes[0]) == 1


@pytest.mark.django_db
def test_mailbox_merges_personal_and_oce_notices_newest_first(company):
    from ecuapass.notifications.selectors import Mailbox

    operator, rep, employee, codes = company
    now = timezone.now()
    for i in range(30):
        if i % 3 == 0:
            kwargs = {"oce_code": codes[0]}
        elif i % 3 == 1:
            kwargs = {"user": rep}
        else:
            kwargs = {"user": rep, "oce_code": codes[0]}  # both: listed once
        _notice(subject=f"N{i:02d}", created_on=now - timedelta(minutes=i), **kwargs)
    mailbox = Mailbox(rep, codes[0])
    assert mailbox.count() == 30
    assert [n.subject for n in mailbox[0:7]] == [f"N{i:02d}" for i in range(7)]
    assert [n.subject for n in mailbox[25:30]] == [f"N{i:02d}" for i in range(25, 30)]
    assert Mailbox(employee, codes[0]).count() == 20  # the OCE mailbox only
