from odoo import api, models
from odoo.tools.mail import html2plaintext, parse_contact_from_email, unfold_references

from .crm_request import REQUEST_FIELD_SIZES


class CrmRequest(models.Model):
    """The e-mail channel: an e-mail to a team's request alias (``crm.team``
    ``crm_request_alias_id``) is a request of that team."""

    # one concern of crm.request per file (house style), not one class for all
    _inherit = "crm.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _prepare_mail_request_vals(self, msg_dict, custom_values=None):
        """Values of the request an incoming e-mail makes (``msg_dict``: see
        ``mail.thread.message_new``): the sender, the subject and the text of the body,
        cut to the sizes of a request (the whole e-mail is in the deal's chatter)."""
        name, email = parse_contact_from_email(msg_dict.get("email_from") or "")
        subject = msg_dict.get("subject") or ""
        body = html2plaintext(msg_dict.get("body") or "")
        message = f"{subject}\n\n{body}".strip() if subject else body
        return {
            **(custom_values or {}),
            "channel": "email",
            "contact_name": (name or "")[: REQUEST_FIELD_SIZES["contact_name"]],
            "email": email,
            "message": message[: REQUEST_FIELD_SIZES["message"]],
        }

    @api.model
    def _get_replied_order(self, msg_dict):
        """The deal an incoming e-mail replies to (by its references), if any."""
        references = unfold_references(msg_dict.get("references") or msg_dict.get("in_reply_to"))
        if not references:
            return self.env["sale.order"]
        message = self.env["mail.message"].search(
            [("message_id", "in", references), ("model", "=", "sale.order")], limit=1
        )
        return self.env["sale.order"].browse(message.res_id).exists()

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Run the intake on the e-mail and answer its deal, not the request: the
        gateway posts the e-mail itself on the record it gets, so the e-mail is in the
        deal's chatter, and the replies to it (and to what the salesperson answers
        from the deal) find the deal by their references.

        A reply sent to the alias too comes here rather than to the deal (the gateway
        takes an e-mail to an alias of another model for a forward): it is the deal's,
        not a new request."""
        order = self._get_replied_order(msg_dict)
        if order:
            order.message_update(msg_dict)
            return order
        request = self.create(self._prepare_mail_request_vals(msg_dict, custom_values))
        return request.order_id
