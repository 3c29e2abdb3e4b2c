"""The rows of the buzón's table (main screen, Consultar), written in Python: through the
template engine each row cost ~150 µs (a dozen look-ups, two translations, a filter, a URL);
here a row is one ``format_html`` and the fixed labels are translated once per table."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from ecuapass.core import formatting

register = template.Library()

ROW = (
    '<tr class="{}">\n      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n'
    '      <td><a href="{}">{}</a>{}</td>\n      <td class="num">{}</td>\n    </tr>\n'
)


@register.simple_tag
def buzon_rows(notices):
    """The ``<tr>`` of each notice (``is_read`` set by the selector), or ""."""
    read = format_html('<span class="tag">{}</span>', gettext("Leído"))
    unread = format_html('<span class="tag tag-warn">{}</span>', gettext("No leído"))
    personal = gettext("BUZÓN PERSONAL")
    # One reverse for the table: the detail URL with the notice's id in place of a marker.
    before, after = reverse("notifications:detail", args=[987654321]).split("987654321")

    def row(notice):
        if notice.user_id:
            recipient = personal
        else:
            recipient = gettext("BUZÓN OCE %(code)s") % {"code": notice.oce_code.code}
        related = (
            format_html(
                ' · <a href="{}" class="help">{}</a>', notice.related_url, notice.related_label
            )
            if notice.related_url
            else ""
        )
        return (
            "read" if notice.is_read else "unread",
            read if notice.is_read else unread,
            notice.sender,
            recipient,
            f"{before}{int(notice.pk)}{after}",
            notice.display_subject,
            related,
            formatting.fecha_hora(notice.created_on, seconds=True),
        )

    return format_html_join("", ROW, (row(n) for n in notices))
