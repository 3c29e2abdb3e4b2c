"""Settings of the export trámite, each overridable in the environment's settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def regimenes() -> tuple[str, ...]:
    """Export regímenes a DAE may declare (40 definitiva, 50 temporal para reimportación en el
    mismo estado, 51 temporal para perfeccionamiento pasivo)."""
    return tuple(getattr(settings, "ECUAPASS_DAE_REGIMENES", ("40", "50", "51")))


def tolerancia_peso_pct() -> Decimal:
    """Difference of weight (ingreso, manifest vs DAE) beyond which it is a novedad."""
    return Decimal(str(getattr(settings, "ECUAPASS_EXPORT_TOLERANCIA_PESO_PCT", "5")))


def perecederos() -> tuple[str, ...]:
    """Subpartida prefixes of perishables (bananas, shrimp, fish, flowers) whose aforo has a
    maximum time (``perecederos_horas``)."""
    return tuple(
        getattr(
            settings,
            "ECUAPASS_EXPORT_PERECEDEROS",
            ("0803", "0306", "0302", "0303", "0603", "0604", "0810"),
        )
    )


def perecederos_horas() -> int:
    return int(getattr(settings, "ECUAPASS_EXPORT_PERECEDEROS_HORAS", 4))


def plazo_manifiesto_horas() -> int:
    """The manifest is transmitted within this term after departure (a late one is flagged)."""
    return int(getattr(settings, "ECUAPASS_MANIFIESTO_EXPORT_PLAZO_HORAS", 12))


def plazo_regularizacion_dias() -> int:
    return int(getattr(settings, "ECUAPASS_REGULARIZACION_DIAS", 30))


def aviso_regularizacion_dias() -> int:
    """Days before the deadline when the exporter is reminded."""
    return int(getattr(settings, "ECUAPASS_REGULARIZACION_AVISO_DIAS", 5))
