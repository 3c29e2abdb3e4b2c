"""Prints of the ledger (WeasyPrint, in the request: one page each): the orden de pago with the
número de liquidación as a QR code, and the DAI's autorización de salida."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string


def qr_svg(text: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    return qrcode.make(text, image_factory=SvgPathImage, box_size=6, border=2).to_string(
        encoding="unicode"
    )


def pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
