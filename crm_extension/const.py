"""Constants shared by the models and reports of crm_extension (like core's ``const.py``)."""

import operator

# the one group that sees the customer-card figures at all; the CRM role then scopes
# them (res.users.crm_finance_scope). Implied by the CRM roles and by the accounting
# groups that see the native money fields (security/crm_extension_groups.xml).
FIGURE_GROUP = "crm_extension.group_crm_figures"
# accounting users keep their native scope on customer documents, CRM role or not
FINANCE_GROUPS = ("account.group_account_invoice", "account.group_account_readonly")

CUSTOMER_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]
# the class as shown (scoped like the card) and as stored per company by the job
CLASS_FIELDS = ("crm_customer_class", "crm_customer_class_company")

AGING_BUCKETS = ("not_due", "1_30", "31_60", "61_90", "90_plus")
# payments the customer made: confirmed, whether matched to a bank statement yet or not
PAYMENT_STATES = ("in_process", "paid")
# quotations still open: draft or sent, neither confirmed nor cancelled
QUOTATION_STATES = ("draft", "sent")

# the comparisons of the searches on computed figures and contact days
OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

# the client base import (models/res_partner_import.py): the context key that puts Odoo's
# import of partners in customer mode, with the match keys in their order (set by the
# Customer Pipeline's action and its import wizard); the columns of a row that say who
# it already is, or whose person it is; a customer is a commercial entity, a contact a
# person of a company
CUSTOMER_IMPORT_KEYS = "crm_customer_import_keys"
IDENTITY_COLUMNS = ("id", ".id")
PARENT_COLUMNS = ("parent_id", "parent_id/id", "parent_id/.id")
CUSTOMER_DOMAIN = ["|", ("is_company", "=", True), ("parent_id", "=", False)]
CONTACT_DOMAIN = [("parent_id", "!=", False), ("is_company", "=", False)]
