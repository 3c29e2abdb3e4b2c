"""The DAI meets its cargo: the check behind the DAI's rule DAI-307 (``customs.rules``).

A DAI's MRN + MSN + HSN must name a transport document of an accepted manifest, consigned to
the importer, not declared by another DAI (``Descargo``), with the weight within the tolerance
of the ``ControlCarga`` in force and the same freight. A normal despacho needs the arrival;
a despacho anticipado only the manifest. The control applies from its ``vigente_desde``: cargo
declared as arrived before that date (the DAI's fecha de llegada) and naming no manifest of the
system is left to the old regime.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from ecuapass.edocs import batch

from .models import MASTER_HSN, ControlCarga, Descargo, DocumentoTransporte
from .services import accepted_manifest, documento_por_carga


def control_in_force(on) -> ControlCarga | None:
    """The ``ControlCarga`` in force on ``on`` (read once per date in a worker's batch)."""
    return batch.memo(
        ("carga.control", on),
        lambda: ControlCarga.objects.in_force(on).order_by("-vigente_desde").first(),
    )


# What DAI-307 found (and locked) for a DAI, for its discharge in the same document's processing.
_CHECKED = "carga.cargo"
_UNKNOWN = object()


def cargo_of(dai, *, manifest=None) -> DocumentoTransporte | None:
    """The transport document ``dai`` declares. In a worker's batch, the one its DAI-307
    check found and locked a moment ago while processing the same document (``edocs.batch``
    remembers it for that document only)."""
    checked = batch.recalled((_CHECKED, dai.pk), _UNKNOWN)
    if checked is not _UNKNOWN:
        return checked
    return documento_por_carga(dai.mrn, dai.msn, dai.hsn, manifest=manifest)


def _before_control(dai, control) -> bool:
    return bool(dai.fecha_llegada and dai.fecha_llegada < control.vigente_desde)


def dai_cargo_errors(dai, edoc, on) -> list[tuple[str, str]]:
    """(field, Spanish message) of every mismatch between the DAI and its manifested cargo."""
    control = control_in_force(on)
    if control is None:
        return []
    mrn = (dai.mrn or "").strip().upper()
    hsn = (dai.hsn or "").strip() or MASTER_HSN
    ref = f"{mrn}/{dai.msn}/{hsn}"
    if not mrn:
        if dai.tipo_despacho == "anticipado" and not _before_control(dai, control):
            return [
                (
                    "documento_transporte.mrn",
                    _("Un despacho anticipado declara el MRN del manifiesto de carga."),
                )
            ]
        return []
    manifest = accepted_manifest(mrn)
    if manifest is None:
        if _before_control(dai, control):
            return []
        return [
            (
                "documento_transporte.mrn",
                _("El MRN %(mrn)s no corresponde a un manifiesto de carga aceptado.")
                % {"mrn": mrn},
            )
        ]
    documento = cargo_of(dai, manifest=manifest)
    if documento is None:
        return [
            (
                "documento_transporte.msn",
                _(
                    "El manifiesto %(mrn)s no tiene el documento de transporte MSN %(msn)s "
                    "HSN %(hsn)s."
                )
                % {"mrn": mrn, "msn": dai.msn or "—", "hsn": hsn},
            )
        ]
    if hsn == MASTER_HSN and documento.hijos.exclude(hsn="").exists():
        return [
            (
                "documento_transporte.hsn",
                _(
                    "El documento madre %(ref)s fue desconsolidado: declare el HSN del "
                    "documento hijo."
                )
                % {"ref": ref},
            )
        ]
    if documento.consignatario_ruc != dai.importador_ruc:
        return [
            (
                "importador.ruc",
                _("La carga %(ref)s no está consignada al importador %(ruc)s.")
                % {"ref": ref, "ruc": dai.importador_ruc},
            )
        ]
    errors = []
    # Lock the document for the rest of the processing transaction: a concurrent DAI for the
    # same cargo waits here and then finds this one's discharge.
    DocumentoTransporte.objects.select_for_update().filter(pk=documento.pk).first()
    batch.remember((_CHECKED, dai.pk), documento)  # its discharge, if the DAI is accepted
    if Descargo.objects.filter(documento=documento).exclude(dai=edoc).exists():
        errors.append(
            (
                "documento_transporte.msn",
                _("La carga %(ref)s ya fue declarada en otra declaración.") % {"ref": ref},
            )
        )
    if dai.tipo_despacho == "normal" and manifest.fecha_llegada is None:
        errors.append(
            (
                "tipo_despacho",
                _(
                    "El medio de transporte del manifiesto %(mrn)s aún no llega: declare un "
                    "despacho anticipado."
                )
                % {"mrn": mrn},
            )
        )
    tolerance = documento.peso * control.tolerancia_peso_pct / Decimal(100)
    if abs(Decimal(dai.total_peso_bruto) - documento.peso) > tolerance:
        errors.append(
            (
                "totales.peso_bruto",
                _(
                    "El peso bruto declarado (%(d)s kg) no coincide con el manifestado "
                    "(%(m)s kg, tolerancia %(t)s %%)."
                )
                % {
                    "d": dai.total_peso_bruto,
                    "m": documento.peso,
                    "t": control.tolerancia_peso_pct,
                },
            )
        )
    if Decimal(dai.total_flete) != documento.flete:
        errors.append(
            (
                "totales.flete",
                _(
                    "El flete declarado (%(d)s USD) no es el del documento de transporte (%(m)s USD)."
                )
                % {"d": dai.total_flete, "m": documento.flete},
            )
        )
    return errors
