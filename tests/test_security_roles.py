"""Who may hand out which CRM role (issue 10, item 2), tried as the CRM administrator."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PipelineCommon

ACCOUNTANT = "crm_extension.group_crm_accountant"
BILLING = "account.group_account_invoice"


@tagged("post_install", "-at_install")
class TestRoleGrants(PipelineCommon):
    """A CRM administrator holds the Manager and Sales: Administrator rights, not
    Invoicing: Billing: they may give and take away the roles they hold themselves, to
    internal users of their companies, and nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.company
        cls.branch = cls.env["res.company"].create({"name": "Branch", "parent_id": cls.main.id})
        cls.elsewhere = cls.env["res.company"].create({"name": "Elsewhere Ltd"})
        cls.target = new_test_user(cls.env, login="role_target", groups="base.group_user")
        cls.branch_user = new_test_user(
            cls.env,
            login="role_branch_user",
            groups="base.group_user",
            company_id=cls.branch.id,
            company_ids=[Command.set(cls.branch.ids)],
        )
        cls.two_company_user = new_test_user(
            cls.env,
            login="role_two_companies",
            groups="base.group_user",
            company_ids=[Command.set((cls.main | cls.elsewhere).ids)],
        )
        cls.portal = new_test_user(cls.env, login="role_portal", groups="base.group_portal")
        cls.rights_admin = new_test_user(
            cls.env,
            login="role_rights_admin",
            groups="crm_extension.group_crm_admin,base.group_erp_manager",
        )

    def _apply(self, granter, users, role, **context):
        wizard = (
            self.env["crm.set.role.wizard"]
            .with_user(granter)
            .with_context(active_ids=users.ids, **context)
            .create({"role": role})
        )
        return wizard.action_apply()

    def _groups(self, user):
        return self.env["res.users"].sudo().browse(user.id).group_ids

    def test_crm_admin_cannot_give_the_accountant_role(self):
        before = self._groups(self.target)
        with self.assertRaisesRegex(AccessError, "Accountant"):
            self._apply(self.crm_admin, self.target, "accountant")
        self.assertEqual(self._groups(self.target), before, "nothing written")
        self.assertFalse(self.target.has_group(BILLING))
        # a context key does not help
        with self.assertRaises(AccessError):
            self._apply(self.crm_admin, self.target, "accountant", crm_skip_role_check=True)
        self.assertFalse(self.target.has_group(ACCOUNTANT))

    def test_crm_admin_cannot_take_the_accountant_role_away(self):
        for role in ("none", "salesperson", "manager", "admin"):
            with self.subTest(role=role), self.assertRaisesRegex(AccessError, "Accountant"):
                self._apply(self.crm_admin, self.acc, role)
            self.assertTrue(self.acc.has_group(ACCOUNTANT))
            self.assertTrue(self.acc.has_group(BILLING))

    def test_a_selection_with_one_forbidden_user_changes_nobody(self):
        with self.assertRaises(AccessError):
            self._apply(self.crm_admin, self.target | self.acc, "salesperson")
        self.assertFalse(self.target.has_group("crm_extension.group_crm_salesperson"))
        self.assertTrue(self.acc.has_group(ACCOUNTANT))

    def test_crm_admin_gives_and_takes_the_roles_they_hold(self):
        for role, xmlid in (
            ("salesperson", "crm_extension.group_crm_salesperson"),
            ("manager", "crm_extension.group_crm_manager"),
            ("admin", "crm_extension.group_crm_admin"),
        ):
            with self.subTest(role=role):
                self._apply(self.crm_admin, self.target, role)
                self.assertTrue(self.target.has_group(xmlid))
        self._apply(self.crm_admin, self.target, "none")
        self.assertFalse(self.target.has_group("crm_extension.group_crm_salesperson"))

    def test_only_internal_users_of_the_granter_companies(self):
        for user in (self.branch_user, self.two_company_user, self.portal):
            before = self._groups(user)
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._apply(self.crm_admin, user, "salesperson")
            self.assertEqual(self._groups(user), before, "nothing written")

    def test_a_granter_allowed_in_the_branch_may_set_roles_there(self):
        self.crm_admin.company_ids += self.branch
        self._apply(self.crm_admin, self.branch_user, "salesperson")
        self.assertTrue(self.branch_user.has_group("crm_extension.group_crm_salesperson"))

    def test_a_granter_holding_the_billing_rights_gives_the_accountant_role(self):
        # an accountant who is also CRM administrator (groups set by Access Rights)
        self.crm_admin.group_ids += self.env.ref(ACCOUNTANT)
        self._apply(self.crm_admin, self.target, "accountant")
        self.assertTrue(self.target.has_group(BILLING))
        self._apply(self.crm_admin, self.target, "manager")
        self.assertFalse(self.target.has_group(BILLING))

    def test_access_rights_admin_gives_and_takes_any_role(self):
        self._apply(self.rights_admin, self.target, "accountant")
        self.assertTrue(self.target.has_group(BILLING))
        self._apply(self.rights_admin, self.acc, "salesperson")
        self.assertFalse(self.acc.has_group(BILLING))

    def test_crm_admin_cannot_set_groups_another_way(self):
        accountant_group = self.env.ref(ACCOUNTANT)
        with self.assertRaises(AccessError):
            self.target.with_user(self.crm_admin).write(
                {"group_ids": [Command.link(accountant_group.id)]}
            )
        with self.assertRaises(AccessError):
            accountant_group.with_user(self.crm_admin).write(
                {"user_ids": [Command.link(self.target.id)]}
            )
        # the method behind the wizard checks on its own
        with self.assertRaises(AccessError):
            self.target.with_user(self.crm_admin)._crm_set_role(accountant_group)
        self.assertFalse(self.target.has_group(ACCOUNTANT))
