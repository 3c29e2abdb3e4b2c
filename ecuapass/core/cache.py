"""The database cache with one statement per write.

Django's ``DatabaseCache`` spends five statements on every ``set`` (a ``COUNT(*)`` of the
table for culling, a savepoint, a ``SELECT`` of the key, an ``UPDATE`` or ``INSERT``, the
release) and loops over them in ``set_many``. The frame's and the badge's caches write a few
keys when they miss; here ``set``/``set_many`` are one ``INSERT … ON CONFLICT DO UPDATE``
(SQLite and PostgreSQL) and the table is culled on one write in ``CULL_EVERY``, not counted
on each. Reads, ``add``, ``touch``, ``incr`` and deletes are Django's.
"""

from __future__ import annotations

import base64
import pickle
import random
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_EVERY = 50


class DatabaseCache(DjangoDatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max.replace(tzinfo=UTC)
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC)
        expires = expires.replace(microsecond=0)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        exp = connection.ops.adapt_datetimefield_value(expires)
        rows, params = [], []
        # In key order: two transactions writing the same keys never wait on each other crosswise.
        for key, value in sorted(data.items()):
            key = self.make_and_validate_key(key, version=version)
            pickled = pickle.dumps(value, self.pickle_protocol)
            rows.append("(%s, %s, %s)")
            params += [key, base64.b64encode(pickled).decode("latin1"), exp]
        # Only quoted identifiers are interpolated; every value is a parameter.
        key_col, value_col, exp_col = quote("cache_key"), quote("value"), quote("expires")
        sql = (
            f"INSERT INTO {table} ({key_col}, {value_col}, {exp_col}) VALUES {', '.join(rows)} "  # noqa: S608
            f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = excluded.{value_col}, "
            f"{exp_col} = excluded.{exp_col}"
        )
        with connection.cursor() as cursor:
            if random.randrange(CULL_EVERY) == 0:  # noqa: S311 - not security
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                num = cursor.fetchone()[0]
                if num > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), num)
            cursor.execute(sql, params)
        return []
