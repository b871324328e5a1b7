from odoo import api, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    """Who owns a customer, and who may change that.

    A CRM salesperson sees the figures of the customers they own: the salesperson
    (``user_id``) of the commercial partner. Who may change that is checked on every
    path that changes it (``user_id``, ``parent_id``, ``is_company``,
    ``commercial_partner_id``: ``write`` in res_partner.py, and the deletion of a
    company below), and each change is logged in the chatter."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.ondelete(at_uninstall=False)
    def _unlink_except_contacts_changing_owner(self):
        """Deleting a partner detaches its contacts, which become customers of their own
        salesperson: the rule of moving them applies, and the chatter says it."""
        # sudo: who owns a contact decides, whatever the partner rules; archived
        # contacts are detached as well
        contacts = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("parent_id", "in", self.ids),
                    ("id", "not in", self.ids),
                    ("is_company", "=", False),
                ]
            )
        )
        changes = {
            contact.id: (
                contact.commercial_partner_id,
                contact.commercial_partner_id.user_id,
                contact,
                contact.user_id,
            )
            for contact in contacts
        }
        self._crm_check_ownership_changes(changes)
        self._crm_log_ownership_changes(changes)

    def _crm_may_reassign_customers(self):
        """Whether the current user may change the owner of a customer owned by someone
        else: CRM managers and above, Sales Administrators (they run the sales teams),
        Access Rights administrators (they could grant themselves the CRM manager role)
        and the superuser."""
        return self.env.su or self.env.user.has_groups(
            "crm_extension.group_crm_manager,sales_team.group_sale_manager,base.group_erp_manager"
        )

    def _crm_ownership_changes(self, vals):
        """The owner changes a write of ``vals`` on ``self`` would make, read before it is
        made: ``{partner id: (commercial partner, owner, new commercial partner, new
        owner)}`` for the partners of ``self`` whose commercial partner or owner (the
        salesperson of the commercial partner) changes. Contacts not in ``self`` follow
        their commercial partner."""
        owner_fields = {"user_id", "parent_id", "is_company", "commercial_partner_id"}
        if not self or not vals.keys() & owner_fields:
            return {}
        # sudo: who owns a partner decides the checks, whatever the partner rules; the
        # write itself is checked as the user
        partners = self.sudo()
        ids = set(partners._ids)
        new_user = self.env["res.users"].sudo().browse(vals.get("user_id"))
        new_parent = partners.browse(vals.get("parent_id"))
        changes = {}
        for partner in partners:
            commercial = partner.commercial_partner_id
            if "commercial_partner_id" in vals:
                new_commercial = partners.browse(vals["commercial_partner_id"]) or partner
            else:
                parent = new_parent if "parent_id" in vals else partner.parent_id
                is_company = vals["is_company"] if "is_company" in vals else partner.is_company
                new_commercial = (
                    partner if is_company or not parent else parent.commercial_partner_id
                )
            if "user_id" in vals and new_commercial.id in ids:
                new_owner = new_user
            else:
                new_owner = new_commercial.user_id
            if new_commercial != commercial or new_owner != commercial.user_id:
                changes[partner.id] = (commercial, commercial.user_id, new_commercial, new_owner)
        return changes

    def _crm_check_ownership_changes(self, changes):
        """Refuse the owner ``changes`` (:meth:`_crm_ownership_changes`) the current user
        may not make. Without :meth:`_crm_may_reassign_customers`, a user may release
        or give away a customer they own, and claim a customer that has no owner when
        its company allows it (``crm_allow_claim_unowned``); nothing else."""
        if not changes or self._crm_may_reassign_customers():
            return
        user = self.env.user
        for partner_id, (_commercial, owner, _new_commercial, new_owner) in changes.items():
            if owner == new_owner or owner == user:
                continue
            # sudo: only the name, for the refusal below (the user may not read it)
            partner = self.sudo().browse(partner_id)
            if owner:
                raise AccessError(
                    self.env._(
                        "%(partner)s is a customer of %(owner)s. Only a CRM manager can "
                        "change its salesperson or move it to a company with another "
                        "salesperson.",
                        partner=partner.display_name,
                        owner=owner.name,
                    )
                )
            if new_owner != user:
                raise AccessError(
                    self.env._(
                        "%(partner)s has no salesperson. Only a CRM manager can give it to "
                        "%(owner)s.",
                        partner=partner.display_name,
                        owner=new_owner.name,
                    )
                )
            if not (partner.company_id or self.env.company).crm_allow_claim_unowned:
                raise AccessError(
                    self.env._(
                        "%(partner)s has no salesperson, and your company does not let "
                        "salespeople claim such customers. Ask a CRM manager to assign it "
                        "to you.",
                        partner=partner.display_name,
                    )
                )

    def _crm_log_ownership_changes(self, changes):
        """Write the owner ``changes`` (:meth:`_crm_ownership_changes`) to the chatter of
        their partners, whatever the context of the call. A new salesperson of a
        commercial partner is already reported by mail's tracking of ``user_id`` when
        that tracking runs: it keeps, in the precommit data, the values it will compare
        (``mail.thread._track_prepare``); tracking switched off by the context leaves
        none, and a note is logged instead."""
        if not changes:
            return
        tracked = self.env.cr.precommit.data.get(f"mail.tracking.{self._name}") or {}
        nobody = self.env._("nobody")
        bodies = {}
        for partner_id, (commercial, owner, new_commercial, new_owner) in changes.items():
            names = {
                "old": commercial.display_name,
                "new": new_commercial.display_name,
                "owner": owner.name or nobody,
                "new_owner": new_owner.name or nobody,
            }
            if commercial != new_commercial and owner != new_owner:
                body = self.env._(
                    "Commercial entity changed from %(old)s to %(new)s: the salesperson "
                    "changed from %(owner)s to %(new_owner)s.",
                    **names,
                )
            elif commercial != new_commercial:
                body = self.env._(
                    "Commercial entity changed from %(old)s to %(new)s (salesperson: %(owner)s).",
                    **names,
                )
            elif "user_id" not in (tracked.get(partner_id) or {}):
                body = self.env._("Salesperson changed from %(owner)s to %(new_owner)s.", **names)
            else:
                continue
            bodies[partner_id] = body
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies)
