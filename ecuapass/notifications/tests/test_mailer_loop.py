"""Issue 16 §1: one mailer loop over the notices whose e-mail is due, not one job per notice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from ecuapass.accounts.models import User
from ecuapass.accounts.tests.factories import (
    GrantFactory,
    OceCodeFactory,
    UserFactory,
    company_with_codes,
)
from ecuapass.notifications import tasks
from ecuapass.notifications.models import Notification
from ecuapass.notifications.services import mailbox_addresses, notify
from ecuapass.notifications.tasks import send_due, send_notification_email
from ecuapass.notifications.tests.test_rendering import _notice


def _mailer_jobs():
    return DBTaskResult.objects.filter(task_path=send_notification_email.module_path)


def _notify(rep, subject):
    return notify(sender="SENAE", subject=subject, body="x", category="otro", user=rep)


@pytest.mark.django_db
def test_one_mailer_job_per_transaction_sends_every_due_notice_exactly_once():
    _operator, rep, _codes = company_with_codes({"16": 1})
    notices = [_notify(rep, f"Aviso {i}") for i in range(4)]
    assert _mailer_jobs().count() == 1  # four notices, one transaction: one job
    assert all(n.email_due for n in Notification.objects.filter(pk__in=[n.pk for n in notices]))
    job = _mailer_jobs().get()
    assert send_notification_email.call(*job.args_kwargs["args"]) == 1
    assert sorted(m.subject for m in mail.outbox) == [f"Aviso {i}" for i in range(4)]
    for notice in Notification.objects.filter(pk__in=[n.pk for n in notices]):
        assert notice.emailed_on is not None and not notice.email_due
    # The job rerun, another mailer's loop, a notice's own call: nothing is sent twice.
    assert send_notification_email.call(*job.args_kwargs["args"]) == 0
    assert send_due() == 0
    assert send_notification_email.call(notices[2].pk) == 0
    assert len(mail.outbox) == 4


class FailingBackend(locmem.EmailBackend):
    """The mail server refuses the message whose subject is "Aviso 1"; counts its connections."""

    opened = 0

    def open(self):
        FailingBackend.opened += 1
        return super().open()

    def send_messages(self, messages):
        if any(m.subject == "Aviso 1" for m in messages):
            raise ConnectionRefusedError("mail server away")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_failing_delivery_keeps_what_went_out_sent_and_the_rest_due(settings):
    _operator, rep, _codes = company_with_codes({"16": 1})
    notices = [_notify(rep, f"Aviso {i}") for i in range(3)]
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(ConnectionRefusedError):
        send_due()  # the job fails: core.jobs retries it
    assert [m.subject for m in mail.outbox] == ["Aviso 0"]
    due = set(Notification.objects.filter(email_due=True).values_list("subject", flat=True))
    assert due == {"Aviso 1", "Aviso 2"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due() == 2  # the retry sends the rest, Aviso 0 not again
    assert sorted(m.subject for m in mail.outbox) == ["Aviso 0", "Aviso 1", "Aviso 2"]
    assert notices


@pytest.mark.django_db
def test_a_round_goes_over_one_connection_in_a_fixed_number_of_statements(
    settings, django_assert_num_queries
):
    """Sending 10 or 40 notices (personal and to a shared mailbox, with a link) costs the same
    statements: the due notices with their mailboxes (and whether they have attachments), one
    mailbox's addresses, the update; and the round's e-mails go over one connection."""
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    _operator, rep, codes = company_with_codes({"16": 1})
    for n in (5, 20):
        for i in range(n):
            notice = _notify(rep, f"P{i}")
            notify(sender="SENAE", subject=f"O{i}", body="y", category="otro", oce_code=codes[0])
        Notification.objects.filter(pk=notice.pk).update(related_url="/x/", related_label="X")
        FailingBackend.opened = 0
        mail.outbox.clear()
        with django_assert_num_queries(3 + 2 * _savepoints()):
            assert send_due(rounds=1) == 2 * n
        assert FailingBackend.opened == 1
        assert len(mail.outbox) == 2 * n


@pytest.mark.django_db
def test_attachments_are_read_only_for_the_notices_that_have_them(django_assert_num_queries):
    _operator, rep, _codes = company_with_codes({"16": 1})
    _notify(rep, "Sin adjunto")
    notify(
        sender="SENAE",
        subject="Con adjunto",
        body="x",
        category="otro",
        user=rep,
        attachments=[("a.txt", b"uno"), ("b.pdf", b"%PDF", "application/pdf")],
    )
    # The due notices, the attachments of the one that has them, the update (personal notices:
    # the address is the user's, read with the notice).
    with django_assert_num_queries(3 + 2 * _savepoints()):
        assert send_due() == 2
    by_subject = {m.subject: m for m in mail.outbox}
    assert by_subject["Sin adjunto"].attachments == []
    assert by_subject["Con adjunto"].attachments == [
        ("a.txt", "uno", "text/plain"),
        ("b.pdf", b"%PDF", "application/pdf"),
    ]


def test_headers_folded_once_give_the_same_bytes_as_djangos_own():
    long_subject = "DAI ACEPTADA – declaración " + "muy larga " * 12
    for subject in ["Código «X»", long_subject, "Plain ASCII", long_subject]:  # 2nd time: cached
        fields = {
            "subject": subject,
            "body": "Línea\n" * 3,
            "from_email": "ECUAPASS <no-responder@ecuapass.local>",
            "bcc": ["a@example.com"],
            "headers": {"Date": "Sun, 06 Dec 2026 14:26:37 -0000", "Message-ID": "<1@x>"},
        }
        ours, django = tasks._Email(**fields), EmailMessage(**fields)
        for message in (ours, django):
            message.attach("a.txt", b"uno", "text/plain")
        ours, django = ours.message(), django.message()
        assert ours.policy is not django.policy
        for mime in (ours, django):
            mime.set_boundary("limite")
        assert ours.as_bytes() == django.as_bytes()
        assert ours.as_string() == django.as_string()


def _savepoints() -> int:
    """The round's transaction is a savepoint inside the test's (2 statements where supported)."""
    from django.db import connection

    return 1 if connection.features.uses_savepoints else 0


@pytest.mark.django_db
def test_the_e_mail_text_is_exactly_the_notices_in_spanish():
    _operator, rep, codes = company_with_codes({"16": 1})
    at = dt.datetime(2026, 3, 1, 15, 4, 5, tzinfo=dt.UTC)
    with translation.override("en"):  # written while an English user acts
        personal = _notice(rep, created_on=at)  # the rendering tests' DAI ACEPTADA notice
        notify(
            sender="SISTEMA",
            subject="Código «X»",
            body="Línea 1\nLínea 2",
            category="otro",
            oce_code=codes[0],
            created_on=at,
        )
    Notification.objects.filter(pk=personal.pk).update(
        related_url="/edocs/7/", related_label="DAI 7"
    )
    with translation.override("en"):  # sent by a worker whose language is English
        assert send_due() == 2
    footer = (
        "--\nEste mensaje es una copia del buzón de notificaciones electrónicas de ECUAPASS. "
        "Consulte el buzón para ver los adjuntos y el historial.\n\n"
    )
    by_subject = {m.subject: m for m in mail.outbox}
    assert by_subject["DAI ACEPTADA - 028-2026-10-00000001"].body == (
        "De: SENAE\nDestinatario: BUZÓN PERSONAL\nFecha: 01/03/2026 10:04:05\n"
        "Asunto: DAI ACEPTADA - 028-2026-10-00000001\n\n"
        "Total 47.860,00 al 01/03/2026 (Aceptado).\n\n"
        "Referencia: DAI 7 (/edocs/7/)\n\n" + footer
    )
    oce = by_subject["Código «X»"]
    assert oce.body == (
        f"De: SISTEMA\nDestinatario: BUZÓN OCE {codes[0].code}\nFecha: 01/03/2026 10:04:05\n"
        "Asunto: Código «X»\n\nLínea 1\nLínea 2\n\n" + footer
    )
    assert oce.bcc == [rep.email] and oce.from_email == "ECUAPASS <no-responder@ecuapass.local>"
    assert "Subject: =?utf-8?b?Q8OzZGlnbyDCq1jCuw==?=" in oce.message().as_string()


@pytest.mark.django_db
def test_a_notice_rolled_back_with_its_savepoint_takes_its_job_along_only_if_it_enqueued_it():
    _operator, rep, _codes = company_with_codes({"16": 1})
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(rep, "Perdido")
        raise RuntimeError
    assert _mailer_jobs().count() == 0 and not Notification.objects.exists()
    kept = _notify(rep, "Guardado")  # the transaction enqueues its job anew
    assert _mailer_jobs().count() == 1
    send_notification_email.call(kept.pk)
    assert [m.subject for m in mail.outbox] == ["Guardado"]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_adds_its_notices_to_a_waiting_mailer_job_or_enqueues_one():
    _operator, rep, _codes = company_with_codes({"16": 1})
    with transaction.atomic():
        for i in range(3):
            _notify(rep, f"Lote A {i}")
    with transaction.atomic():
        for i in range(2):
            _notify(rep, f"Lote B {i}")
    assert _mailer_jobs().count() == 1  # B's notices go with A's job, still waiting
    first = _mailer_jobs().get()
    first.claim("w1")  # a worker takes it: the next transaction enqueues a job of its own
    with transaction.atomic():
        _notify(rep, "Lote C")
    assert _mailer_jobs().count() == 2
    send_notification_email.call(*first.args_kwargs["args"])  # one loop sends all three
    assert len(mail.outbox) == 6
    for job in _mailer_jobs():
        send_notification_email.call(*job.args_kwargs["args"])
    assert len(mail.outbox) == 6


@pytest.mark.django_db(transaction=True)
def test_a_waiting_job_holding_a_transactions_notices_is_not_taken_before_they_commit():
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("row locks (on SQLite the transaction's writes hold the whole database)")
    _operator, rep, _codes = company_with_codes({"16": 1})
    _notify(rep, "Antes")
    taken = []

    def worker_claims():  # what db_worker does, on its own connection
        try:
            with transaction.atomic():
                taken.append(DBTaskResult.objects.ready().get_locked())
        finally:
            connections.close_all()

    with transaction.atomic():
        _notify(rep, "Durante")  # held by the waiting job
        thread = threading.Thread(target=worker_claims)
        thread.start()
        thread.join()
    assert taken == [None]  # the worker skipped it while the notice was uncommitted
    assert _mailer_jobs().count() == 1
    thread = threading.Thread(target=worker_claims)
    thread.start()
    thread.join()
    assert taken[1] is not None and taken[1].task_path == send_notification_email.module_path


@pytest.mark.django_db(transaction=True)
def test_only_a_mailer_job_ready_to_run_takes_a_transactions_notices():
    _operator, rep, _codes = company_with_codes({"16": 1})
    _notify(rep, "A")
    later = timezone.now() + dt.timedelta(minutes=5)  # a retry waiting out its backoff
    _mailer_jobs().update(run_after=later)
    _notify(rep, "B")
    assert _mailer_jobs().count() == 2
    _mailer_jobs().update(status="FAILED")
    _notify(rep, "C")
    assert _mailer_jobs().count() == 3
    _notify(rep, "D")  # C's job waits, ready to run: it sends D too
    assert _mailer_jobs().count() == 3
    assert send_due() == 4


@pytest.mark.django_db
def test_a_rounds_oce_mailboxes_addresses_are_read_in_one_statement(django_assert_num_queries):
    """Who shares a mailbox: the users granted its code (approved), the representatives of its
    operator; active (and not suspended) users with an e-mail. One statement for a round's."""
    operator, rep, codes = company_with_codes({"16": 2})
    employee = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="emp")
    GrantFactory(user=employee, oce_code=codes[0])
    for username, extra, approved in [
        ("pendiente", {}, False),
        ("inactivo", {"is_active": False}, True),
        ("suspendido", {"state": User.State.SUSPENDED}, True),
        ("sincorreo", {"email": ""}, True),
    ]:
        user = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username=username, **extra)
        GrantFactory(user=user, oce_code=codes[1], approved=approved)
    other = OceCodeFactory()  # another operator's code, its representative
    other_rep = UserFactory(operator=other.registration.operator, username="rep2")
    with django_assert_num_queries(1):
        found = mailbox_addresses([codes[0].pk, codes[1].pk, other.pk, codes[0].pk])
    assert found == {
        codes[0].pk: sorted([rep.email, employee.email]),
        codes[1].pk: [rep.email],
        other.pk: [other_rep.email],
    }
    for code in (*codes, other):
        notify(sender="SENAE", subject=code.code, body="x", category="otro", oce_code=code)
    with django_assert_num_queries(3 + 2 * _savepoints()):  # notices, addresses, update
        assert send_due() == 3
    assert {m.subject: sorted(m.bcc) for m in mail.outbox} == {
        code.code: found[code.pk] for code in (*codes, other)
    }


