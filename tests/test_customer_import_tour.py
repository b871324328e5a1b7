from odoo.tests import HttpCase, tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestCustomerImportTour(PipelineCommon, HttpCase):
    def test_salesperson_imports_a_client_base_from_the_customer_pipeline(self):
        # a CRM salesperson with Contact Creation, which Odoo gives internal users
        self.sp.group_ids += self.env.ref("base.group_partner_manager")
        baltic = self._customer(
            "Tour Baltic Stone", email="hello@tourbaltic.example", user_id=self.sp.id
        )
        count = self.env["res.partner"].search_count([])
        self.start_tour("/odoo", "crm_extension_customer_import", login=self.sp.login)
        self.assertEqual(baltic.name, "Tour Baltic Stone AB")
        self.assertEqual(self.env["res.partner"].search_count([]), count + 2)
        nordic = self.env["res.partner"].search([("name", "=", "Tour Nordic Tiles")])
        self.assertEqual(
            (nordic.pipeline_stage_id, nordic.user_id), (self.pstage_proposal, self.sp)
        )
        lars = self.env["res.partner"].search([("email", "=", "lars@tournordic.example")])
        self.assertEqual((lars.parent_id, lars.function), (nordic, "Buyer"))
