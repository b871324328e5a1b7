"""The demo story: a window and kitchen installer with half a year of deals behind it."""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

# customer, salesperson, product, quantity, days since the request came in, where the
# deal ended, days it took to get there (or, for an open deal, days since its last move)
DEALS = [
    ("demo_customer_1", "demo_user_sofia", "demo_product_kitchen", 1, 170, "won", 40),
    ("demo_customer_6", "demo_user_marco", "demo_product_kitchen", 1, 150, "won", 35),
    ("demo_customer_7", "demo_user_sofia", "demo_product_kitchen", 3, 140, "won", 50),
    ("demo_customer_12", "demo_user_marco", "demo_product_kitchen", 1, 130, "lost", 20),
    ("demo_customer_11", "demo_user_sofia", "demo_product_wardrobe", 2, 120, "won", 25),
    ("demo_customer_8", "demo_user_marco", "demo_product_wardrobe", 6, 110, "won", 30),
    ("demo_customer_4", "demo_user_marco", "demo_product_wardrobe", 3, 100, "lost", 15),
    ("demo_customer_5", "demo_user_sofia", "demo_product_kitchen", 2, 90, "overdue", 20),
    ("demo_customer_3", "demo_user_sofia", "demo_product_kitchen", 1, 80, "won", 28),
    ("demo_customer_10", "demo_user_marco", "demo_product_kitchen", 1, 75, "overdue", 15),
    ("demo_customer_9", "demo_user_sofia", "demo_product_measure", 1, 60, "lost", 10),
    ("demo_customer_6", "demo_user_marco", "demo_product_wardrobe", 2, 50, "won", 21),
    ("demo_customer_7", "demo_user_sofia", "demo_product_wardrobe", 4, 40, "queue", 12),
    ("demo_customer_8", "demo_user_marco", "demo_product_kitchen", 1, 35, "queue", 10),
    ("demo_customer_11", "demo_user_sofia", "demo_product_kitchen", 1, 30, "confirmed", 8),
    ("demo_customer_3", "demo_user_marco", "demo_product_wardrobe", 2, 25, "sent", 6),
    ("demo_customer_4", "demo_user_sofia", "demo_product_kitchen", 1, 20, "sent", 9),
    ("demo_customer_2", "demo_user_marco", "demo_product_kitchen", 1, 18, "measure", 12),
    ("demo_customer_5", "demo_user_sofia", "demo_product_wardrobe", 1, 14, "measure", 10),
    ("demo_customer_10", "demo_user_marco", "demo_product_measure", 1, 6, "measure", 2),
    ("demo_customer_1", "demo_user_sofia", "demo_product_wardrobe", 2, 2, "first_call", 2),
    ("demo_customer_9", "demo_user_marco", "demo_product_kitchen", 1, 0, "first_call", 0),
]
LOST_REASONS = ["lost_reason_price", "lost_reason_competitor", "lost_reason_no_answer"]


