from odoo import api, fields, models
from odoo.tools import SQL

# the records whose done activities are counted, as the analysis names them
ACTIVITY_RES_MODELS = [("res.partner", "Customer"), ("sale.order", "Deal")]


class CrmActivityReport(models.Model):
    """One row per activity done on a customer or a deal, from Odoo's own record of it.

    Odoo 19 keeps a done activity: ``mail.activity._action_done`` archives it
    (``active`` False, ``date_done`` set) after posting its message; there is no
    second log. Activities are deleted instead, and so not counted, when their
    record is gone (deleted records take their activities with them).

    On time or late: a stage activity with an exact due time (``crm_deadline``, the
    stage SLA) against the moment it was marked done (the archived row's
    ``write_date``), any other against its due date (``date_done <= date_deadline``) —
    so is an appointment (an activity with its calendar event): it says when the work
    starts, and work done on its day is on time.
    ``on_time_rate`` is 100 for an activity done on time and 0 for a late one, so that
    its average is on time ÷ done over any grouping; ``delay_hours`` is NULL for the
    activities done on time, so that its average is how late the late ones were.
    """

    _name = "crm.activity.report"
    _description = "Activity Analysis"
    _auto = False
    _rec_name = "summary"
    _order = "date_done desc, id desc"

    summary = fields.Char(readonly=True)
    date_done = fields.Date(string="Done On", readonly=True)
    date_deadline = fields.Date(string="Due Date", readonly=True)
    deadline_at = fields.Datetime(
        string="Due At",
        readonly=True,
        help="Exact due time of a stage activity (its stage SLA); empty for the others.",
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, help="Who the activity was assigned to."
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        readonly=True,
        help="The deal's sales team; for a customer, the main team of its salesperson "
        "(else of the assignee).",
    )
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True)
    activity_category = fields.Selection(
        selection="_get_activity_category_selection", string="Category", readonly=True
    )
    res_model = fields.Selection(ACTIVITY_RES_MODELS, string="Done On Record", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("sale.order", string="Deal", readonly=True)
    stage_id = fields.Many2one(
        "crm.pipeline.stage",
        string="Pipeline Stage",
        readonly=True,
        help="The pipeline stage that scheduled the activity, if any.",
    )
    company_id = fields.Many2one("res.company", readonly=True)

    nbr_done = fields.Integer(string="Done", readonly=True)
    nbr_on_time = fields.Integer(string="On Time", readonly=True)
    nbr_late = fields.Integer(string="Late", readonly=True)
    on_time_rate = fields.Float(
        string="On Time (%)",
        aggregator="avg",
        readonly=True,
        help="Done on time ÷ done.",
    )
    delay_hours = fields.Float(
        string="Hours Late",
        aggregator="avg",
        readonly=True,
        help="Hours between the deadline and the moment the activity was done, for the "
        "activities done late (a due date counts as its whole day).",
    )

    @api.model
    def _get_activity_category_selection(self):
        # the categories of the installed apps (calendar adds "meeting")
        return self.env["mail.activity.type"]._fields["category"]._description_selection(self.env)

    @property
    def _table_query(self):
        # one scan of the activities, each joined to its customer or its deal: a UNION
        # of one branch per model scans them once per branch (twice the cost, bench/)
        # the day it was done where its assignee is (Odoo's date_done is the UTC date of
        # the moment, its date_deadline a day of the assignee's calendar), from the
        # moment Odoo archived it, as core reads user_tz (mail_activity_mixin.py)
        done_day = SQL(
            "((a.write_date AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(a.user_tz, 'UTC'))::date"
        )
        on_time = SQL(
            """CASE WHEN a.crm_deadline IS NOT NULL AND a.calendar_event_id IS NULL
                    THEN a.write_date <= a.crm_deadline
                    ELSE %s <= a.date_deadline END""",
            done_day,
        )
        delay = SQL(
            """CASE WHEN a.crm_deadline IS NOT NULL AND a.calendar_event_id IS NULL
                    THEN EXTRACT(EPOCH FROM a.write_date - a.crm_deadline) / 3600.0
                    ELSE (%s - a.date_deadline) * 24.0 END""",
            done_day,
        )
        return SQL(
            """
            SELECT a.id AS id,
                   a.summary AS summary,
                   %(done_day)s AS date_done,
                   a.date_deadline AS date_deadline,
                   a.crm_deadline AS deadline_at,
                   a.user_id AS user_id,
                   CASE WHEN so.id IS NOT NULL THEN so.team_id
                        ELSE COALESCE(owner.sale_team_id, assignee.sale_team_id) END AS team_id,
                   a.activity_type_id AS activity_type_id,
                   t.category AS activity_category,
                   a.res_model AS res_model,
                   COALESCE(so.partner_id, rp.id) AS partner_id,
                   so.id AS order_id,
                   a.crm_stage_id AS stage_id,
                   COALESCE(so.company_id, rp.company_id, assignee.company_id) AS company_id,
                   1 AS nbr_done,
                   CASE WHEN %(on_time)s THEN 1 ELSE 0 END AS nbr_on_time,
                   CASE WHEN %(on_time)s THEN 0 ELSE 1 END AS nbr_late,
                   CASE WHEN %(on_time)s THEN 100.0 ELSE 0.0 END AS on_time_rate,
                   CASE WHEN %(on_time)s THEN NULL ELSE %(delay)s END AS delay_hours
              FROM mail_activity a
              LEFT JOIN res_partner rp ON a.res_model = 'res.partner' AND rp.id = a.res_id
              LEFT JOIN res_users owner ON owner.id = rp.user_id
              LEFT JOIN sale_order so ON a.res_model = 'sale.order' AND so.id = a.res_id
              LEFT JOIN res_users assignee ON assignee.id = a.user_id
              LEFT JOIN mail_activity_type t ON t.id = a.activity_type_id
             WHERE a.active IS NOT TRUE
               AND a.res_model IN ('res.partner', 'sale.order')
               AND (rp.id IS NOT NULL OR so.id IS NOT NULL)
            """,
            done_day=done_day,
            on_time=on_time,
            delay=delay,
        )

    @api.readonly
    def action_open_document(self):
        """The customer or the deal the activity was done on."""
        self.ensure_one()
        record = self.order_id if self.res_model == "sale.order" else self.partner_id
        return record.get_formview_action()
