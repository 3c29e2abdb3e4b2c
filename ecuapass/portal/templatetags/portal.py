from django import template

from ecuapass.portal.menu import frame_for

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_frame(context):
    """The menu, active OCE, Mi menú and unread count of this request (computed once)."""
    request = context.get("request")
    if request is None:
        return None
    return frame_for(request)
