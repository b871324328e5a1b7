from markupsafe import Markup

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import ConcurrencyError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, clean_context, plaintext2html

from .res_partner_match import MATCH_FIELDS

# the keys a request finds its customer by, in this order (the matcher's first key wins)
MATCH_KEYS = ("email", "phone", "vat")


class CrmRequest(models.Model):
    """The intake of a request: the customer, the salesperson, the deal.

    Every step is a hook (``_prepare_..._vals``, ``_crm_find_customer``) that another
    module extends with ``super()``. It runs as the system (sudo): whoever sends the
    request - a visitor of the web form, an e-mail, a salesperson taking a call - the
    deal is opened for the salesperson the team's turn gives, on a customer the sender
    may not be able to read.

    Concurrency: two requests of the same new e-mail (phone, VAT) at the same moment
    must not create two customers. The intake takes a transaction lock on each
    normalized key (``pg_advisory_xact_lock``) before it looks for the customer, and
    because Odoo's transactions are REPEATABLE READ (a transaction that waited for the
    lock still sees the database as it was before the other one committed), it checks
    once more in a fresh transaction before it creates a customer: if the other one
    created it meanwhile, the request is retried (``ConcurrencyError``, retried by
    Odoo's ``retrying`` like a serialization failure), and then finds it.
    """

    # one concern of crm.request per file (house style), not one class for all
    _inherit = "crm.request"  # pylint: disable=consider-merging-classes-inherited

    def _crm_intake(self):
        """Find or create the customer of each request of ``self``, assign it and open
        its deal; all of them or, on any error, none (the caller's savepoint)."""
        # sudo: see the class docstring; the caller created ``self`` with its own rights
        requests = self.sudo().with_context(clean_context(self.env.context))
        requests._crm_lock_match_keys()
        requests.team_id._lock_for_request_assignment()
        for request in requests:
            request._crm_intake_one()

    def _crm_match_row(self):
        """The details of the request the matcher reads."""
        self.ensure_one()
        return {"email": self.email, "phone": self.phone, "vat": self.vat}

    def _crm_lock_match_keys(self):
        """Take the transaction lock of every normalized key of ``self``, in one order
        for every transaction (no deadlock between two batches)."""
        keys = set()
        for request in self:
            Partner = self.env["res.partner"].with_company(request.company_id)
            for key, value in Partner._match_row_keys(request._crm_match_row(), MATCH_KEYS).items():
                if value:
                    keys.add(f"crm.request:{key}:{value}")
        for key in sorted(keys):
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", key))

    def _crm_find_customer(self):
        """The partner the request comes from, by the first key that matches anyone
        (e-mail, then phone, then VAT): ``(key, partner)``, ``(False, empty)`` when
        nobody has any of its details. Several customers for that key: the oldest one,
        and the deal's chatter says which others match."""
        self.ensure_one()
        # the customers of the request's company (the matcher reads env.companies)
        Partner = self.env["res.partner"].with_company(self.company_id)
        matches = Partner._match_partner_keys([self._crm_match_row()], MATCH_KEYS)[0]
        for key in MATCH_KEYS:
            partners = matches[key]
            if partners:
                # the contact who wrote, when one contact of one customer has the key
                customers = partners.commercial_partner_id.sorted("id")
                partner = partners if len(partners) == 1 else customers[0]
                return key, partner
        return False, Partner

    def _crm_check_no_concurrent_customer(self):
        """Raise ``ConcurrencyError`` when a transaction that committed after this one
        began created a customer with a key of the request (see the class docstring)."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_company(self.company_id)
        row_keys = Partner._match_row_keys(self._crm_match_row(), MATCH_KEYS)
        domain = Domain.OR(
            Domain(MATCH_FIELDS[key], "=", value) for key, value in row_keys.items() if value
        )
        if domain.is_false():
            return
        # the partners the matcher reads (active, shared or of these companies), by the
        # keys it computed here: the fresh transaction may not see our own records yet
        domain &= Domain("company_id", "in", [False, *Partner.env.companies.ids])
        with self.env.registry.cursor(readonly=True) as cr:
            partners = api.Environment(cr, SUPERUSER_ID, {})["res.partner"]
            found = partners.search_count(domain, limit=1)
        if found:
            # not a user error: Odoo's ``retrying`` runs the request again
            raise ConcurrencyError(
                f"A customer with the details of request {self.id} was created meanwhile"
            )

    def _crm_intake_one(self):
        self.ensure_one()
        key, partner = self._crm_find_customer()
        user = self.team_id._assign_request_salesperson(partner, self.company_id)
        if not partner:
            self._crm_check_no_concurrent_customer()
            partner = self._crm_create_prospect(user)
        order = self.env["sale.order"].create(self._prepare_order_vals(partner, user))
        self.write(
            {
                "partner_id": partner.id,
                "order_id": order.id,
                "user_id": user.id,
                "crm_match_key": key,
                "crm_intake_stage_id": order.pipeline_stage_id.id,
            }
        )
        self._crm_post_on_order(order, key)
        if key:
            self._crm_note_other_details(partner, order)

    # ---------------------------------------------------------------- the customer
    def _prepare_prospect_vals(self, user):
        """Values of the new customer of the request: the company it names, if any,
        with the sender as its contact (see ``_crm_create_prospect``)."""
        self.ensure_one()
        name = self.contact_name or self.company_name or self.email or self.phone
        vals = {
            "name": self.company_name or name,
            "is_company": bool(self.company_name),
            "customer_rank": 1,
            "user_id": user.id,
            "vat": self.vat,
            "company_id": False,
        }
        if not (self.company_name and self.contact_name):
            vals.update(email=self.email, phone=self.phone)
        return vals

    def _crm_create_prospect(self, user):
        """A prospect of the Customer Pipeline (its first stage: ``customer_rank``) and,
        when the request names a company and a person, that person as its contact:
        the partner of the deal."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        customer = Partner.create(self._prepare_prospect_vals(user))
        if not (self.company_name and self.contact_name):
            return customer
        return Partner.create(
            {
                "name": self.contact_name,
                "parent_id": customer.id,
                "type": "contact",
                "email": self.email,
                "phone": self.phone,
            }
        )

    def _crm_other_details(self, partner):
        """What the request says that the customer's record says otherwise:
        ``[(label, value of the request)]``. Never written on the customer: a
        stranger's text does not overwrite a customer's data."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        row_keys = Partner._match_row_keys(self._crm_match_row(), MATCH_KEYS)
        customer = partner.commercial_partner_id
        differ = []
        if self.contact_name and self.contact_name.casefold() != (partner.name or "").casefold():
            differ.append("contact_name")
        if self.company_name and self.company_name.casefold() != (customer.name or "").casefold():
            differ.append("company_name")
        known = {
            "email": {partner.email_normalized, customer.email_normalized},
            "phone": {partner.crm_phone_key, customer.crm_phone_key},
            "vat": {customer.crm_vat_key},
        }
        differ += [key for key in MATCH_KEYS if row_keys[key] and row_keys[key] not in known[key]]
        return [
            (self._fields[fname]._description_string(self.env), self[fname]) for fname in differ
        ]

    def _crm_note_other_details(self, partner, order):
        details = self._crm_other_details(partner)
        if not details:
            return
        lines = Markup("").join(
            Markup("<li>%s: %s</li>") % (label, value) for label, value in details
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "A request gives other details than the customer's record, which was "
                "left as it is: check them with the customer."
            ),
            lines,
        )
        partner.commercial_partner_id._message_log(body=body)
        order._message_log(body=body)

    # ---------------------------------------------------------------- the deal
    def _prepare_order_vals(self, partner, user):
        """Values of the deal of the request: a draft quotation in the first order stage
        (the default of ``sale.order``), for ``user``, with the request's UTM."""
        self.ensure_one()
        stage = self.env["crm.pipeline.stage"]._first_stage("order", self.company_id)
        if not stage:
            raise UserError(
                self.env._(
                    "No order stage can open the deal of this request in %(company)s: "
                    "an administrator sets up the Order Pipeline's stages first.",
                    company=self.company_id.name,
                )
            )
        return {
            "pipeline_stage_id": stage.id,
            "partner_id": partner.id,
            "user_id": user.id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
            "source_id": self.source_id.id,
            "medium_id": self.medium_id.id,
            "campaign_id": self.campaign_id.id,
            "origin": self.env._("Request %(id)s", id=self.id),
        }

    def _crm_post_on_order(self, order, key):
        """The request, as its sender wrote it, in the deal's chatter (escaped)."""
        self.ensure_one()
        channel = dict(self._fields["channel"]._description_selection(self.env))[self.channel]
        rows = [
            (self._fields[fname]._description_string(self.env), self[fname])
            for fname in ("contact_name", "company_name", "email", "phone", "vat")
            if self[fname]
        ]
        found = (
            self.env._(
                "Existing customer, found by %(key)s.",
                key=dict(self._fields["crm_match_key"]._description_selection(self.env))[key],
            )
            if key
            else self.env._("New prospect.")
        )
        body = Markup("<p><b>%s</b> %s</p><ul>%s</ul>") % (
            self.env._("Request by %(channel)s.", channel=channel),
            found,
            Markup("").join(Markup("<li>%s: %s</li>") % row for row in rows),
        )
        if self.message:
            body += plaintext2html(self.message)
        order.message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.env.ref("base.partner_root").id,
        )
