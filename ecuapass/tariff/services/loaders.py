"""Loaders: the HS 2022 nomenclature, the dated tax rules, and arancel files.

All are idempotent: loading the same data twice reports everything unchanged.
The arancel file layout is documented in ``docs/arancel-format.md``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from ecuapass.core.loading import LoadReport, read_csv, upsert
from ecuapass.core.models import UnitOfMeasure
from ecuapass.core.spreadsheets import MB, ReadLimits, SpreadsheetError, read_xlsx, too_many_rows

from ..codes import CommodityCode, InvalidCommodityCode
from ..models import Commodity, Measure, Restriction, Section, TaxRule
from .search import reindex

DATA = Path(__file__).resolve().parent.parent / "data"
ROMAN = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
    "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI",
]  # fmt: skip


# --- HS nomenclature ---------------------------------------------------------------
def _is_artefact(row: dict[str, str]) -> bool:
    code = row["hscode"].strip()
    return row["section"].strip() == "TOTAL" or code == "TOTAL" or code.startswith("99")


def load_nomenclature(report: LoadReport, data_dir: Path = DATA, progress: bool = False) -> None:
    """Sections, chapters, headings and HS subheadings with English and Spanish texts."""
    titles = {row["codigo"]: row for row in read_csv(data_dir / "titulos_es.csv")}
    for row in read_csv(data_dir / "hs" / "sections.csv"):
        roman = row["section"].strip()
        title = titles.get(roman)
        en = row["name"].strip()
        upsert(
            Section,
            {"roman": roman},
            {
                "number": ROMAN.index(roman) + 1,
                "title_es": title["titulo"] if title else en,
                "title_en": en[:1].upper() + en[1:],
                "official_translation": False,
            },
            report,
        )
    sections = {s.roman: s for s in Section.objects.all()}
    rows = [r for r in read_csv(data_dir / "hs" / "harmonized-system.csv") if not _is_artefact(r)]
    rows.sort(key=lambda r: (int(r["level"]), r["hscode"]))
    existing = {c.code: c for c in Commodity.objects.filter(level__in=(2, 4, 6))}
    target = str(Commodity._meta.verbose_name_plural)
    fields = ["parent_id", "section_id", "description_es", "description_en", "text_source"]
    for level in (2, 4, 6):
        new, changed = [], []
        level_rows = [r for r in rows if int(r["level"]) == level]
        for row in tqdm(level_rows, desc=f"SA nivel {level}", disable=not progress):
            code = row["hscode"].strip()
            en = row["description"].strip()
            title = titles.get(code)
            if title and title["titulo"].strip():
                es, source = title["titulo"].strip(), title["fuente"].strip()
            else:
                es, source = en, Commodity.TextSource.ENGLISH
            parent = existing.get(row["parent"].strip()) if level > 2 else None
            if level > 2 and parent is None:
                report.add(target, "rejected")
                continue
            values = {
                "parent_id": parent.id if parent else None,
                "section_id": sections[row["section"].strip()].id,
                "description_es": es,
                "description_en": en,
                "text_source": source,
            }
            obj = existing.get(code)
            if obj is None:
                new.append(Commodity(code=code, level=level, **values))
                continue
            diff = [k for k, v in values.items() if getattr(obj, k) != v]
            if diff:
                for k in diff:
                    setattr(obj, k, values[k])
                changed.append(obj)
            else:
                report.add(target, "unchanged")
        for obj in Commodity.objects.bulk_create(new, batch_size=1000):
            existing[obj.code] = obj
        if not all(o.pk for o in new):  # backends that do not return ids
            existing.update({c.code: c for c in Commodity.objects.filter(level=level)})
        Commodity.objects.bulk_update(changed, fields, batch_size=1000)
        report.add(target, "inserted", len(new))
        report.add(target, "updated", len(changed))
    reindex()
    from ecuapass.tariff import version

    version.bump()  # bulk writes send no signals


def load_tax_rules(report: LoadReport, path: Path = DATA / "reglas_tributarias.csv") -> None:
    for row in read_csv(path):
        upsert(
            TaxRule,
            {
                "code": row["regla"],
                "iva_class": row["clase_iva"],
                "valid_from": date.fromisoformat(row["vigencia_desde"]),
            },
            {
                "rate": Decimal(row["tarifa"]) if row["tarifa"] else None,
                "base": row["base"],
                "valid_to": date.fromisoformat(row["vigencia_hasta"])
                if row["vigencia_hasta"]
                else None,
                "legal_basis": row["base_legal"],
                "description": row["descripcion"],
            },
            report,
        )


# --- arancel file ---------------------------------------------------------------------
@dataclass
class RowError:
    row: int
    code: str
    reason: str


@dataclass
class ArancelReport:
    """What an arancel load did: per row and per measure."""

    source: str = ""
    rows: dict[str, int] = field(
        default_factory=lambda: {"inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    )
    measures: dict[str, int] = field(
        default_factory=lambda: {
            "inserted": 0,
            "updated": 0,
            "unchanged": 0,
            "closed": 0,
            "deleted": 0,
        }
    )
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""  # the file was refused as a whole (too large, a bomb, unreadable)

    def reject(self, row: int, code: str, reason: str) -> None:
        self.rows["rejected"] += 1
        self.errors.append(RowError(row, code, str(reason)))

    def summary(self) -> str:
        r, m = self.rows, self.measures
        lines = [
            f"{self.source}: filas {r['inserted']} insertadas, {r['updated']} actualizadas, "
            f"{r['unchanged']} sin cambios, {r['rejected']} rechazadas",
            f"medidas: {m['inserted']} insertadas, {m['updated']} actualizadas, "
            f"{m['unchanged']} sin cambios, {m['closed']} cerradas, {m['deleted']} eliminadas",
        ]
        lines += [f"  fila {e.row} ({e.code or '-'}): {e.reason}" for e in self.errors]
        return "\n".join(lines)


class RowRejected(ValueError):
    pass


COLUMNS = {
    "codigo",
    "descripcion",
    "descripcion_en",
    "unidad",
    "vigencia_desde",
    "vigencia_hasta",
    "linea_vigencia_hasta",
    "base_legal",
    "ad_valorem",
    "especifico",
    "especifico_unidad",
    "ice_ad_valorem",
    "ice_especifico",
    "ice_especifico_unidad",
    "iva",
    "fodinfa",
    "salvaguardia",
    "restricciones",
    "prohibicion",
}
REQUIRED = {"codigo", "vigencia_desde", "base_legal"}
# An arancel upload: the official file has some 8,000 lines of about 20 columns. A file may
# weigh MAX_BYTES; reading it may cost no more than READ_LIMITS (empty rows and cells count).
MAX_BYTES = 50 * MB
READ_LIMITS = ReadLimits(max_rows=30_000, max_cells=500_000, max_uncompressed=100 * MB)


def _header(name) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def read_rows(fileobj, filename: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number as the user sees it, {column: value}) from a .csv or .xlsx upload."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        rows = read_xlsx(fileobj, READ_LIMITS)
        first = next(rows, None)
        headers = [_header(h) for h in first[1]] if first and first[0] == 1 else []
    else:
        rows = _csv_rows(fileobj)
        headers = [_header(h) for h in next(rows, (1, []))[1]]
    _check_headers(headers)
    for number, values in rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        yield number, dict(zip(headers, values, strict=False))


def _csv_rows(fileobj) -> Iterator[tuple[int, list[str]]]:
    """(line number, values), every line counted toward READ_LIMITS.max_rows, blank ones too."""
    raw = fileobj.read()
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(_("El archivo .csv no está en UTF-8."), "invalid") from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            if number > READ_LIMITS.max_rows:
                raise too_many_rows(READ_LIMITS.max_rows)
            yield number, values
    except csv.Error as exc:
        raise SpreadsheetError(
            _("El archivo .csv no se puede leer (línea %(n)d).") % {"n": reader.line_num},
            "invalid",
        ) from exc


def _check_headers(headers: list[str]) -> None:
    missing = REQUIRED - set(headers)
    if missing:
        raise ValueError(
            "Faltan columnas obligatorias en el archivo: " + ", ".join(sorted(missing))
        )


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(row: dict, key: str, required: bool = False) -> date | None:
    value = row.get(key)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(row, key)
    if not text:
        if required:
            raise RowRejected(f"falta {key}")
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowRejected(f"{key}: «{text}» no es una fecha (AAAA-MM-DD o DD/MM/AAAA)")


def _number(row: dict, key: str) -> Decimal | None:
    text = _text(row, key).replace("%", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowRejected(f"{key}: «{text}» no es un número") from None
    if not value.is_finite() or value < 0:
        raise RowRejected(f"{key}: el valor no puede ser negativo")
    if value > Decimal("100000"):
        raise RowRejected(f"{key}: valor fuera de rango")
    return value


IVA_ALIASES = {
    "": Measure.IvaClass.GENERAL,
    "general": Measure.IvaClass.GENERAL,
    "g": Measure.IvaClass.GENERAL,
    "0": Measure.IvaClass.CERO,
    "cero": Measure.IvaClass.CERO,
    "5": Measure.IvaClass.CINCO,
    "cinco": Measure.IvaClass.CINCO,
}
YES = {"", "si", "sí", "s", "1", "true", "x", "aplica"}
NO = {"no", "n", "0", "false", "exento"}


@dataclass
class ParsedRow:
    number: int
    code: CommodityCode
    valid_from: date
    valid_to: date | None
    line_valid_to: date | None
    description: str
    description_en: str
    unit: UnitOfMeasure | None
    legal_basis: str
    measures: dict[str, dict]
    restrictions: dict[tuple[str, str, str], str]


def _unit(code: str, units: dict[str, UnitOfMeasure], key: str) -> UnitOfMeasure | None:
    if not code:
        return None
    unit = units.get(code.upper())
    if unit is None:
        raise RowRejected(f"{key}: unidad «{code}» no existe en el catálogo de unidades")
    return unit


def parse_row(number: int, row: dict, units: dict[str, UnitOfMeasure]) -> ParsedRow:
    raw_code = _text(row, "codigo")
    try:
        code = CommodityCode.parse(raw_code)
    except InvalidCommodityCode:
        raise RowRejected(f"codigo: «{raw_code}» no es un código arancelario") from None
    if not code.is_line:
        raise RowRejected("codigo: la subpartida nacional debe tener 10 dígitos")
    valid_from = _date(row, "vigencia_desde", required=True)
    valid_to = _date(row, "vigencia_hasta")
    if valid_to and valid_to < valid_from:
        raise RowRejected("vigencia_hasta es anterior a vigencia_desde")
    basis = _text(row, "base_legal")
    if not basis:
        raise RowRejected("falta base_legal")
    if len(basis) > 300:
        raise RowRejected("base_legal: máximo 300 caracteres")
    measures: dict[str, dict] = {}
    av = _number(row, "ad_valorem")
    if av is not None:
        measures[Measure.Kind.AD_VALOREM] = {"rate": av}
    esp = _number(row, "especifico")
    if esp is not None and esp > 0:
        unit = _unit(_text(row, "especifico_unidad"), units, "especifico_unidad")
        if unit is None:
            raise RowRejected("especifico_unidad: indique la unidad del derecho específico")
        measures[Measure.Kind.ESPECIFICO] = {"amount": esp, "unit": unit}
    ice_av = _number(row, "ice_ad_valorem")
    if ice_av is not None and ice_av > 0:
        measures[Measure.Kind.ICE_AD_VALOREM] = {"rate": ice_av}
    ice_esp = _number(row, "ice_especifico")
    if ice_esp is not None and ice_esp > 0:
        unit = _unit(_text(row, "ice_especifico_unidad"), units, "ice_especifico_unidad")
        if unit is None:
            raise RowRejected("ice_especifico_unidad: indique la unidad del ICE específico")
        measures[Measure.Kind.ICE_ESPECIFICO] = {"amount": ice_esp, "unit": unit}
    salv = _number(row, "salvaguardia")
    if salv is not None and salv > 0:
        measures[Measure.Kind.SALVAGUARDIA] = {"rate": salv}
    iva = _text(row, "iva").lower().replace("%", "").strip()
    if iva not in IVA_ALIASES:
        raise RowRejected(f"iva: «{iva}» no es una clase de IVA (general, 0, 5)")
    measures[Measure.Kind.IVA] = {"iva_class": IVA_ALIASES[iva]}
    fod = _text(row, "fodinfa").lower()
    if fod not in YES | NO:
        raise RowRejected(f"fodinfa: «{fod}» debe ser SI o NO")
    measures[Measure.Kind.FODINFA] = {"applies": fod in YES}
    restrictions: dict[tuple[str, str, str], str] = {}
    for part in filter(None, (p.strip() for p in _text(row, "restricciones").split("|"))):
        agency, _sep, document = part.partition(":")
        if not agency.strip() or not document.strip():
            raise RowRejected(f"restricciones: «{part}» debe tener la forma ENTIDAD: documento")
        restrictions[
            (Restriction.Kind.RESTRICTION, agency.strip()[:80], document.strip()[:200])
        ] = ""
    prohibition = _text(row, "prohibicion")
    if prohibition:
        restrictions[(Restriction.Kind.PROHIBITION, "", "")] = prohibition
    return ParsedRow(
        number=number,
        code=code,
        valid_from=valid_from,
        valid_to=valid_to,
        line_valid_to=_date(row, "linea_vigencia_hasta"),
        description=_text(row, "descripcion"),
        description_en=_text(row, "descripcion_en"),
        unit=_unit(_text(row, "unidad"), units, "unidad"),
        legal_basis=basis,
        measures=measures,
        restrictions=restrictions,
    )


MEASURE_FIELDS = ("rate", "amount", "unit", "iva_class", "applies")
MEASURE_DEFAULTS = {"rate": None, "amount": None, "unit": None, "iva_class": "", "applies": True}


class ArancelLoader:
    def __init__(self, *, sample: bool, source: str, user=None):
        self.sample = sample
        self.source = source[:200]
        self.user = user
        self.report = ArancelReport(source=source)
        self.units = {u.code.upper(): u for u in UnitOfMeasure.objects.all()}
        self.touched: set[int] = set()

    def run(self, rows: Iterable[tuple[int, dict]], progress: bool = False) -> ArancelReport:
        parsed: list[ParsedRow] = []
        for number, row in rows:
            try:
                parsed.append(parse_row(number, row, self.units))
            except RowRejected as exc:
                self.report.reject(number, _text(row, "codigo"), str(exc))
        parsed.sort(key=lambda p: (p.code.digits, p.valid_from, p.number))
        for p in tqdm(parsed, desc="arancel", disable=not progress):
            try:
                with transaction.atomic():
                    outcome = self.apply(p)
            except RowRejected as exc:
                self.report.reject(p.number, p.code.dotted, str(exc))
                continue
            self.report.rows[outcome] += 1
        reindex(self.touched)
        return self.report

    # -- one row -------------------------------------------------------------------
    def apply(self, p: ParsedRow) -> str:
        sub = Commodity.objects.filter(code=p.code.subheading, level=6).first()
        if sub is None:
            raise RowRejected(
                f"la subpartida SA {CommodityCode(p.code.subheading).dotted} no existe en la "
                "nomenclatura (cargue primero la nomenclatura SA)"
            )
        nandina = Commodity.objects.filter(code=p.code.nandina).first()
        if nandina is None:
            if not p.description:
                raise RowRejected("falta descripcion")
            nandina = Commodity.objects.create(
                code=p.code.nandina,
                level=8,
                parent=sub,
                section_id=sub.section_id,
                description_es=p.description,
                description_en=p.description_en,
                text_source=Commodity.TextSource.FILE,
                sample=self.sample,
                source=self.source,
            )
            self.touched.add(nandina.id)
        line = Commodity.objects.filter(code=p.code.digits).first()
        changed = False
        if line is None:
            if not p.description:
                raise RowRejected("falta descripcion")
            line = Commodity.objects.create(
                code=p.code.digits,
                level=10,
                parent=nandina,
                section_id=sub.section_id,
                description_es=p.description,
                description_en=p.description_en,
                text_source=Commodity.TextSource.FILE,
                unit=p.unit,
                valid_from=p.valid_from,
                valid_to=p.line_valid_to,
                sample=self.sample,
                source=self.source,
            )
            self.touched.add(line.id)
            outcome = "inserted"
        else:
            values = {
                "valid_from": min(filter(None, [line.valid_from, p.valid_from])),
                "sample": self.sample,
            }
            # The line's own texts follow its most recent row, not an older file reloaded.
            if not Measure.objects.filter(line=line, valid_from__gt=p.valid_from).exists():
                values.update(
                    description_es=p.description or line.description_es,
                    description_en=p.description_en or line.description_en,
                    unit=p.unit or line.unit,
                    valid_to=p.line_valid_to,
                )
            diff = [k for k, v in values.items() if getattr(line, k) != v]
            if diff:
                for k in diff:
                    setattr(line, k, values[k])
                line.source = self.source
                line.save()
                self.touched.add(line.id)
                changed = True
            outcome = "unchanged"
        for kind in Measure.Kind.values:
            wanted = p.measures.get(kind)
            if wanted is None:
                changed |= self._drop_measure(line, kind, p)
            else:
                changed |= self._put_measure(line, kind, wanted, p)
        changed |= self._restrictions(line, p)
        if outcome == "inserted":
            return outcome
        return "updated" if changed else "unchanged"

    def _put_measure(self, line: Commodity, kind: str, wanted: dict, p: ParsedRow) -> bool:
        values = {**MEASURE_DEFAULTS, **wanted}
        later = (
            Measure.objects.filter(line=line, kind=kind, valid_from__gt=p.valid_from)
            .order_by("valid_from")
            .first()
        )
        valid_to = p.valid_to
        if later is not None and (valid_to is None or valid_to >= later.valid_from):
            valid_to = later.valid_from - timedelta(days=1)
        values.update(valid_to=valid_to, legal_basis=p.legal_basis, sample=self.sample)
        same = Measure.objects.filter(line=line, kind=kind, valid_from=p.valid_from).first()
        if same is not None:
            diff = [k for k, v in values.items() if getattr(same, k) != v]
            if not diff:
                self.report.measures["unchanged"] += 1
                return False
            for k in diff:
                setattr(same, k, values[k])
            same.source = self.source
            same.modified_by = self.user
            same.save()
            self.report.measures["updated"] += 1
            return True
        self._close_before(line, kind, p.valid_from)
        Measure.objects.create(
            line=line,
            kind=kind,
            valid_from=p.valid_from,
            source=self.source,
            created_by=self.user,
            modified_by=self.user,
            **values,
        )
        self.report.measures["inserted"] += 1
        return True

    def _close_before(self, line: Commodity, kind: str, start: date) -> int:
        closed = 0
        open_before = Measure.objects.filter(line=line, kind=kind, valid_from__lt=start)
        for m in open_before:
            if m.valid_to is None or m.valid_to >= start:
                m.valid_to = start - timedelta(days=1)
                m.modified_by = self.user
                m.save()
                closed += 1
        self.report.measures["closed"] += closed
        return closed

    def _drop_measure(self, line: Commodity, kind: str, p: ParsedRow) -> bool:
        changed = False
        same = Measure.objects.filter(line=line, kind=kind, valid_from=p.valid_from).first()
        if same is not None:
            same.delete()
            self.report.measures["deleted"] += 1
            changed = True
        if not Measure.objects.filter(line=line, kind=kind, valid_from__gt=p.valid_from).exists():
            changed |= bool(self._close_before(line, kind, p.valid_from))
        return changed

    def _restrictions(self, line: Commodity, p: ParsedRow) -> bool:
        changed = False
        current = list(line.restrictions.all())
        latest = not Measure.objects.filter(line=line, valid_from__gt=p.valid_from).exists()
        for r in current:
            key = (r.kind, r.agency, r.document)
            covers = r.valid_from <= p.valid_from and (
                r.valid_to is None or r.valid_to >= p.valid_from
            )
            if key in p.restrictions:
                continue
            if r.valid_from == p.valid_from:
                r.delete()
                changed = True
            elif covers and latest:
                r.valid_to = p.valid_from - timedelta(days=1)
                r.modified_by = self.user
                r.save()
                changed = True
        for (kind, agency, document), description in p.restrictions.items():
            existing = [
                r
                for r in current
                if (r.kind, r.agency, r.document) == (kind, agency, document)
                and r.valid_from <= p.valid_from
                and (r.valid_to is None or r.valid_to >= p.valid_from)
            ]
            if existing:
                r = existing[0]
                values = {"description": description, "legal_basis": p.legal_basis}
                if r.valid_from == p.valid_from and any(
                    getattr(r, k) != v for k, v in values.items()
                ):
                    for k, v in values.items():
                        setattr(r, k, v)
                    r.save()
                    changed = True
                continue
            Restriction.objects.create(
                line=line,
                kind=kind,
                agency=agency,
                document=document,
                description=description,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                legal_basis=p.legal_basis,
                sample=self.sample,
                source=self.source,
                created_by=self.user,
                modified_by=self.user,
            )
            changed = True
        return changed


def load_arancel(
    fileobj,
    filename: str,
    *,
    sample: bool = False,
    user=None,
    progress: bool = False,
) -> ArancelReport:
    """Load an arancel file (.csv or .xlsx). Bad rows are reported; good rows load."""
    loader = ArancelLoader(sample=sample, source=Path(filename).name, user=user)
    try:
        rows = list(read_rows(fileobj, filename))
    except SpreadsheetError as exc:
        loader.report.file_error = exc.message
        loader.report.reject(0, "", exc.message)
        return loader.report
    except ValueError as exc:
        loader.report.reject(1, "", str(exc))
        return loader.report
    return loader.run(rows, progress=progress)


def load_arancel_path(path: Path, *, sample: bool = False, progress: bool = False) -> ArancelReport:
    with Path(path).open("rb") as fh:
        return load_arancel(fh, str(path), sample=sample, progress=progress)
