from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


def _english() -> bool:
    return (get_language() or "es").startswith("en")


@register.filter
def describe(node) -> str:
    """The description in the active language (Spanish first)."""
    if _english() and getattr(node, "description_en", ""):
        return node.description_en
    return node.description_es


@register.filter
def section_title(section) -> str:
    if _english() and section.title_en:
        return section.title_en
    return section.title_es


@register.filter
def get_item(mapping, key):
    return mapping.get(key, [])


@register.simple_tag
def sample_label() -> str:
    return str(settings.ECUAPASS_SAMPLE_TARIFF_LABEL)


@register.simple_tag
def tariff_version() -> str:
    """The tariff's version (``tariff.version``): a key for what is rendered from it."""
    from ecuapass.tariff import version

    return version.current(max_age=version.public_max_age())
