"""The rows of 1.3's table, written in Python: 25 rows through the template engine cost more
than the rest of the screen (~200 µs a row: a dozen variable look-ups, a filter and two
choice labels each); here a row is one ``format_html`` and each state's label is translated
once per page."""

from django import template
from django.utils.html import format_html, format_html_join

from ecuapass.core import formatting

register = template.Library()

ROW = (
    "<tr>\n      <td>{}</td>\n      <td>{}{}</td>\n"
    '      <td><a href="{}">{}</a></td>\n      <td>{}</td>\n'
    '      <td><span class="tag tag-{}">{}</span></td>\n'
    '      <td><span class="tag tag-{}">{}</span></td>\n    </tr>\n'
)


@register.simple_tag
def estados_rows(rows, offset=0):
    """The ``<tr>`` of each document of the page (numbered from ``offset`` + 1), or ""."""
    transmision, documento = {}, {}

    def label(memo, d, field, display):
        value = getattr(d, field)
        if value not in memo:
            memo[value] = str(display())
        return memo[value]

    def row(n, d):
        number = (
            format_html("<br><small>{}</small>", d.document_number) if d.document_number else ""
        )
        return (
            n,
            d.title,
            number,
            d.get_absolute_url(),
            d.numero_entrega,
            formatting.fecha_hora(d.sent_on, seconds=True),
            d.estado_transmision,
            label(transmision, d, "estado_transmision", d.get_estado_transmision_display),
            d.estado_documento,
            label(documento, d, "estado_documento", d.get_estado_documento_display),
        )

    return format_html_join("", ROW, (row(n, d) for n, d in enumerate(rows, start=offset + 1)))
