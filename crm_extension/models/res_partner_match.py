from odoo import api, fields, models
from odoo.fields import Domain

from ..tools.partner_keys import email_key, phone_key, vat_key

# the keys a row can be matched by, and the stored field of res.partner each one reads
MATCH_FIELDS = {
    "email": "email_normalized",
    "phone": "crm_phone_key",
    "vat": "crm_vat_key",
}


class ResPartner(models.Model):
    """Who an e-mail, a phone number or a VAT number already belongs to: normalized,
    stored and indexed keys on partners (rules in ``tools/partner_keys.py``) and
    :meth:`_match_partner_keys` / :meth:`_match_customer_keys`, the one matcher of the
    client base import and of the request intake."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # mail stores it (mail.thread.blacklist) but does not index it on partners
    email_normalized = fields.Char(index="btree_not_null")
    crm_phone_key = fields.Char(
        string="Phone Key",
        compute="_compute_crm_phone_key",
        store=True,
        index="btree_not_null",
        help="The phone number in international digits, to find a customer by phone.",
    )
    crm_vat_key = fields.Char(
        string="Tax ID Key",
        compute="_compute_crm_vat_key",
        store=True,
        index="btree_not_null",
        help="The Tax ID without spaces or dots, with its country prefix.",
    )

    @api.depends("phone", "country_id", "company_id.country_id")
    def _compute_crm_phone_key(self):
        for partner in self:
            country = partner._crm_key_country()
            partner.crm_phone_key = phone_key(partner.phone, country.phone_code)

    @api.depends("vat", "country_id", "company_id.country_id")
    def _compute_crm_vat_key(self):
        for partner in self:
            partner.crm_vat_key = vat_key(partner.vat, partner._crm_key_country().code)

    def _crm_key_country(self):
        """The country that completes a national phone or VAT number: the partner's,
        else its company's, else the current company's."""
        self.ensure_one()
        return self.country_id or self.company_id.country_id or self.env.company.country_id

    @api.model
    def _match_row_keys(self, row, keys=tuple(MATCH_FIELDS)):
        """The normalized ``keys`` of ``row``, a dict with ``email``, ``phone``, ``vat``
        and optionally ``country_id`` (an id or a res.country; the current company's
        country when missing): ``{key: normalized value or False}``."""
        country = row.get("country_id") or self.env.company.country_id
        if isinstance(country, int):
            country = self.env["res.country"].browse(country)
        normalize = {
            "email": lambda value: email_key(value),
            "phone": lambda value: phone_key(value, country.phone_code),
            "vat": lambda value: vat_key(value, country.code),
        }
        return {key: normalize[key](row.get(key)) for key in keys}

    @api.model
    def _match_partner_keys(self, rows, keys=tuple(MATCH_FIELDS), domain=None, row_keys=None):
        """The partners each of ``rows`` matches, per key: one search per key for all
        the rows, whatever their number.

        :param rows: dicts with ``email`` / ``phone`` / ``vat`` (any may be missing)
            and optionally ``country_id`` (see :meth:`_match_row_keys`)
        :param keys: the keys to match by, among ``email``, ``phone``, ``vat``
        :param domain: narrows the partners that may match, e.g. to companies
        :param row_keys: the rows' keys if the caller normalized them already
            (:meth:`_match_row_keys`, aligned with ``rows``)
        :return: one dict per row, ``{key: res.partner recordset}`` (empty when the
            row has no such key or nobody has it)

        The partners that may match are those the current user can read (record
        rules apply), active, shared or of the companies the user works in
        (``self.env.companies``): a row never lands on a partner the user could not
        open, nor on an archived one (archived customers are reactivated by hand).
        This is a public hook of the partner model for the import and the intake:
        other models call it, and may extend it with ``super()``."""
        if row_keys is None:
            row_keys = [self._match_row_keys(row, keys) for row in rows]
        base = Domain(domain or []) & Domain("company_id", "in", [False, *self.env.companies.ids])
        results = [{key: self.browse() for key in keys} for _row in rows]
        for key in keys:
            field = MATCH_FIELDS[key]
            values = {values[key] for values in row_keys if values[key]}
            if not values:
                continue
            partners = self.search_fetch(
                base & Domain(field, "in", list(values)), [field, "commercial_partner_id"]
            )
            by_value = partners.grouped(field)
            for result, values_of_row in zip(results, row_keys, strict=True):
                if values_of_row[key]:
                    result[key] = by_value.get(values_of_row[key], self.browse())
        return results

    @api.model
    def _match_customer_keys(self, rows, keys=("email", "phone", "vat")):
        """The customers (commercial partners) each of ``rows`` matches, per key:
        ``[{key: set of commercial partner ids}]``, aligned with ``rows``; a contact
        that matches stands for its company. See :meth:`_match_partner_keys`."""
        return [
            {key: set(partners.commercial_partner_id.ids) for key, partners in matches.items()}
            for matches in self._match_partner_keys(rows, keys)
        ]

    @api.model
    def _match_first_customer(self, row, keys=("email", "phone", "vat")):
        """The customer ``row`` belongs to by the first of ``keys`` that matches anyone
        (the intake's order: e-mail, then phone, then VAT): ``(key, commercial
        partners)``, ``(False, empty)`` when no key matches. More than one partner
        for that key is the caller's to decide (no guess here)."""
        matches = self._match_customer_keys([row], keys)[0]
        for key in keys:
            if matches[key]:
                return key, self.browse(sorted(matches[key]))
        return False, self.browse()