def _about(code, subject, related, **extra):
    return notify(
        sender="SENAE",
        subject=subject,
        body=f"Texto {subject}",
        category="edoc",
        oce_code=code,
        related=related,
        **extra,
    )


@pytest.mark.django_db
def test_a_rounds_notices_about_one_document_to_one_mailbox_go_in_one_e_mail():
    """A DAI's acceptance, canal and cierre, written by one batch to the filer's mailbox, are
    one e-mail (ADR 0023): the first notice's subject with how many notices it copies, each
    notice's text in order, one footer. Notices about no document, another document or to
    another mailbox keep an e-mail each; every notice is marked sent."""
    _operator, rep, codes = company_with_codes({"16": 2})
    at = dt.datetime(2026, 3, 1, 15, 4, 5, tzinfo=dt.UTC)
    document, other = codes  # any model instance can be what a notice is about
    accepted = _about(codes[0], "ACEPTADA", document, created_on=at)
    _about(codes[0], "Sin documento", None)
    _about(codes[0], "CANAL", document, created_on=at)
    _about(codes[0], "Otro documento", other)
    notify(
        sender="SENAE", subject="Personal", body="p", category="edoc", user=rep, related=document
    )
    _about(codes[0], "CERRADO", document, created_on=at)
    assert send_due() == 6
    assert [m.subject for m in mail.outbox] == [
        "ACEPTADA (3 avisos)",
        "Sin documento",
        "Otro documento",
        "Personal",
    ]
    grouped = mail.outbox[0]
    assert grouped.bcc == [rep.email]

    def text(subject):  # a código de OCE has no page: no "Referencia" line
        return (
            f"De: SENAE\nDestinatario: BUZÓN OCE {codes[0].code}\nFecha: 01/03/2026 10:04:05\n"
            f"Asunto: {subject}\n\nTexto {subject}\n"
        )

    assert accepted.related_url == ""
    assert grouped.body == (
        f"{text('ACEPTADA')}\n* * *\n\n{text('CANAL')}\n* * *\n\n{text('CERRADO')}\n--\n"
        "Este mensaje es una copia del buzón de notificaciones electrónicas de ECUAPASS. "
        "Consulte el buzón para ver los adjuntos y el historial.\n\n"
    )
    assert not Notification.objects.filter(email_due=True).exists()
    assert Notification.objects.filter(emailed_on__isnull=True).count() == 0
    assert send_notification_email.call(accepted.pk) == 0  # sent: not again


class FailingGroupBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        if any("avisos" in m.subject for m in messages):
            raise ConnectionRefusedError("mail server away")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_failed_e_mail_of_one_documents_notices_keeps_them_all_due(settings):
    _operator, _rep, codes = company_with_codes({"16": 1})
    _about(codes[0], "Antes", None)
    for subject in ("ACEPTADA", "CANAL"):
        _about(codes[0], subject, codes[0])
    settings.EMAIL_BACKEND = f"{__name__}.FailingGroupBackend"
    with pytest.raises(ConnectionRefusedError):
        send_due()
    assert [m.subject for m in mail.outbox] == ["Antes"]
    due = Notification.objects.filter(email_due=True).values_list("subject", flat=True)
    assert sorted(due) == ["ACEPTADA", "CANAL"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due() == 2
    assert [m.subject for m in mail.outbox] == ["Antes", "ACEPTADA (2 avisos)"]


@pytest.mark.django_db
def test_a_grouped_e_mail_carries_the_attachments_of_all_its_notices():
    _operator, _rep, codes = company_with_codes({"16": 1})
    _about(codes[0], "ACEPTADA", codes[0], attachments=[("dai.pdf", b"%PDF-1", "application/pdf")])
    _about(codes[0], "CANAL", codes[0])
    _about(codes[0], "CERRADO", codes[0], attachments=[("acta.txt", b"acta")])
    assert send_due() == 3
    [message] = mail.outbox
    assert message.subject == "ACEPTADA (3 avisos)"
    assert message.attachments == [
        ("dai.pdf", b"%PDF-1", "application/pdf"),
        ("acta.txt", "acta", "text/plain"),
    ]
