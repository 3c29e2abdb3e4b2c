"""Build ``titulos_es.csv``: Spanish titles for sections, chapters, headings and HS subheadings.

Sections and chapters come from ``secciones_capitulos_es.csv``, headings from
``partidas_es.csv`` and HS subheadings from ``subpartidas_es.csv`` — all written by the
project as a faithful Spanish rendering of the HS texts (``fuente=no_oficial``: an unofficial
translation, not the legal text of the NANDINA / Arancel del Ecuador).

A subheading the project has not written yet may take the text of the public-domain Mexican
TIGIE 2022 corpus (SAT catalogue ``c_FraccionArancelaria``, Unlicense) **only when exactly one
current national line sits under it**: that line's text is then the subheading's own text
(``fuente=derivado``). Subheadings split into several national lines never take their texts
(those describe Mexico's tariff: "Café Veracruz", "empacadoras Tipo Inspección Federal"), nor
does a text with a word of ``FOREIGN``. ``tests/test_titles.py`` checks the result.

Usage (run once; the result is committed, the product never reads the corpus)::

    python ecuapass/tariff/data/tools/make_titles.py [/path/to/mx_sat_cce20_fracciones_arancelarias.csv]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent

# Words that only another country's tariff uses (checked again by the tariff tests).
FOREIGN = (
    "veracruz",
    "chiapas",
    "café pluma",
    "inspección federal",
    "empacadora",
    "méxic",
    "mexican",
    "norma oficial",
    "nom-",
    "secretaría",
    "sagarpa",
    "senasica",
    "immex",
    "fronteriz",
    "diario oficial",
    "calefacción de automóviles",
    "tequila",
    "mezcal",
)


def foreign(text: str) -> bool:
    t = text.lower()
    return any(word in t for word in FOREIGN)


def _residual(text: str) -> bool:
    t = text.strip().lower()
    return t.startswith(("los demás", "las demás", "los demas", "las demas")) or t in {
        "",
        "otros",
        "otras",
    }


def _single_lines(corpus: str | None) -> dict[str, str]:
    """HS subheading → the text of its only current national line (when it has one)."""
    if not corpus:
        return {}
    lines: dict[str, list[str]] = defaultdict(list)
    with open(corpus, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["vigencia_hasta"].strip():
                continue
            lines[row["fraccion"].strip()[:6]].append(" ".join(row["texto"].split()).rstrip("."))
    return {
        code: texts[0]
        for code, texts in lines.items()
        if len(texts) == 1 and not _residual(texts[0]) and not foreign(texts[0])
    }


def _read(name: str) -> list[dict]:
    with (HERE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def main(corpus: str | None = None) -> None:
    with (DATA / "hs" / "harmonized-system.csv").open(encoding="utf-8-sig", newline="") as fh:
        subheadings = [r["hscode"] for r in csv.DictReader(fh) if r["level"] == "6"]
    subheadings = [c for c in subheadings if not c.startswith("99")]
    manual = _read("secciones_capitulos_es.csv") + _read("partidas_es.csv")
    written = {row["codigo"]: row["titulo"] for row in _read("subpartidas_es.csv")}
    single = _single_lines(corpus)
    out = DATA / "titulos_es.csv"
    counts = {"no_oficial": 0, "derivado": 0, "sin texto": 0}
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["codigo", "nivel", "titulo", "fuente"])
        for row in manual:
            writer.writerow([row["codigo"], row["nivel"], row["titulo"], row["fuente"]])
        for code in subheadings:
            if written.get(code, "").strip():
                writer.writerow([code, "subpartida", written[code].strip(), "no_oficial"])
                counts["no_oficial"] += 1
            elif code in single:
                writer.writerow([code, "subpartida", single[code], "derivado"])
                counts["derivado"] += 1
            else:
                counts["sin texto"] += 1
    print(f"{out}: {len(manual)} secciones/capítulos/partidas; subpartidas {counts}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
