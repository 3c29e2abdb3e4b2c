"""Mi menú: add, remove and reorder favourites."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from .models import Favourite


def toggle_favourite(user, entry) -> bool:
    """Add ``entry`` to the end of the bar, or remove it; True when it is now a favourite."""
    with transaction.atomic():
        existing = Favourite.objects.filter(user=user, entry=entry).first()
        if existing:
            existing.delete()
            return False
        last = Favourite.objects.filter(user=user).aggregate(m=Max("position"))["m"]
        Favourite.objects.create(user=user, entry=entry, position=(last or 0) + 1)
        return True


def remove_favourite(user, favourite_id: int) -> bool:
    deleted, _ = Favourite.objects.filter(user=user, pk=favourite_id).delete()
    return bool(deleted)


def move_favourite(user, favourite_id: int, direction: str) -> bool:
    """Swap with the neighbour on the left ("up") or right ("down")."""
    with transaction.atomic():
        favs = list(
            Favourite.objects.select_for_update().filter(user=user).order_by("position", "id")
        )
        index = next((i for i, f in enumerate(favs) if f.pk == favourite_id), None)
        if index is None:
            return False
        other = index - 1 if direction == "up" else index + 1
        if other < 0 or other >= len(favs):
            return False
        favs[index], favs[other] = favs[other], favs[index]
        for position, fav in enumerate(favs, start=1):
            if fav.position != position:
                fav.position = position
                fav.save(update_fields=["position"])
        return True