class CrmDemo(models.AbstractModel):
    _name = "crm.demo"
    _description = "CRM Demo Story"

    def _demo_ref(self, xmlid):
        return self.env.ref(xmlid if "." in xmlid else f"crm_extension.{xmlid}")

    @api.model
    def _load_demo_story(self):
        """Play the demo deals through the real flows (stage moves, sending, invoicing,
        payments), then date each step back to when it happened in the story."""
        now = fields.Datetime.now()
        lost_reasons = iter(self._demo_ref(xmlid) for xmlid in LOST_REASONS)
        for index, (customer, user, product, qty, age, outcome, span) in enumerate(DEALS):
            created = now - timedelta(days=age, hours=index % 5)
            order = self.env["sale.order"].create(
                {
                    "partner_id": self._demo_ref(customer).id,
                    "user_id": self._demo_ref(user).id,
                    "team_id": self.env.ref("sales_team.team_sales_department").id,
                    "create_date": created,
                    "date_order": created,
                    "order_line": [
                        Command.create(
                            {"product_id": self._demo_ref(product).id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
            closed = created + timedelta(days=span)
            lost_reason = next(lost_reasons) if outcome == "lost" else None
            self._demo_play(order, outcome, lost_reason, closed)
            last_move = closed if outcome in ("won", "lost") else now - timedelta(days=span)
            self._demo_date_history(order, created, max(last_move, created))
        self.env["res.partner"]._cron_compute_customer_classes()

    def _demo_play(self, order, outcome, lost_reason, closed):
        measure = self._demo_ref("stage_order_qualified")
        if outcome == "first_call":
            return

        def work_done():
            # the people do the task of each stage before the deal moves on
            order.activity_ids.filtered("crm_stage_id")._action_done()

        work_done()
        order.write({"pipeline_stage_id": measure.id})
        if outcome == "lost":
            work_done()
            order.write(
                {
                    "pipeline_stage_id": self._demo_ref("stage_order_lost").id,
                    "pipeline_lost_reason_id": lost_reason.id,
                }
            )
            return
        if outcome == "measure":
            return
        work_done()
        order.action_quotation_sent()
        if outcome == "sent":
            return
        if outcome == "queue":
            order.action_send_to_accounting()
            order.date_order = closed
            return
        work_done()
        order.action_confirm()
        order.date_order = closed - timedelta(days=max((closed - order.create_date).days // 2, 1))
        if outcome == "confirmed":
            return
        work_done()
        invoice = order._create_invoices()
        invoice.write(
            {
                "invoice_date": (closed - timedelta(days=3)).date(),
                "invoice_payment_term_id": self.env.ref("account.account_payment_term_30days").id,
            }
        )
        invoice.action_post()
        if outcome == "won":
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": closed.date()})._create_payments()

    def _demo_date_history(self, order, start, end):
        """Spread the order's stage transitions (log and chatter tracking) evenly from
        ``start`` to ``end``; the activities of the stages it left are done, the one of
        its current stage falls due when its stage says."""
        logs = self.env["crm.pipeline.stage.log"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)], order="id"
        )
        steps = max(len(logs) - 1, 1)
        dates = [start + (end - start) * i / steps for i in range(len(logs))]
        previous = start
        for log, date in zip(logs, dates, strict=True):
            log.write({"date": date, "duration_hours": (date - previous).total_seconds() / 3600})
            previous = date
        field = self.env["ir.model.fields"]._get("sale.order", "pipeline_stage_id")
        trackings = order.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id == field
        ).sorted("id")
        self.env.flush_all()
        for tracking, date in zip(reversed(trackings), reversed(dates), strict=False):
            tracking.mail_message_id.date = date
            # the time in each stage counts from the tracking's creation (a log column)
            self.env.cr.execute(
                SQL(
                    "UPDATE mail_tracking_value SET create_date = %s WHERE id = %s",
                    date,
                    tracking.id,
                )
            )
        order.date_last_stage_update = dates[-1] if dates else end
        activities = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("crm_stage_id", "!=", False),
                ]
            )
        )
        closed = order.pipeline_stage_id.is_won or order.pipeline_stage_id.is_lost
        still_open = activities.filtered("active")
        still_open.filtered(
            lambda a: closed or a.crm_stage_id != order.pipeline_stage_id
        )._action_done()
        done = activities.filtered(lambda a: not a.active)
        # each stage's task was done on time, before the deal left the stage: the
        # Activity Analysis shows the calls and visits of the past months
        stays = {
            log.stage_to_id: (date, dates[index + 1] if index + 1 < len(dates) else end)
            for index, (log, date) in enumerate(zip(logs, dates, strict=True))
        }
        for activity in done:
            entered, left = stays.get(activity.crm_stage_id, (end, end))
            line = activity.crm_stage_activity_id
            due = entered + (line._due_delta() if line else timedelta())
            done_at = max(min(left, due), entered)
            self.env.cr.execute(
                SQL(
                    """UPDATE mail_activity SET date_deadline = %s, crm_deadline = %s,
                              date_done = %s, write_date = %s WHERE id = %s""",
                    due.date(),
                    due,
                    done_at.date(),
                    done_at,
                    activity.id,
                )
            )
        done.invalidate_recordset()
        for activity in activities - done:
            line = activity.crm_stage_activity_id
            due = order.date_last_stage_update + (line._due_delta() if line else timedelta())
            activity.date_deadline = due.date()
            activity.crm_deadline = due

    @api.model
    def _unload_demo_story(self):
        """Delete the orders, invoices and payments of the demo customers (nothing on a
        database without demo data)."""
        demo_partners = self.env["ir.model.data"].search(
            [("module", "=", "crm_extension"), ("model", "=", "res.partner")]
        )
        if not demo_partners:
            return
        partners = self.env["res.partner"].browse(demo_partners.mapped("res_id")).exists()
        domain = [("partner_id", "child_of", partners.ids)]
        # the payment wizards the story used are not vacuumed yet
        self.env["account.payment.register"].search(domain).unlink()
        payments = self.env["account.payment"].search(domain)
        payments.action_draft()
        payments.with_context(force_delete=True).unlink()
        moves = self.env["account.move"].search(domain)
        moves.filtered(lambda m: m.state == "posted").button_draft()
        # demo entries only: their sequence gaps do not matter
        moves.with_context(force_delete=True).unlink()
        orders = self.env["sale.order"].search(domain)
        orders._action_cancel()
        orders.unlink()
