"""Identity: operators (RUC), their OCE registrations and codes, users, grants.

* ``Operator`` — a company or person identified by its RUC.
* ``OceRegistration`` — one tipo de OCE held by an operator.
* ``OceCode`` — a código de OCE (8 digits, unique) under a registration.
* ``User`` — an ID Usuario, unique within its login RUC (the same ID may exist
  under another RUC). ``login_key`` = ``"<ruc>:<id usuario>"`` is Django's
  unique username field; people never type it.
* ``Grant`` — a código de OCE an employee may act as (the representative holds
  all of its operator's codes without grants).
* ``BrokerClient`` — a customs broker acting for a client operator.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecuapass.core.identity import ruc_validator
from ecuapass.core.models import AuditedModel
from ecuapass.core.process_cache import ProcessCache

_session_auth_hashes = ProcessCache(4096)  # (password hash, secret) -> User._get_session_auth_hash

oce_code_validator = RegexValidator(r"^\d{8}$", _("El código de OCE tiene 8 dígitos."))


class Operator(AuditedModel):
    class Kind(models.TextChoices):
        NATURAL = "natural", _("Persona natural")
        SOCIEDAD = "sociedad", _("Sociedad")
        PUBLICA = "publica", _("Entidad pública")

    class State(models.TextChoices):
        ACTIVE = "activo", _("Activo")
        SUSPENDED = "suspendido", _("Suspendido")

    ruc = models.CharField(_("RUC"), max_length=13, unique=True, validators=[ruc_validator])
    legal_name = models.CharField(_("razón social"), max_length=300)
    kind = models.CharField(_("tipo de persona"), max_length=10, choices=Kind.choices)
    address = models.CharField(_("dirección"), max_length=300, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.ACTIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("operador")
        verbose_name_plural = _("operadores")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return f"{self.ruc} - {self.legal_name}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class OceRegistration(AuditedModel):
    """A tipo de OCE held by an operator."""

    class State(models.TextChoices):
        ACTIVE = "activo", _("Activo")
        SUSPENDED = "suspendido", _("Suspendido")

    operator = models.ForeignKey(
        Operator,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("operador"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    oce_type = models.ForeignKey(
        "core.OceType", on_delete=models.PROTECT, related_name="+", verbose_name=_("tipo de OCE")
    )
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.ACTIVE
    )

    class Meta:
        verbose_name = _("registro de OCE")
        verbose_name_plural = _("registros de OCE")
        constraints = [
            models.UniqueConstraint(fields=["operator", "oce_type"], name="uniq_registration_type")
        ]

    def __str__(self) -> str:
        return f"{self.operator.ruc} / {self.oce_type.name}"


class OceCode(AuditedModel):
    """A código de OCE: 8 digits, unique in the system."""

    class State(models.TextChoices):
        ACTIVE = "activo", _("Activo")
        SUSPENDED = "suspendido", _("Suspendido")

    code = models.CharField(
        _("código de OCE"), max_length=8, unique=True, validators=[oce_code_validator]
    )
    registration = models.ForeignKey(
        OceRegistration, on_delete=models.CASCADE, related_name="codes", verbose_name=_("registro")
    )
    description = models.CharField(_("descripción"), max_length=200, blank=True)
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.ACTIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("código de OCE")
        verbose_name_plural = _("códigos de OCE")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def operator(self) -> Operator:
        return self.registration.operator

    @property
    def oce_type(self):
        return self.registration.oce_type

    @property
    def is_usable(self) -> bool:
        return (
            self.state == self.State.ACTIVE
            and self.registration.state == OceRegistration.State.ACTIVE
            and self.registration.operator.is_active
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    @staticmethod
    def make_login_key(ruc: str, username: str) -> str:
        return f"{ruc.strip()}:{username.strip().lower()}"

    def create_user(self, ruc: str, username: str, password: str | None = None, **extra):
        user = self.model(
            login_ruc=ruc.strip(),
            username=username.strip().lower(),
            login_key=self.make_login_key(ruc, username),
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, login_key: str, password: str | None = None, **extra):
        ruc, _, username = login_key.partition(":")
        extra.setdefault("kind", User.Kind.FUNCIONARIO)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(ruc, username or "admin", password, **extra)

    def get_by_natural_key(self, login_key):
        return self.get(login_key=login_key)


class User(AbstractBaseUser, PermissionsMixin):
    class Kind(models.TextChoices):
        REPRESENTANTE = "representante", _("Representante de Comercio Exterior")
        EMPLEADO = "empleado", _("Empleado")
        USUARIO_GENERAL = "general", _("Usuario General")
        ENTIDAD_PUBLICA = "entidad_publica", _("Representante de Entidad Pública")
        ORGANISMO = "organismo", _("Organismo Internacional")
        AUXILIAR = "auxiliar", _("Auxiliar")
        FUNCIONARIO = "funcionario", _("Funcionario público")
        AUDITOR = "auditor", _("Auditor")
        PERITO = "perito", _("Perito")

    class State(models.TextChoices):
        ACTIVE = "activo", _("Activo")
        PENDING = "pendiente", _("Pendiente de aprobación")
        SUSPENDED = "suspendido", _("Suspendido")

    login_ruc = models.CharField(
        _("RUC"), max_length=13, help_text=_("RUC del operador, o cédula del Usuario General.")
    )
    username = models.CharField(_("ID Usuario"), max_length=40)
    login_key = models.CharField(max_length=60, unique=True, editable=False)
    operator = models.ForeignKey(
        Operator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("operador"),
    )
    first_name = models.CharField(_("nombres"), max_length=150)
    last_name = models.CharField(_("apellidos"), max_length=150)
    id_number = models.CharField(_("cédula o pasaporte"), max_length=20, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    kind = models.CharField(_("clasificación de usuario"), max_length=20, choices=Kind.choices)
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.ACTIVE
    )
    is_active = models.BooleanField(_("activo"), default=True)
    is_staff = models.BooleanField(_("acceso al back office"), default=False)
    date_joined = models.DateTimeField(_("fecha de alta"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "login_key"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        constraints = [
            models.UniqueConstraint(fields=["login_ruc", "username"], name="uniq_user_per_ruc")
        ]

    def __str__(self) -> str:
        return f"{self.login_ruc} / {self.username}"

    def save(self, *args, **kwargs):
        self.username = self.username.strip().lower()
        self.login_key = UserManager.make_login_key(self.login_ruc, self.username)
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        """Django's HMAC of the password hash, kept per (password hash, secret): every signed-in
        request checks its session against it (two SHA-256 passes, ~8 us, issue 16). A new
        password or secret is a new key; the value is Django's own."""
        from django.conf import settings

        key = (self.password, settings.SECRET_KEY if secret is None else secret)
        value = _session_auth_hashes.get(key)
        if value is None:
            value = super()._get_session_auth_hash(secret=secret)
            _session_auth_hashes.set(key, value)
        return value

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def is_representative(self) -> bool:
        return self.kind == self.Kind.REPRESENTANTE


