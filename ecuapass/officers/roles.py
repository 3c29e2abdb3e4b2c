"""The SENAE officers' roles (not ``is_staff``): who may do what in the portal interno.

Each role is also an actor of the documents' lifecycles (``edocs.lifecycle.register_actor``,
in ``OfficersConfig.ready``): a transition that names ``Role.TECNICO`` among its actors may be
fired by an active officer holding that role in the document's distrito.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TECNICO = "tecnico_aforador", _("Técnico operador / aforador")
    SUPERVISOR = "supervisor", _("Supervisor de distrito")
    ANALISTA = "analista_riesgo", _("Analista de riesgo")
    ADMIN = "administrador", _("Administrador")


# Roles whose holders act in every distrito, whatever distritos they are assigned to.
ALL_DISTRITOS = frozenset({Role.ADMIN})
