"""Which menu entries a user sees under the active OCE, computed once per request.

Rules (``MenuEntry.access``):

* ``publico`` — everyone, also without a session (2.1.1 Consulta de arancel).
* ``oce`` — any user with an active OCE whose type the entry lists (blank = all).
* ``concedido`` — the operator's representative always; an employee when the
  grant of the active código de OCE has ``all_options`` or lists the entry.
* ``representante`` — only the representative of the active OCE's operator.

An entry shows in a menu only when it is active, flagged ``available`` and its
URL name resolves: a screen appears by itself once its app defines the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from ecuapass.accounts.access_cache import global_version, register_section, snapshot
from ecuapass.accounts.context import get_active_oce, prefetched, register_prefetch

from .models import Access, Favourite, GrantedOption, MenuEntry, MenuGroup


@dataclass(frozen=True)
class Rule:
    number: str
    access: str
    oce_types: tuple[str, ...]


def entry_url(entry) -> str | None:
    if not entry.url_name:
        return None
    return _reverse(entry.url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=2048)
def _reverse(url_name: str, _root, _urlconf, _prefix) -> str | None:
    """``reverse`` of a menu entry, once per process and URLconf (the frame reversed every
    entry on every request)."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _grant_options(user, code: str) -> tuple[bool, set[int], set[str]]:
    """(all_options, option entry ids, option numbers) of the user's grant on código ``code``."""
    from ecuapass.accounts.models import Grant

    grant = (
        Grant.objects.filter(user=user, oce_code__code=code, approved=True)
        .values("id", "all_options")
        .first()
    )
    if grant is None:
        return False, set(), set()
    if grant["all_options"]:
        return True, set(), set()
    rows = GrantedOption.objects.filter(grant_id=grant["id"]).values_list(
        "entry_id", "entry__number"
    )
    return False, {r[0] for r in rows}, {r[1] for r in rows}


def rule_allows(rule: Rule, user, oce, grant_info) -> bool:
    """``grant_info``: a callable returning ``_grant_options(user, oce)`` (lazy)."""
    if rule.access == Access.PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or oce is None:
        return False
    registration = oce.registration
    if rule.oce_types and registration.oce_type.code not in rule.oce_types:
        return False
    is_owner_rep = user.is_representative and user.operator_id == registration.operator_id
    if rule.access == Access.OCE:
        return True
    if rule.access == Access.REPRESENTATIVE:
        return is_owner_rep
    if is_owner_rep:
        return True
    all_options, _ids, numbers = grant_info()
    return all_options or rule.number in numbers


def rule_for(number: str) -> Rule | None:
    """The entry's rule from the database, or from the shipped menu file before it is loaded."""
    entry = MenuEntry.objects.filter(number=number).prefetch_related("oce_types").first()
    if entry is not None:
        if not entry.active:
            return None
        return Rule(number, entry.access, tuple(t.code for t in entry.oce_types.all()))
    return _file_rule(number)


def user_has_option(user, oce_code, number: str) -> bool:
    """May ``user``, acting as ``oce_code`` (or None), use menu entry ``number``?"""
    if not getattr(user, "is_authenticated", False):
        rule = rule_for(number)
        return rule is not None and rule_allows(rule, user, oce_code, lambda: None)
    snap = snapshot(user, oce_code.code if oce_code is not None else "")
    rule = rule_of(user, number, oce_code)
    if rule is None:
        return False
    return rule_allows(rule, user, oce_code, lambda: snap.get("grant"))


def rule_of(user, number: str, oce_code=None) -> Rule | None:
    """``rule_for`` from the user's cached snapshot (no query) when there is a user."""
    if not getattr(user, "is_authenticated", False):
        return rule_for(number)
    rules = snapshot(user, oce_code.code if oce_code is not None else "").get("menu")["rules"]
    return rules[number] if number in rules else _file_rule(number)


# --- the per-user snapshot's sections (accounts.access_cache) ----------------------------
def _menu(user, code: str) -> dict:
    """The active entries, and every entry's rule by number (None: inactive); numbers not
    in the table use the shipped file (``rule_for``)."""
    entries, rules = [], {}
    for entry in MenuEntry.objects.prefetch_related("oce_types"):
        if entry.active:
            entries.append(entry)
            types = tuple(t.code for t in entry.oce_types.all())
            rules[entry.number] = Rule(entry.number, entry.access, types)
        else:
            rules[entry.number] = None
    return {"entries": entries, "rules": rules}


def _file_rule(number: str) -> Rule | None:
    from .reference_data import menu_rows

    row = menu_rows().get(number)
    return Rule(number, row["access"], row["oce_types"]) if row else None


def _grant(user, code: str):
    return _grant_options(user, code) if code else (False, set(), set())


def _favourites(user, code: str) -> list:
    return list(Favourite.objects.filter(user=user).values_list("pk", "entry_id"))


register_section("menu", _menu)


def _badge_keys(user_id, oce_code_id) -> list[str]:
    from ecuapass.notifications.selectors import unread_keys

    return unread_keys(user_id, oce_code_id)


register_prefetch(_badge_keys)  # the frame's badge: read with the access snapshot's versions
register_section("grant", _grant)
register_section("favourites", _favourites)


_PUBLIC_MENU: dict = {}


