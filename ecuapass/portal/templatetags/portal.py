from django import template

from ecuapass.portal import fragments
from ecuapass.portal.menu import frame_for

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_frame(context):
    """The menu, active OCE, Mi menú and unread count of this request (computed once)."""
    request = context.get("request")
    if request is None:
        return None
    return frame_for(request)


class FrameFragmentNode(template.Node):
    def __init__(self, name: str, vary_on: list, nodelist):
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context):
        values = tuple(_key_part(v.resolve(context)) for v in self.vary_on)
        origin = getattr(self, "origin", None)
        name = (getattr(origin, "name", ""), self.name)
        return fragments.render(self.nodelist, context, name, values)


def _key_part(value):
    return getattr(value, "pk", value)  # a model instance by its key, not by identity


@register.tag
def frame_fragment(parser, token):
    """``{% frame_fragment "name" var1 var2 %}…{% endframe_fragment %}``: a part of the frame
    rendered once per user, OCE, language, grants/menu versions and the named values
    (``portal.fragments``). Inside it, ``{% csrf_token %}`` and ``{{ next_path }}`` (the
    page's path) are this request's; nothing else may differ between two requests with the
    same key."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("frame_fragment needs a name")
    nodelist = parser.parse(("endframe_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return FrameFragmentNode(name, [parser.compile_filter(b) for b in bits[2:]], nodelist)


class FormFragmentNode(template.Node):
    def __init__(self, form, nodelist):
        self.form, self.nodelist = form, nodelist

    def render(self, context):
        origin = getattr(self, "origin", None)
        key = fragments.form_key(self.form.resolve(context), getattr(origin, "name", ""))
        return fragments.render_keyed(self.nodelist, context, key)


@register.tag
def form_fragment(parser, token):
    """``{% form_fragment form %}…{% endform_fragment %}``: a filter form rendered once per
    language and submitted data (``portal.fragments.form_key``). Only for forms whose fields,
    choices and initial values do not depend on the user or on the database."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("form_fragment takes the form")
    nodelist = parser.parse(("endform_fragment",))
    parser.delete_first_token()
    return FormFragmentNode(parser.compile_filter(bits[1]), nodelist)


class SharedFragmentNode(template.Node):
    def __init__(self, name: str, vary_on: list, nodelist):
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context):
        values = tuple(_key_part(v.resolve(context)) for v in self.vary_on)
        origin = getattr(self, "origin", None)
        key = fragments.shared_key(getattr(origin, "name", ""), self.name, values)
        return fragments.render_keyed(self.nodelist, context, key)


@register.tag
def shared_fragment(parser, token):
    """``{% shared_fragment "name" v1 v2 %}…{% endshared_fragment %}``: a part of a page that
    is the same for every user, rendered once per language and named values (e.g. a public
    search's results under the tariff's version, the query and the page)."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("shared_fragment needs a name and what it varies on")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return SharedFragmentNode(name, [parser.compile_filter(b) for b in bits[2:]], nodelist)
