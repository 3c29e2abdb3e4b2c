"""PostgreSQL statistics on the two recipient columns together (no-op on other databases).

The buzón reads the OCE's mailbox as ``oce_code_id = o AND NOT (user_id = u)`` in the
order of ``notif_oce_date`` up to the end of the page (``selectors.Mailbox``). Estimated
column by column, the planner multiplies the OCE's share by the share of notices not
addressed to the user — tiny when the user holds most notices (100,000 personal) — and
expects one row: it then sorts every notice of the OCE's mailbox instead of reading the
index in order until the page is full (849 notices: 1.8 ms instead of 0.05 ms; a sort of
the whole mailbox, growing with it). The pairs' most common values (``mcv``) give it the
real count. ``ANALYZE`` fills them now; autovacuum keeps them.
"""

from django.db import migrations

FORWARD = [
    "CREATE STATISTICS IF NOT EXISTS notif_recipient_stats (mcv) "
    "ON oce_code_id, user_id FROM notifications_notification",
    "ANALYZE notifications_notification",
]
BACKWARD = ["DROP STATISTICS IF EXISTS notif_recipient_stats"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_notice_email_due")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
