"""Issue 14, stage entry completed (who): a stage schedules several activities on entry,
each for its assignee (the owner, a named user, the activity type's default user, the
sales team leader), with its own due time, exit rule and overdue notice; an assignee who
left stops a move by hand and is replaced by the owner in a move by the system."""

from datetime import datetime, timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL, mute_logger

from .common import PipelineCommon, load_migration

NOW = datetime(2026, 3, 2, 10, 0, 0)


def _migration():
    return load_migration("19.0.1.7.0", "post-migrate.py")


class StageLinesCommon(PipelineCommon):
    """The fixture tree's ``surveyor`` and ``installer``, the type
    "Installation" whose default user is ``installer``, and the stage "Survey" (after
    the others, no trigger): a visit for ``surveyor`` due in 1 day and a to-do for the
    owner due in 2 hours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit = cls.env.ref("crm_extension.mail_activity_type_visit")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.install_type = cls.env["mail.activity.type"].create(
            {"name": "Installation", "default_user_id": cls.installer.id}
        )
        cls.stage_survey = cls.env["crm.pipeline.stage"].create(
            {
                "name": "Survey",
                "scope": "order",
                "sequence": 20,
                "activity_line_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "activity_type_id": cls.visit.id,
                            "summary": "Measure the windows on site",
                            "delay": 1,
                            "delay_unit": "days",
                            "assign_to": "user",
                            "user_id": cls.surveyor.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "activity_type_id": cls.todo.id,
                            "summary": "Tell the client when the surveyor comes",
                            "delay": 2,
                            "delay_unit": "hours",
                        }
                    ),
                ],
            }
        )
        cls.line_survey, cls.line_note = cls.stage_survey.activity_line_ids.sorted("sequence")

    def _line_activities(self, record, stage):
        return self._stage_activities(record).filtered(lambda a: a.crm_stage_id == stage)

    def _move(self, records, stage, user=None):
        records.with_user(user or self.salesman).write({"pipeline_stage_id": stage.id})

    def _counts(self, record):
        """What a refused move must leave as it was."""
        record.invalidate_recordset()
        return (
            record.pipeline_stage_id,
            len(self._logs(record)),
            self.env["mail.activity"].search_count([]),
        )


@tagged("post_install", "-at_install")
class TestStageActivityAssignees(StageLinesCommon):
    @freeze_time(NOW)
    def test_two_lines_schedule_two_activities_for_two_people(self):
        order = self._quotation()
        self._move(order, self.stage_survey)
        activities = self._line_activities(order, self.stage_survey)
        by_line = {a.crm_stage_activity_id: a for a in activities}
        self.assertEqual(set(by_line), {self.line_survey, self.line_note})
        survey, note = by_line[self.line_survey], by_line[self.line_note]
        self.assertEqual(
            (survey.user_id, survey.summary, survey.activity_type_id, survey.crm_deadline),
            (self.surveyor, "Measure the windows on site", self.visit, NOW + timedelta(days=1)),
        )
        self.assertEqual(
            (note.user_id, note.activity_type_id, note.crm_deadline),
            (self.salesman, self.todo, NOW + timedelta(hours=2)),
        )
        # told as Odoo tells an assignee, in his inbox or by e-mail
        notified = self.env["mail.notification"].search(
            [("res_partner_id", "=", self.surveyor.partner_id.id)]
        )
        self.assertIn(
            f'"{order.name}: Measure the windows on site" assigned to you',
            notified.mail_message_id.mapped("subject"),
        )
        # the surveyor reads the deal and his task (Sales: all documents)
        self.assertEqual(order.with_user(self.surveyor).name, order.name)
        self.assertIn(survey, self.env["mail.activity"].with_user(self.surveyor).search([]))

    @freeze_time(NOW)
    def test_each_kind_of_assignee(self):
        stage = self.env["crm.pipeline.stage"].create(
            {
                "name": "Everyone",
                "scope": "order",
                "sequence": 30,
                "activity_line_ids": [
                    Command.create({"activity_type_id": self.todo.id, "summary": kind, **vals})
                    for kind, vals in (
                        ("owner", {}),
                        ("user", {"assign_to": "user", "user_id": self.surveyor.id}),
                        (
                            "type_user",
                            {"assign_to": "type_user", "activity_type_id": self.install_type.id},
                        ),
                        ("team_leader", {"assign_to": "team_leader"}),
                    )
                ],
            }
        )
        order = self._quotation()
        self._move(order, stage)
        self.assertEqual(
            {a.summary: a.user_id for a in self._line_activities(order, stage)},
            {
                "owner": self.salesman,
                "user": self.surveyor,
                "type_user": self.installer,
                "team_leader": self.leader,
            },
        )

    @freeze_time(NOW)
    def test_missing_leader_or_default_user_falls_back_to_the_owner_then_the_mover(self):
        stage = self.env["crm.pipeline.stage"].create(
            {
                "name": "Fallbacks",
                "scope": "order",
                "sequence": 30,
                "activity_line_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.install_type.id,
                            "summary": "type_user",
                            "assign_to": "type_user",
                        }
                    ),
                    Command.create(
                        {
                            "activity_type_id": self.todo.id,
                            "summary": "team_leader",
                            "assign_to": "team_leader",
                        }
                    ),
                ],
            }
        )
        # the type loses its default user after the stage was configured
        self.install_type.default_user_id = False
        without_team = self._quotation(team_id=False)
        self._move(without_team, stage)
        self.assertEqual(
            {a.summary: a.user_id for a in self._line_activities(without_team, stage)},
            {"type_user": self.salesman, "team_leader": self.salesman},
        )
        nobodys = self._quotation(team_id=False, user_id=False)
        self._move(nobodys, stage, user=self.leader)
        self.assertEqual(self._line_activities(nobodys, stage).user_id, self.leader)

    @freeze_time(NOW)
    def test_customer_stage_for_the_team_leader_goes_to_the_owner(self):
        """A customer has no sales team: its team leader is its owner."""
        self.pstage_proposal.activity_line_ids = [
            Command.create({"activity_type_id": self.todo.id, "assign_to": "team_leader"})
        ]
        self.customer.with_user(self.leader).pipeline_stage_id = self.pstage_proposal
        self.assertEqual(
            self._line_activities(self.customer, self.pstage_proposal).user_id, self.salesman
        )

    def test_a_line_is_configured_completely_or_refused(self):
        Line = self.env["crm.pipeline.stage.activity"].with_user(self.crm_admin)
        base = {"stage_id": self.stage_installation.id, "activity_type_id": self.todo.id}
        with self.assertRaisesRegex(ValidationError, "named user: choose the user"):
            with self.env.cr.savepoint():
                Line.create(dict(base, assign_to="user"))
        with self.assertRaisesRegex(ValidationError, "has no default user"):
            with self.env.cr.savepoint():
                Line.create(dict(base, assign_to="type_user"))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                Line.create(dict(base, delay=-1)).flush_recordset()
        self.assertFalse(self.stage_installation.activity_line_ids)
        # a named user is only kept while the line is assigned to a named user
        line = Line.create(dict(base, assign_to="user", user_id=self.surveyor.id))
        line.assign_to = "owner"
        self.assertFalse(line.user_id)


@tagged("post_install", "-at_install")
class TestStageActivityAssigneeLeft(StageLinesCommon):
    def test_move_by_hand_to_an_assignee_who_left_is_refused_and_nothing_written(self):
        order = self._quotation()
        before = self._counts(order)
        self.surveyor.action_archive()
        with self.assertRaisesRegex(UserError, "has left.*choose another assignee on the stage"):
            self._move(order, self.stage_survey)
        self.assertEqual(self._counts(order), before)
        # whatever the context a client sends
        with self.assertRaises(UserError):
            order.with_user(self.salesman).with_context(
                crm_stage_init=True, tracking_disable=True
            ).pipeline_stage_id = self.stage_survey
        self.assertEqual(self._counts(order), before)
        # nor can a deal be created straight into the stage
        with self.assertRaises(UserError):
            self._quotation(pipeline_stage_id=self.stage_survey.id)
        self.assertEqual(self._counts(order), before)

    def test_assignee_not_allowed_in_the_company_of_the_record_has_left(self):
        company_b = self._create_company(name="Surveyors Elsewhere")
        self.surveyor.write(
            {"company_ids": [Command.set(company_b.ids)], "company_id": company_b.id}
        )
        order = self._quotation()
        before = self._counts(order)
        with self.assertRaisesRegex(UserError, "has left"):
            self._move(order, self.stage_survey)
        self.assertEqual(self._counts(order), before)

    @freeze_time(NOW)
    def test_move_by_the_system_gives_the_activity_to_the_owner_with_a_note(self):
        self.stage_approval.activity_line_ids = [
            Command.create(
                {
                    "activity_type_id": self.visit.id,
                    "summary": "Measure again",
                    "assign_to": "user",
                    "user_id": self.surveyor.id,
                }
            )
        ]
        self.surveyor.name = "Sam Surveyor"
        self.surveyor.action_archive()
        order = self._quotation()
        # the quotation sent moves the deal (a move by the system): it must not fail
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(order.pipeline_stage_id, self.stage_approval)
        activity = self._line_activities(order, self.stage_approval)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.summary, "Measure again")
        self.assertIn("Sam Surveyor", str(activity.note))
        self.assertIn("has left", str(activity.note))


@tagged("post_install", "-at_install")
class TestStageActivityLinesLifecycle(StageLinesCommon):
    def test_each_line_says_what_becomes_of_its_activity_on_exit(self):
        self.line_survey.on_exit = "keep"
        order = self._quotation()
        self._move(order, self.stage_survey)
        survey, note = self._line_activities(order, self.stage_survey).sorted(
            lambda a: a.crm_stage_activity_id.sequence
        )
        self._move(order, self.stage_installation)
        self.assertTrue(survey.exists(), "kept open, as its line says")
        self.assertFalse(note.exists(), "cancelled, as its line says")

    def test_each_line_says_whether_the_leader_is_told_when_overdue(self):
        self.line_survey.notify_leader = True
        with freeze_time(NOW):
            order = self._quotation()
            self._move(order, self.stage_survey)
        with freeze_time(NOW + timedelta(days=2)):
            self.env["mail.activity"]._cron_notify_overdue_stage_activities()
        notes = order.message_ids.filtered(lambda m: "Overdue" in (m.body or ""))
        by_summary = {
            summary: notes.filtered(lambda m, s=summary: s in m.body)
            for summary in (self.line_survey.summary, self.line_note.summary)
        }
        self.assertEqual(
            by_summary[self.line_survey.summary].partner_ids,
            self.surveyor.partner_id | self.leader.partner_id,
        )
        self.assertEqual(by_summary[self.line_note.summary].partner_ids, self.salesman.partner_id)

    def test_a_stage_with_lines_is_archived_not_deleted_and_its_lines_go_with_it(self):
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.stage_survey.with_user(self.crm_admin).unlink()
        lines = self.stage_survey.activity_line_ids
        self.stage_survey.with_user(self.crm_admin).activity_line_ids = [Command.clear()]
        self.assertFalse(lines.exists())
        self.stage_survey.with_user(self.crm_admin).unlink()

    def test_stage_form_edits_the_lines_in_the_activity_group(self):
        arch = self.env["crm.pipeline.stage"].get_view(view_type="form")["arch"]
        self.assertRegex(arch, r'(?s)name="activity".*name="activity_line_ids"')
        for fname in ("activity_type_id", "assign_to", "user_id", "on_exit", "notify_leader"):
            self.assertIn(f'name="{fname}"', arch)

    def test_the_lines_of_a_move_of_twenty_records_cost_the_queries_of_one(self):
        """What the two lines add to a move (against the same move into a stage without
        lines, whose tracking and log are per record) does not grow with the records.
        Odoo's own "assigned to you" notification (``mail.activity.action_notify``, one
        message per activity assigned to someone else than the mover) is left out of
        the count: it is the only cost per record, sent as Odoo sends it."""

        def queries(stage, count):
            with freeze_time(NOW):
                orders = self.env["sale.order"].concat(*(self._quotation() for _i in range(count)))
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            activity_class = type(self.env["mail.activity"])
            with freeze_time(NOW), patch.object(activity_class, "action_notify", lambda _a: None):
                self._move(orders, stage)
                self.env.flush_all()
            return self.env.cr.sql_log_count - before, orders

        def lines_cost(count):
            plain, _orders = queries(self.stage_installation, count)
            with_lines, orders = queries(self.stage_survey, count)
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("crm_stage_id", "=", self.stage_survey.id),
                ]
            )
            self.assertEqual(len(activities), 2 * count)
            self.assertEqual(activities.user_id, self.surveyor | self.salesman)
            return with_lines - plain

        lines_cost(1)  # warm-up
        self.assertEqual(lines_cost(20), lines_cost(1))


@tagged("post_install", "-at_install")
class TestStageActivityLinesRefusals(StageLinesCommon):
    def test_only_the_crm_administrator_configures_the_lines(self):
        vals = {"stage_id": self.stage_installation.id, "activity_type_id": self.todo.id}
        for user in (self.salesman, self.sp, self.mgr, self.sales_manager):
            Line = self.env["crm.pipeline.stage.activity"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Line.create(vals)
                with self.assertRaises(AccessError):
                    self.line_survey.with_user(user).write({"assign_to": "owner"})
                with self.assertRaises(AccessError):
                    self.line_note.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.stage_installation.with_user(user).write(
                        {"activity_line_ids": [Command.create({"activity_type_id": self.todo.id})]}
                    )
                # reading them is everyone's: a move reads what its stage schedules
                self.assertEqual(
                    self.stage_survey.with_user(user).activity_line_ids,
                    self.line_survey | self.line_note,
                )
        self.assertFalse(self.stage_installation.activity_line_ids)
        self.assertEqual(self.line_survey.assign_to, "user")
        self.assertTrue(self.line_note.exists())
        self.env["crm.pipeline.stage.activity"].with_user(self.crm_admin).create(vals)
        self.assertTrue(self.stage_installation.activity_line_ids)

    def test_salesperson_cannot_point_an_activity_at_a_stage_line(self):
        order = self._quotation()
        self._move(order, self.stage_survey)
        note = self._line_activities(order, self.stage_survey).filtered(
            lambda a: a.crm_stage_activity_id == self.line_note
        )
        for value in (self.line_survey.id, False):
            with self.assertRaises(UserError):
                note.with_user(self.salesman).write({"crm_stage_activity_id": value})
        note.invalidate_recordset()
        self.assertEqual(note.crm_stage_activity_id, self.line_note)
        Activity = self.env["mail.activity"].with_user(self.salesman)
        count = Activity.search_count([])
        vals = {
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": order.id,
            "activity_type_id": self.todo.id,
            "user_id": self.salesman.id,
        }
        with self.assertRaises(UserError):
            Activity.create(dict(vals, crm_stage_activity_id=self.line_note.id))
        with self.assertRaises(UserError):
            Activity.with_context(default_crm_stage_activity_id=self.line_note.id).create(vals)
        self.assertEqual(Activity.search_count([]), count)


@tagged("post_install", "-at_install")
class TestStageActivityMigration(PipelineCommon):
    """19.0.1.7.0: the one activity of a stage (its old columns) becomes its first line,
    and the activities it scheduled point at that line."""

    def _old_columns(self):
        self.env.cr.execute(
            """ALTER TABLE crm_pipeline_stage
                 ADD COLUMN IF NOT EXISTS activity_type_id integer,
                 ADD COLUMN IF NOT EXISTS activity_summary jsonb,
                 ADD COLUMN IF NOT EXISTS activity_delay integer,
                 ADD COLUMN IF NOT EXISTS activity_delay_unit varchar,
                 ADD COLUMN IF NOT EXISTS activity_on_exit varchar,
                 ADD COLUMN IF NOT EXISTS activity_notify_leader boolean"""
        )

    def test_each_stage_keeps_its_activity_as_a_line_and_its_activities_follow(self):
        self.env["res.lang"]._activate_lang("da_DK")
        Stage = self.env["crm.pipeline.stage"]
        old = Stage.create({"name": "Old call", "scope": "order", "sequence": 40})
        plain = Stage.create({"name": "Old plain", "scope": "order", "sequence": 41})
        call = self.env.ref("mail.mail_activity_data_call")
        order = self._quotation()
        activity = order.sudo().activity_schedule(
            activity_type_id=call.id, user_id=self.salesman.id, crm_stage_id=old.id
        )
        self.env.flush_all()
        self._old_columns()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_pipeline_stage
                      SET activity_type_id = %s, activity_summary = %s, activity_delay = 15,
                          activity_delay_unit = 'minutes', activity_on_exit = 'keep',
                          activity_notify_leader = TRUE
                    WHERE id = %s""",
                call.id,
                '{"en_US": "Call back", "da_DK": "Ring tilbage"}',
                old.id,
            )
        )
        # the stages configured in the tests already have their line: left as they are
        lines_before = self.stage_first_call.activity_line_ids
        self.env.cr.execute(
            SQL(
                "UPDATE crm_pipeline_stage SET activity_type_id = %s WHERE id = %s",
                call.id,
                self.stage_first_call.id,
            )
        )
        migration = _migration()
        migration.migrate(self.env.cr, "19.0.1.6.0")
        migration.migrate(self.env.cr, "19.0.1.6.0")  # twice: nothing more
        self.env.invalidate_all()
        line = old.activity_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(
            (line.activity_type_id, line.summary, line.delay, line.delay_unit),
            (call, "Call back", 15, "minutes"),
        )
        self.assertEqual(line.with_context(lang="da_DK").summary, "Ring tilbage")
        self.assertEqual(
            (line.assign_to, line.on_exit, line.notify_leader), ("owner", "keep", True)
        )
        self.assertFalse(plain.activity_line_ids)
        self.assertEqual(self.stage_first_call.activity_line_ids, lines_before)
        self.assertEqual(activity.crm_stage_activity_id, line)
        first_call = self._stage_activities(order).filtered(
            lambda a: a.crm_stage_id == self.stage_first_call
        )
        self.assertEqual(first_call.crm_stage_activity_id, lines_before)
        self.assertTrue(fields.Datetime.now() >= line.create_date)