class Grant(AuditedModel):
    """A código de OCE an employee may act as; menu options live in portal."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", db_index=False)
    oce_code = models.ForeignKey(OceCode, on_delete=models.CASCADE, related_name="grants")
    all_options = models.BooleanField(
        _("todas las opciones"),
        default=False,
        help_text=_("Si está marcado, el usuario ve todas las opciones del menú de este código."),
    )
    approved = models.BooleanField(_("aprobado por el representante"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asignación de código de OCE")
        verbose_name_plural = _("asignaciones de códigos de OCE")
        constraints = [
            models.UniqueConstraint(fields=["user", "oce_code"], name="uniq_grant_user_code")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.oce_code}"


class BrokerClientQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Relations active and in force on ``on`` (today by default): the one rule for "acts for"."""
        on = on or timezone.localdate()
        return self.filter(active=True, valid_from__lte=on).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
        )


class BrokerClient(AuditedModel):
    """A customs broker (Agente de Aduana) acting for a client operator."""

    broker = models.ForeignKey(
        Operator,
        on_delete=models.CASCADE,
        related_name="clients",
        verbose_name=_("agente"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    client = models.ForeignKey(
        Operator, on_delete=models.CASCADE, related_name="brokers", verbose_name=_("cliente")
    )
    valid_from = models.DateField(_("vigencia desde"), default=timezone.localdate)
    valid_to = models.DateField(_("vigencia hasta"), null=True, blank=True)
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    objects = BrokerClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("cliente del agente de aduana")
        verbose_name_plural = _("clientes de agentes de aduana")
        constraints = [
            models.UniqueConstraint(fields=["broker", "client"], name="uniq_broker_client")
        ]

    def __str__(self) -> str:
        return f"{self.broker.ruc} → {self.client.ruc}"


class Lockout(models.Model):
    """A lockout of a login (RUC + ID Usuario) by django-axes, and its release.

    Lets the buzón receive exactly one "ALERTA DE BLOQUEO" per lockout and one
    "ALERTA DE DESBLOQUEO" when it ends (cool-off, an officer, or a reset).
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="lockouts",
        verbose_name=_("usuario"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    locked_on = models.DateTimeField(_("bloqueado el"), default=timezone.now)
    unlocks_on = models.DateTimeField(_("se desbloquea el"), null=True, blank=True)
    released_on = models.DateTimeField(_("desbloqueado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("bloqueo")
        verbose_name_plural = _("bloqueos")
        ordering = ["-locked_on"]
        indexes = [models.Index(fields=["user", "released_on"], name="lockout_user_open")]

    def __str__(self) -> str:
        return f"{self.user} {self.locked_on:%d/%m/%Y %H:%M}"


from .sessions import UserSession  # noqa: E402, F401  (the session table: accounts.sessions)
