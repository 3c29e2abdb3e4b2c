"""The documento de control previo as a PDF (WeasyPrint), with a QR code of its public
verification page."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string


def qr_svg(url: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    return qrcode.make(url, image_factory=SvgPathImage, box_size=6, border=2).to_string(
        encoding="unicode"
    )


def render_pdf(request, documento) -> bytes:
    from weasyprint import HTML

    url = request.build_absolute_uri(documento.get_absolute_url())
    html = render_to_string(
        "vue/pdf/documento.html",
        {
            "documento": documento,
            "saldos": documento.saldos.all(),
            "url": url,
            "qr": qr_svg(url),
            "situacion": documento.situacion(),
        },
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()


def response(request, documento) -> HttpResponse:
    pdf = render_pdf(request, documento)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{documento.numero}.pdf"'
    return resp
