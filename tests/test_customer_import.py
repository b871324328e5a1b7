import csv
import io

import xlsxwriter

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import PipelineCommon

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what the import screen sends that matters here (base_import defaults the rest)
OPTIONS = {
    "encoding": "utf-8",
    "separator": ",",
    "quoting": '"',
    "has_headers": True,
    "advanced": True,
    "limit": 2000,
    "skip": 0,
}


def csv_file(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def xlsx_file(rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Customers")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


class ImportCommon(PipelineCommon):
    """Imports through base_import as the Customer Pipeline runs them: its action's
    context, the file parsed and mapped by Odoo, then ``execute_import``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # "Contact Creation" (base.group_partner_manager): what lets a user create
        # partners at all; Odoo gives it to internal users by default
        cls.sp.group_ids += cls.env.ref("base.group_partner_manager")
        cls.mgr.group_ids += cls.env.ref("base.group_partner_manager")
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "VIP"})
        action = cls.env.ref("crm_extension.res_partner_action_pipeline")
        cls.pipeline_context = {
            key: value
            for key, value in safe_eval(action.context).items()
            if not key.startswith("search_default")
        }

    def _import(self, user, rows, file_type=CSV, dryrun=False, keys=None, fields=None, **options):
        """Import ``rows`` (the first one: the headers) as ``user``; the mapping is
        Odoo's suggestion unless ``fields`` is given. Returns execute_import's result."""
        context = dict(self.pipeline_context)
        if keys is not None:
            context["crm_customer_import_keys"] = list(keys)
        content = csv_file(rows) if file_type == CSV else xlsx_file(rows)
        # as at the start of a request: a test run rolls back to a savepoint taken
        # without flushing, and would take computed keys pending from the test with it
        self.env.flush_all()
        importer = (
            self.env["base_import.import"]
            .with_user(user)
            .with_context(**context)
            .create(
                {
                    "res_model": "res.partner",
                    "file": content,
                    "file_type": file_type,
                    "file_name": "clients.csv" if file_type == CSV else "clients.xlsx",
                }
            )
        )
        preview = importer.parse_preview(dict(OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        if fields is None:
            fields = [
                "/".join(preview["matches"][i]) if i in preview["matches"] else False
                for i in range(len(rows[0]))
            ]
        return importer.execute_import(fields, rows[0], dict(OPTIONS, **options), dryrun=dryrun)

    def _partners(self):
        return self.env["res.partner"].with_context(active_test=False).search([])

    def _snapshot(self):
        partners = self._partners()
        return {
            p.id: (p.name, p.email, p.phone, p.vat, p.parent_id.id, p.user_id.id, p.function)
            for p in partners
        }

    def _errors(self, result):
        return [m["message"] for m in result["messages"] if m["type"] == "error"]

    def _assert_refused(self, result, *fragments):
        """The import wrote nothing and says why, with each of ``fragments``."""
        self.assertFalse(result["ids"])
        errors = " | ".join(self._errors(result))
        for fragment in fragments:
            self.assertIn(fragment, errors)

    def _by_email(self, email):
        return self.env["res.partner"].search([("email", "=", email)])


HEADERS = ["Name", "Email", "Phone", "Tax ID", "Company", "Role", "Stage", "Owner", "Tags"]


@tagged("post_install", "-at_install")
class TestCustomerImport(ImportCommon):
    def _file(self):
        return [
            HEADERS,
            [
                "Nordic Tiles",
                "info@nordic.example",
                "+45 33 12 34 56",
                "DK12345678",
                "",
                "",
                "Proposal",
                "crm_sp",
                "VIP",
            ],
            ["Lars Holm", "lars@nordic.example", "", "", "Nordic Tiles", "Buyer", "", "", ""],
            ["Baltic Stone", "hello@baltic.example", "", "", "", "", "", "Marc Demo Salesman", ""],
        ]

    def test_the_mapping_reads_the_usual_columns_of_a_client_base(self):
        importer = (
            self.env["base_import.import"]
            .with_user(self.sp)
            .with_context(**self.pipeline_context)
            .create({"res_model": "res.partner", "file": csv_file(self._file()), "file_type": CSV})
        )
        matches = importer.parse_preview(dict(OPTIONS))["matches"]
        mapped = {HEADERS[i]: "/".join(path) for i, path in matches.items()}
        self.assertEqual(mapped["Company"], "parent_id")
        self.assertEqual(mapped["Role"], "function")
        self.assertEqual(mapped["Stage"], "pipeline_stage_id")
        self.assertEqual(mapped["Owner"], "user_id")
        self.assertEqual(mapped["Tags"], "category_id")

    def _run_new_file(self, file_type):
        self.salesman.name = "Marc Demo Salesman"
        result = self._import(self.sp, self._file(), file_type=file_type)
        self.assertEqual(self._errors(result), [])
        nordic = self.env["res.partner"].search([("name", "=", "Nordic Tiles")])
        lars = self._by_email("lars@nordic.example")
        baltic = self._by_email("hello@baltic.example")
        self.assertEqual(len(result["ids"]), 3)
        self.assertTrue(nordic.is_company)
        self.assertTrue(nordic.customer_rank)
        self.assertEqual(nordic.pipeline_stage_id, self.pstage_proposal)
        self.assertEqual(nordic.user_id, self.sp)
        self.assertEqual(nordic.category_id, self.tag_vip)
        self.assertEqual((lars.parent_id, lars.function, lars.is_company), (nordic, "Buyer", False))
        # no stage in the file: the first customer stage; the owner by name
        self.assertEqual(baltic.pipeline_stage_id, self.pstage_exploration)
        self.assertEqual(baltic.user_id, self.salesman)
        return nordic

    def test_csv_file_brings_customers_and_contacts_into_the_pipeline(self):
        self._run_new_file(CSV)

    def test_xlsx_file_brings_customers_and_contacts_into_the_pipeline(self):
        self._run_new_file(XLSX)

    def test_reimport_of_the_same_file_changes_nothing(self):
        nordic = self._run_new_file(XLSX)
        before = self._snapshot()
        messages = nordic.message_ids
        result = self._import(self.sp, self._file(), file_type=XLSX)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(nordic.message_ids, messages)
        self.assertEqual(nordic.pipeline_stage_id, self.pstage_proposal)

    def test_dedup_by_tax_id_updates_the_customer(self):
        old = self._customer("Acme Old Name", vat="BE 0477.472.701", user_id=self.sp.id)
        count = len(self._partners())
        rows = [["Name", "Tax ID", "Email"], ["Acme NV", "be0477472701", "new@acme.example"]]
        result = self._import(self.sp, rows)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(result["ids"], old.ids)
        self.assertEqual((old.name, old.email), ("Acme NV", "new@acme.example"))
        self.assertEqual(len(self._partners()), count)

    def test_dedup_by_email_and_by_phone(self):
        by_email = self._customer("Mail Co", email="Desk@Mail.example")
        by_phone = self._customer("Phone Co", phone="+32 2 290 12 34")
        rows = [
            ["Name", "Email", "Phone"],
            ["Mail Company", "desk@mail.example", ""],
            ["Phone Company", "", "0032 2 290 12 34"],
        ]
        result = self._import(self.sp, rows)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(result["ids"], [by_email.id, by_phone.id])
        self.assertEqual((by_email.name, by_phone.name), ("Mail Company", "Phone Company"))

    def test_match_keys_and_their_order_are_those_of_the_import(self):
        by_email = self._customer("Mail Co", email="desk@mail.example")
        by_phone = self._customer("Phone Co", phone="+32 2 290 12 34")
        rows = [["Name", "Email", "Phone"], ["Who", "desk@mail.example", "+32 2 290 12 34"]]
        result = self._import(self.sp, rows, keys=["phone", "email"], dryrun=True)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(result["ids"], by_phone.ids)
        result = self._import(self.sp, rows, keys=["email"], dryrun=True)
        self.assertEqual(result["ids"], by_email.ids)
        count = len(self._partners())
        result = self._import(self.sp, rows, keys=[])
        self.assertNotIn(result["ids"][0], (by_email | by_phone).ids)
        self.assertEqual(len(self._partners()), count + 1)

    def test_a_contact_row_updates_the_contact_not_its_company(self):
        lars = self.env["res.partner"].create(
            {"name": "Lars", "email": "lars@acme.example", "parent_id": self.customer.id}
        )
        rows = [
            ["Name", "Email", "Company", "Role"],
            ["Lars Holm", "lars@acme.example", self.customer.name, "Buyer"],
        ]
        result = self._import(self.salesman, rows)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(result["ids"], lars.ids)
        self.assertEqual((lars.name, lars.function), ("Lars Holm", "Buyer"))
        self.assertEqual(self.customer.name, "Acme Kitchens")


@tagged("post_install", "-at_install")
class TestCustomerImportErrors(ImportCommon):
    """Each bad row says what is wrong, and the import writes nothing at all."""

    def _refused(self, rows, *fragments, user=None, dryrun=False):
        before = self._snapshot()
        result = self._import(user or self.sp, rows, dryrun=dryrun)
        self._assert_refused(result, *fragments)
        self.assertEqual(self._snapshot(), before)
        return result

    def test_unknown_owner_is_a_row_error(self):
        self._refused(
            [["Name", "Owner"], ["Good Co", "crm_sp"], ["Bad Co", "Nobody Here"]],
            "There is no user “Nobody Here”",
        )

    def test_unknown_or_order_stage_is_a_row_error(self):
        # "Measurements" is a stage of orders, not of customers
        result = self._refused(
            [["Name", "Stage"], ["Good Co", "Won"], ["Bad Co", "Measurements"]],
            "There is no customer stage “Measurements”",
            "Exploration, Proposal, Won, Lost",
        )
        (message,) = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual((message["record"], message["field"]), (1, "pipeline_stage_id"))

    def test_a_lost_stage_of_customers_is_not_taken_for_the_lost_stage_of_orders(self):
        result = self._import(self.sp, [["Name", "Stage"], ["Gone Co", "Lost"]], dryrun=True)
        # the lost stage needs a lost reason: the customer stage was the one chosen
        self.assertNotIn("There is no customer stage", " ".join(self._errors(result)))

    def test_malformed_email_is_a_row_error(self):
        self._refused(
            [["Name", "Email"], ["Good Co", "ok@good.example"], ["Bad Co", "bad@@example"]],
            "“bad@@example” is not a valid e-mail address.",
        )

    def test_a_row_matching_two_customers_is_an_error_not_a_guess(self):
        self._customer("Twin A", email="twin@example.com")
        self._customer("Twin B", email="TWIN@example.com")
        self._refused(
            [["Name", "Email"], ["Twin", "twin@example.com"]],
            "This row matches several partners by e-mail: Twin A, Twin B.",
        )

    def test_the_same_new_customer_twice_in_the_file_is_an_error(self):
        self._refused(
            [["Name", "Email"], ["One", "same@example.com"], ["Two", "Same@Example.com"]],
            "This row has the same e-mail as row 1 of the file (same@example.com)",
        )

    def test_a_big_file_is_read_window_by_window_as_the_screen_loads_it(self):
        rows = [
            ["Name", "Email"],
            ["One", "one@example.com"],
            ["Two", "two@example.com"],
            ["Bad", "bad@@example"],
        ]
        # the first window (2 rows) is loaded; the bad row waits for its own window
        result = self._import(self.sp, rows, limit=2)
        self.assertEqual(self._errors(result), [])
        self.assertEqual(len(result["ids"]), 2)
        self.assertEqual(result["nextrow"], 2)
        result = self._import(self.sp, rows, limit=2, skip=2)
        self._assert_refused(result, "is not a valid e-mail address")

    def test_test_run_writes_nothing(self):
        before = self._snapshot()
        result = self._import(
            self.sp, [["Name", "Email"], ["Fresh Co", "fresh@example.com"]], dryrun=True
        )
        self.assertEqual(self._errors(result), [])
        self.assertEqual(len(result["ids"]), 1)
        self.assertEqual(self._snapshot(), before)
        self.assertFalse(self._by_email("fresh@example.com"))

    def test_an_error_leaves_no_row_half_written(self):
        self._customer("Keep Co", email="keep@example.com")
        self._refused(
            [
                ["Name", "Email", "Owner"],
                ["Renamed Co", "keep@example.com", ""],
                ["New Co", "new@example.com", "ghost"],
            ],
            "There is no user “ghost”",
        )
        self.assertEqual(self._by_email("keep@example.com").name, "Keep Co")

    def test_a_user_who_may_not_create_partners_imports_nothing(self):
        # sp2 is a CRM salesperson without Contact Creation; plain has no sales right
        for user in (self.sp2, self.plain):
            with self.subTest(user=user.login):
                self._refused(
                    [["Name", "Email"], ["Nope Co", "nope@example.com"]],
                    "not allowed",
                    user=user,
                )

    def test_a_salesperson_may_not_take_another_salespersons_customer_by_import(self):
        # Acme Kitchens belongs to salesman: the row would give it to sp
        self.customer.email = "acme@kitchens.example"
        self._refused(
            [["Name", "Email", "Owner"], ["Acme Kitchens", "acme@kitchens.example", "crm_sp"]],
            "Only a CRM manager can change its salesperson",
        )

    def test_a_crm_manager_may_reassign_by_import(self):
        self.customer.email = "acme@kitchens.example"
        result = self._import(
            self.mgr,
            [["Name", "Email", "Owner"], ["Acme Kitchens", "acme@kitchens.example", "crm_sp"]],
        )
        self.assertEqual(self._errors(result), [])
        self.assertEqual(self.customer.user_id, self.sp)


@tagged("post_install", "-at_install")
class TestContactsImport(ImportCommon):
    def test_native_contacts_import_of_contacts_works_for_a_non_accountant(self):
        # Odoo's own import into Contacts (no customer mode), a contact with its company
        company = self._customer("Fjord Glass", user_id=self.sp.id)
        self.pipeline_context = {}
        result = self._import(self.sp, [["Name", "parent_id"], ["Ingrid", "Fjord Glass"]])
        self.assertEqual(self._errors(result), [])
        self.assertEqual(self.env["res.partner"].browse(result["ids"]).parent_id, company)


@tagged("post_install", "-at_install")
class TestCustomerImportWizard(ImportCommon):
    def test_the_wizard_opens_odoos_import_with_the_chosen_keys(self):
        wizard = (
            self.env["crm.customer.import.wizard"]
            .with_user(self.sp)
            .create({"match_keys": "email,phone,vat"})
        )
        action = wizard.action_open_import()
        self.assertEqual((action["type"], action["tag"]), ("ir.actions.client", "import"))
        self.assertEqual(action["params"]["active_model"], "res.partner")
        context = action["params"]["context"]
        self.assertEqual(context["crm_customer_import_keys"], ["email", "phone", "vat"])
        # the same customer mode as the Customer Pipeline's own "Import records"
        self.assertEqual(
            {k: v for k, v in context.items() if k != "crm_customer_import_keys"},
            {k: v for k, v in self.pipeline_context.items() if k != "crm_customer_import_keys"},
        )
