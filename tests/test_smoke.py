from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSmoke(TransactionCase):
    def test_stage_model_installed(self):
        self.assertTrue(self.env["crm.pipeline.stage"].search([]))
