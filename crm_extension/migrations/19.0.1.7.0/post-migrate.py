"""19.0.1.7.0: a stage schedules several entry activities, each for its assignee.

The one activity a stage carried (``activity_type_id``, ``activity_summary``,
``activity_delay``, ``activity_delay_unit``, ``activity_on_exit``,
``activity_notify_leader`` on ``crm_pipeline_stage``) becomes one line of
``crm.pipeline.stage.activity`` for the record's owner, as before; the activities the
stages scheduled point at their line (``mail_activity.crm_stage_activity_id``). Two
set-based statements; the old columns are still in the table at this point (Odoo drops
them once every module is loaded).
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate_stage_activities(cr):
    """Create the line of every stage that had an entry activity and no line yet, and
    link the stages' open activities to it."""
    if not column_exists(cr, "crm_pipeline_stage", "activity_type_id"):
        return
    cr.execute(
        SQL(
            """
            INSERT INTO crm_pipeline_stage_activity (
                stage_id, sequence, activity_type_id, summary, delay, delay_unit,
                assign_to, on_exit, notify_leader,
                create_uid, create_date, write_uid, write_date
            )
            SELECT stage.id, 10, stage.activity_type_id, stage.activity_summary,
                   GREATEST(COALESCE(stage.activity_delay, 0), 0),
                   COALESCE(stage.activity_delay_unit, 'days'),
                   'owner', COALESCE(stage.activity_on_exit, 'cancel'),
                   COALESCE(stage.activity_notify_leader, FALSE),
                   stage.write_uid, NOW() AT TIME ZONE 'UTC',
                   stage.write_uid, NOW() AT TIME ZONE 'UTC'
              FROM crm_pipeline_stage stage
             WHERE stage.activity_type_id IS NOT NULL
               AND NOT EXISTS (
                   SELECT 1 FROM crm_pipeline_stage_activity line
                    WHERE line.stage_id = stage.id
               )
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE mail_activity activity
               SET crm_stage_activity_id = line.id
              FROM (SELECT DISTINCT ON (stage_id) stage_id, id
                      FROM crm_pipeline_stage_activity
                     ORDER BY stage_id, sequence, id) line
             WHERE activity.crm_stage_id = line.stage_id
               AND activity.crm_stage_activity_id IS NULL
            """
        )
    )


def migrate(cr, version):
    migrate_stage_activities(cr)
