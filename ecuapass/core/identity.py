"""RUC and cédula validation over python-stdnum.

Rules (see docs/adr/0003-ruc-validation.md):

* Cédula (10 digits) and natural-person RUC (third digit 0–5): strict — length,
  province (01–24, 30), check digit, establishment ≠ 000.
* Public-sector RUC (third digit 6): strict as well; stdnum's public check
  digit, with the natural-person reading as the fallback it allows.
* Company RUC (third digit 9): length, province and establishment are strict;
  a check-digit failure is *accepted with a warning*, because SRI has issued
  company RUCs whose modulo-11 digit does not verify since the numbering ran out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.ec import ci as stdnum_ci
from stdnum.ec import ruc as stdnum_ruc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

VALID_PROVINCES = {f"{n:02d}" for n in range(1, 25)} | {"30"}


@dataclass(frozen=True)
class IdCheck:
    """The outcome of a RUC/cédula check: the compact number and any warnings."""

    number: str
    kind: str  # "cedula", "ruc_natural", "ruc_publico", "ruc_sociedad"
    warnings: list[str] = field(default_factory=list)


def _compact(value: str) -> str:
    return "".join(ch for ch in str(value or "") if not ch.isspace() and ch not in "-.")


def _check_common(number: str, length: int, label) -> None:
    if not number.isdigit():
        raise ValidationError(_("El %(campo)s solo admite dígitos.") % {"campo": label}, "format")
    if len(number) != length:
        raise ValidationError(
            _("El %(campo)s debe tener %(n)s dígitos.") % {"campo": label, "n": length}, "length"
        )
    if number[:2] not in VALID_PROVINCES:
        raise ValidationError(
            _("Numero de %(campo)s no es correcto: código de provincia inválido.")
            % {"campo": label},
            "province",
        )


def validate_cedula(value: str) -> IdCheck:
    number = _compact(value)
    _check_common(number, 10, _("cédula"))
    if not stdnum_ci.is_valid(number):
        raise ValidationError(_("Número de cédula no es correcto."), "checksum")
    return IdCheck(number=number, kind="cedula")


def validate_ruc(value: str) -> IdCheck:
    number = _compact(value)
    _check_common(number, 13, "RUC")
    third = number[2]
    establishment = number[-4:] if third == "6" else number[-3:]
    if set(establishment) == {"0"}:
        raise ValidationError(
            _("Numero de RUC no es correcto: el establecimiento no puede ser %(e)s.")
            % {"e": establishment},
            "establishment",
        )
    if third in "012345":
        if not stdnum_ci.is_valid(number[:10]):
            raise ValidationError(_("Numero de RUC no es correcto."), "checksum")
        return IdCheck(number=number, kind="ruc_natural")
    if third == "6":
        try:
            stdnum_ruc.validate(number)
        except StdnumError as exc:
            raise ValidationError(_("Numero de RUC no es correcto."), "checksum") from exc
        return IdCheck(number=number, kind="ruc_publico")
    if third == "9":
        try:
            stdnum_ruc.validate(number)
        except InvalidChecksum:
            return IdCheck(
                number=number,
                kind="ruc_sociedad",
                warnings=[
                    str(
                        _(
                            "El dígito verificador del RUC %(ruc)s no cuadra; SRI no lo garantiza"
                            " para sociedades. Verifique el número con el SRI."
                        )
                        % {"ruc": number}
                    )
                ],
            )
        except StdnumError as exc:
            raise ValidationError(_("Numero de RUC no es correcto."), "invalid") from exc
        return IdCheck(number=number, kind="ruc_sociedad")
    raise ValidationError(
        _("Numero de RUC no es correcto: el tercer dígito %(d)s no existe.") % {"d": third},
        "third_digit",
    )


def validate_ruc_or_cedula(value: str) -> IdCheck:
    """A RUC (13 digits) or a cédula (10 digits), as the login's RUC field accepts."""
    number = _compact(value)
    if len(number) == 10:
        return validate_cedula(number)
    return validate_ruc(number)


def ruc_validator(value: str) -> None:
    """Model/form field validator (warnings are not errors)."""
    validate_ruc(value)


def cedula_validator(value: str) -> None:
    validate_cedula(value)