class PortalFrame:
    """Everything the page frame shows, computed lazily and once per request."""

    groups = MenuGroup

    def __init__(self, request):
        self.request = request
        # Error pages may render before the authentication middleware ran.
        self.user = getattr(request, "user", None) or AnonymousUser()
        self._cache: dict = {}

    def _memo(self, key, fn):
        if key not in self._cache:
            try:
                self._cache[key] = fn()
            except DatabaseError:
                self._cache[key] = None
        return self._cache[key]

    @property
    def oce(self):
        if not self.user.is_authenticated:
            return None
        return self._memo("oce", lambda: get_active_oce(self.request))

    @property
    def all_entries(self) -> list:
        if not self.user.is_authenticated:
            return self._memo("entries", self._public_entries) or []
        return self._memo("entries", lambda: self._snapshot.get("menu")["entries"]) or []

    @property
    def _snapshot(self):
        oce = self.oce
        return snapshot(self.user, oce.code if oce is not None else "")

    def _public_entries(self) -> list:
        """The menu as an anonymous visitor's frame reads it: kept in this process under the
        shared version (``access:v``, bumped by any change of the menu)."""
        version = self.version
        kept = _PUBLIC_MENU.get("menu")  # (version, entries), replaced as one value
        if version is None or kept is None or kept[0] != version:
            entries = _menu(self.user, "")["entries"]
            if version is not None:
                _PUBLIC_MENU["menu"] = (version, entries)
            return entries
        return kept[1]

    @property
    def version(self) -> tuple:
        """The versions of everything the frame shows of this user (``access_cache``); for an
        anonymous visitor, the shared one (the public menu entries)."""
        if not self.user.is_authenticated:
            return self._memo("version", lambda: (global_version(),))
        return self._snapshot.version

    def _grant_info(self):
        return self._memo("grant", lambda: self._snapshot.get("grant")) or (
            False,
            set(),
            set(),
        )

    @property
    def visible(self) -> list:
        """Entries this user sees under the active OCE, each with ``.url`` set."""

        def compute():
            result = []
            for entry in self.all_entries:
                if not entry.available:
                    continue
                url = entry_url(entry)
                if url is None:
                    continue
                rule = Rule(
                    entry.number, entry.access, tuple(t.code for t in entry.oce_types.all())
                )
                if rule_allows(rule, self.user, self.oce, self._grant_info):
                    entry.url = url
                    result.append(entry)
            return result

        return self._memo("visible", compute) or []

    @property
    def visible_ids(self) -> set[int]:
        return {e.pk for e in self.visible}

    @property
    def menu(self) -> list[dict]:
        """The four groups in order, each with its visible entries."""
        by_group = {value: [] for value in MenuGroup.values}
        for entry in self.visible:
            by_group[entry.group].append(entry)
        return [
            {"key": value, "label": label, "entries": by_group[value]}
            for value, label in MenuGroup.choices
        ]

    @property
    def current_entry(self):
        def compute():
            match = getattr(self.request, "resolver_match", None)
            if match is None:
                return None
            for entry in self.all_entries:
                if entry.url_name and entry.url_name == match.view_name:
                    entry.url = entry_url(entry)
                    return entry
            return None

        return self._memo("current", compute)

    @property
    def open_group(self) -> str:
        """The group whose left menu is shown: the current screen's, or the one opened."""
        entry = self.current_entry
        if entry is not None:
            return entry.group
        match = getattr(self.request, "resolver_match", None)
        if match is not None and match.view_name == "portal:group":
            return match.kwargs.get("group", "")
        return ""

    @property
    def open_group_label(self) -> str:
        group = self.open_group
        return str(MenuGroup(group).label) if group in MenuGroup.values else ""

    @property
    def left_entries(self) -> list:
        group = self.open_group
        return [e for e in self.visible if e.group == group]

    @property
    def favourites(self) -> list:
        """Mi menú, limited to the entries still visible under this OCE."""

        def compute():
            if not self.user.is_authenticated:
                return []
            visible = {e.pk: e for e in self.visible}
            favs = self._snapshot.get("favourites")
            return [(pk, visible[entry_id]) for pk, entry_id in favs if entry_id in visible]

        return self._memo("favourites", compute) or []

    @property
    def favourite_entry_ids(self) -> set[int]:
        return {entry.pk for _pk, entry in self.favourites}

    @property
    def current_is_favourite(self) -> bool:
        entry = self.current_entry
        return entry is not None and entry.pk in self.favourite_entry_ids

    @property
    def _unread(self) -> tuple[int, tuple] | None:
        """The badge and the mailboxes' versions, from what the access snapshot's read already
        read for the active OCE (``accounts.context.register_prefetch``), else one read."""
        from ecuapass.notifications.selectors import unread_state

        def compute():
            oce = self.oce
            return unread_state(self.user, oce, got=prefetched(self.request, oce))

        return self._memo("unread", compute)

    @property
    def unread_count(self) -> int:
        if not self.user.is_authenticated:
            return 0
        return (self._unread or (0, ()))[0]

    @property
    def mailbox_versions(self) -> tuple:
        """The versions the main screen keeps its latest notices under, read with the badge."""
        state = self._unread
        if state is None:  # the badge's read failed: read the versions alone
            from ecuapass.notifications.selectors import mailbox_versions

            return mailbox_versions(self.user, self.oce)
        return state[1]


def frame_for(request) -> PortalFrame:
    frame = getattr(request, "_portal_frame", None)
    if frame is None:
        frame = PortalFrame(request)
        request._portal_frame = frame
    return frame
