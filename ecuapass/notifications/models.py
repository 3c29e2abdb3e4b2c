"""Buzón de notificaciones electrónicas.

A ``Notification`` goes to a user's BUZÓN PERSONAL (``user``), to the shared
mailbox of a código de OCE (``oce_code``: every user granted that code sees
it), or to both. Read state is per user (``NotificationRead``) because an OCE
mailbox is shared. Notices are written by ``services.notify`` only and are
never edited or deleted by users.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    SECURITY = "seguridad", _("Seguridad de la cuenta")
    COMMUNIQUE = "comunicado", _("Comunicado")
    EDOC = "edoc", _("e-Doc")
    DECLARATION = "declaracion", _("Declaración")
    PAYMENT = "pago", _("Pagos y garantías")
    VUE = "vue", _("Ventanilla Única")
    SYSTEM = "sistema", _("Sistema")
    OTHER = "otro", _("Otro")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user, oce_code=None):
        """The notices a user may read: their BUZÓN PERSONAL plus the active OCE's mailbox.

        ``oce_code`` must already be checked as usable by the user (the session's
        active OCE does that); only that one OCE mailbox is included.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = models.Q(user=user)
        if oce_code is not None:
            condition |= models.Q(oce_code=oce_code)
        return self.filter(condition)

    def with_read_state(self, user):
        return self.annotate(
            is_read=models.Exists(
                NotificationRead.objects.filter(notification=models.OuterRef("pk"), user=user)
            )
        )

    def unread_for(self, user):
        return self.exclude(
            models.Exists(
                NotificationRead.objects.filter(notification=models.OuterRef("pk"), user=user)
            )
        )


class Notification(models.Model):
    sender = models.CharField(_("de"), max_length=120)
    subject = models.CharField(_("asunto"), max_length=250)
    body = models.TextField(_("mensaje"))
    category = models.CharField(
        _("categoría"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("buzón personal de"),
        db_index=False,  # notif_user_date leads with it (tests/test_indexes.py)
    )
    oce_code = models.ForeignKey(
        "accounts.OceCode",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("buzón del código de OCE"),
        db_index=False,  # notif_oce_date leads with it (tests/test_indexes.py)
    )
    related_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    related_url = models.CharField(_("enlace"), max_length=500, blank=True)
    related_label = models.CharField(_("referencia"), max_length=250, blank=True)
    created_on = models.DateTimeField(_("fecha"), default=timezone.now)
    # A notice written with ``notify(kind=…, params=…)`` keeps its message templates (Spanish
    # source strings) and parameters here and is rendered in the reader's language when read
    # (``rendering``); ``subject``/``body`` hold its Spanish text (search, e-mail, old readers).
    kind = models.CharField(_("tipo de aviso"), max_length=80, blank=True, default="")
    message = models.JSONField(_("mensaje y parámetros"), default=dict, blank=True)
    emailed_on = models.DateTimeField(_("enviado por correo el"), null=True, blank=True)
    # Its e-mail copy waits for the mailer loop (``tasks.send_due``); cleared when sent.
    email_due = models.BooleanField(_("correo pendiente"), default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        ordering = ["-created_on", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_on", "-id"], name="notif_user_date"),
            models.Index(fields=["oce_code", "-created_on", "-id"], name="notif_oce_date"),
            # The mailer's queue: only the notices whose e-mail is due are in it.
            models.Index(fields=["id"], condition=models.Q(email_due=True), name="notif_email_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(oce_code__isnull=False),
                name="notif_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def display_subject(self) -> str:
        """The subject in the active language (``rendering.subject``)."""
        from .rendering import subject

        return subject(self)

    @property
    def display_body(self) -> str:
        from .rendering import body

        return body(self)

    @property
    def category_label(self) -> str:
        """The category's label; codes written by older callers map to their category."""
        from .rendering import category_label

        return category_label(self.category)

    @property
    def recipient_label(self) -> str:
        """What the Destinatario column shows."""
        if self.user_id:
            return str(_("BUZÓN PERSONAL"))
        return str(_("BUZÓN OCE %(code)s")) % {"code": self.oce_code.code}


def attachment_path(instance, filename: str) -> str:
    return f"buzon/{instance.notification_id}/{filename}"


class NotificationAttachment(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("archivo"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("nombre"), max_length=200)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("adjunto")
        verbose_name_plural = _("adjuntos")

    def __str__(self) -> str:
        return self.name


class NotificationRead(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_reads",
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    read_on = models.DateTimeField(_("leído el"), default=timezone.now)

    class Meta:
        verbose_name = _("lectura")
        verbose_name_plural = _("lecturas")
        constraints = [
            models.UniqueConstraint(fields=["user", "notification"], name="uniq_notif_read")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} leyó {self.notification_id}"
