"""The Activity Analysis and My Day's "Calls made" tile in the browser
(static/tests/tours/crm_activity_report_tour.js)."""

from odoo.tests import HttpCase, tagged

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestActivityReportTour(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        cls.sp.with_env(env).name = "Activity Rep"
        cls.sp2.with_env(env).name = "Activity Rep Two"
        partner = env["res.partner"].create({"name": "Activity Customer", "user_id": cls.sp.id})
        call = env.ref("mail.mail_activity_data_call")
        todo = env.ref("mail.mail_activity_data_todo")
        activities = env["mail.activity"]
        for user, activity_type, summary in (
            (cls.sp, call, "Activity call 1"),
            (cls.sp, call, "Activity call 2"),
            (cls.sp, todo, "Activity to-do"),
            (cls.sp2, call, "Activity call of two"),
        ):
            activities |= partner.activity_schedule(
                activity_type_id=activity_type.id, summary=summary, user_id=user.id
            )
        for activity in activities:
            activity.with_user(activity.user_id).action_done()

    def test_calls_made_tile_opens_the_activity_analysis(self):
        self.start_tour("/odoo", "crm_extension_activity_report", login=self.sp.login)
