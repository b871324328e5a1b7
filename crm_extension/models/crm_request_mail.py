from odoo import api, models
from odoo.tools import html2plaintext, parse_contact_from_email

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
    def message_new(self, msg_dict, custom_values=None):
        """Run the intake on the e-mail and answer its deal, not the request: the
        gateway posts the e-mail itself on the record it gets, so the e-mail is in the
        deal's chatter, and the replies to it (and to what the salesperson answers
        from the deal) find the deal by their references: they land there, never in
        a new deal."""
        request = self.create(self._prepare_mail_request_vals(msg_dict, custom_values))
        return request.order_id
