"""Build ``titulos_es.csv``: Spanish titles for sections, chapters, headings and HS subheadings.

Sections and chapters come from ``secciones_capitulos_es.csv`` and a few headings from
``partidas_es.csv`` (written by the project, unofficial translation). Headings (4 digits) and HS subheadings (6 digits)
are *derived* from a public-domain Spanish tariff text corpus — the Mexican TIGIE
fracciones of the SAT catalogue ``c_FraccionArancelaria`` (Unlicense) — by joining
the distinct texts of the national lines under each code, skipping the residual
"Los demás" lines. They are marked ``derivado``: an unofficial Spanish text for
search and display, not Ecuador's legal text.

Usage (run once; the result is committed, the product never reads the corpus)::

    python ecuapass/tariff/data/tools/make_titles.py /path/to/mx_sat_cce20_fracciones_arancelarias.csv
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
MAX_PARTS = 5
MAX_PART_LEN = 90


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_PART_LEN:
        return text
    cut = text[:MAX_PART_LEN].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _residual(text: str) -> bool:
    t = text.strip().lower()
    return t.startswith(("los demás", "las demás", "los demas", "las demas")) or t in {
        "",
        "otros",
        "otras",
    }


def main(corpus: str) -> None:
    texts: dict[str, list[str]] = defaultdict(list)
    with open(corpus, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["vigencia_hasta"].strip():
                continue
            text = row["texto"].strip()
            if _residual(text):
                continue
            code = row["fraccion"].strip()
            for n in (4, 6):
                if text not in texts[code[:n]]:
                    texts[code[:n]].append(text)
    with (DATA / "hs" / "harmonized-system.csv").open(encoding="utf-8-sig", newline="") as fh:
        hs = [r for r in csv.DictReader(fh) if r["level"] in {"4", "6"}]
    out = DATA / "titulos_es.csv"
    with (HERE / "secciones_capitulos_es.csv").open(encoding="utf-8", newline="") as fh:
        manual = list(csv.DictReader(fh))
    # Headings whose title the project wrote by hand win over the derived text.
    with (HERE / "partidas_es.csv").open(encoding="utf-8", newline="") as fh:
        manual += list(csv.DictReader(fh))
    written = {row["codigo"] for row in manual}
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["codigo", "nivel", "titulo", "fuente"])
        for row in manual:
            writer.writerow([row["codigo"], row["nivel"], row["titulo"], row["fuente"]])
        derived = missing = 0
        for row in hs:
            code = row["hscode"]
            if code in written:
                continue
            parts = texts.get(code, [])
            level = "partida" if len(code) == 4 else "subpartida"
            if not parts:
                missing += 1
                continue
            title = "; ".join(_short(p) for p in parts[:MAX_PARTS])
            if len(parts) > MAX_PARTS:
                title += "; …"
            writer.writerow([code, level, title, "derivado"])
            derived += 1
    print(
        f"{out}: {len(manual)} manuales, {derived} derivados, {missing} sin texto (quedan en inglés)"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
