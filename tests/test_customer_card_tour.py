from odoo.tests import HttpCase, tagged

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestCustomerCardTour(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roles = {"salesperson": cls.sp, "manager": cls.mgr, "accountant": cls.acc}
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Card Tour Customer",
                "is_company": True,
                "user_id": cls.roles["salesperson"].id,
            }
        )
        cls._create_invoice_one_line(
            price_unit=250.0, tax_ids=[], partner_id=cls.customer, post=True
        )
        cls._create_invoice_one_line(price_unit=90.0, tax_ids=[], post=True)  # partner_a's

    def test_each_role_opens_the_card_and_its_open_invoices(self):
        for name, user in self.roles.items():
            with self.subTest(role=name):
                self.start_tour(
                    f"/odoo/res.partner/{self.customer.id}",
                    "crm_extension_customer_card",
                    login=user.login,
                )
