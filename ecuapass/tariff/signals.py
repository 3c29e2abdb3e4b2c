"""Keep the SQLite full-text index in step with edits made outside the loaders (admin)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import version
from .models import Commodity, Measure, Restriction, TaxRule
from .services.search import reindex, unindex

for _model in (Commodity, Measure, Restriction, TaxRule):
    post_save.connect(version.on_change, sender=_model, dispatch_uid=f"tariff_v_{_model.__name__}")
    post_delete.connect(
        version.on_change, sender=_model, dispatch_uid=f"tariff_v_del_{_model.__name__}"
    )


@receiver(post_save, sender=Commodity, dispatch_uid="tariff_commodity_fts_save")
def _index_on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex([instance.pk])


@receiver(post_delete, sender=Commodity, dispatch_uid="tariff_commodity_fts_delete")
def _unindex_on_delete(sender, instance, **kwargs):
    unindex([instance.pk])
