import secrets
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_request import REQUEST_FIELD_SIZES


class CrmTeam(models.Model):
    """The web channel of the request intake: a public request page per sales team and
    the key a form on another website posts to ``/crm/request/submit`` with."""

    # one concern of crm.team per file (house style): the web channel
    _inherit = "crm.team"  # pylint: disable=consider-merging-classes-inherited

    _crm_request_key_unique = models.Constraint(
        "UNIQUE(crm_request_key)",
        "Two sales teams cannot share a request key: regenerate one of them.",
    )

    crm_request_page = fields.Boolean(
        string="Public Request Page",
        help="Anyone with the link can leave a request for this team on a page served by "
        "Odoo itself; each request becomes a deal in the first stage of the Order Pipeline.",
    )
    crm_request_key = fields.Char(
        string="Request Key",
        copy=False,
        readonly=True,
        groups="sales_team.group_sale_manager",
        help="Identifies this team to the request endpoint /crm/request/submit. It is not "
        "a password (it sits in the HTML of the form that posts it): regenerate it to cut "
        "off a form that is abused. Without a key the endpoint refuses requests for the team.",
    )
    crm_request_thanks_url = fields.Char(
        string="Thank-you Page",
        groups="sales_team.group_sale_manager",
        help="Where a form posted to the request endpoint sends the visitor afterwards "
        "(http or https). Left empty, Odoo shows its own thank-you page. The form itself "
        "cannot choose this address.",
    )
    crm_request_url = fields.Char(
        string="Request Page URL", compute="_compute_crm_request_url", compute_sudo=True
    )
    crm_request_embed = fields.Text(
        string="Embed Snippet",
        compute="_compute_crm_request_embed",
        groups="sales_team.group_sale_manager",
        help="HTML to paste into another website: a link to the request page, or a form "
        "that posts to the request endpoint with this team's key (style it as you like; "
        "keep the field names and the hidden key and honeypot).",
    )

    @api.depends("crm_request_page", "name")
    def _compute_crm_request_url(self):
        # the base URL of each team's company (get_base_url reads one record)
        for team in self:
            if team.crm_request_page and team.id:
                team.crm_request_url = f"{team.get_base_url()}{team._get_crm_request_path()}"
            else:
                team.crm_request_url = False

    @api.depends("crm_request_url", "crm_request_key")
    def _compute_crm_request_embed(self):
        for team in self:
            snippets = []
            if team.crm_request_url:
                # a link, not a frame: browsers that block third-party cookies would drop
                # the session of a framed page, and with it the form's CSRF token
                snippets.append(
                    Markup('<a href="%s" target="_blank">%s</a>')
                    % (team.crm_request_url, self.env._("Leave us a request"))
                )
            if team.crm_request_key:
                snippets.append(team._get_crm_request_form_snippet(team.get_base_url()))
            team.crm_request_embed = "\n\n".join(snippets) or False

    @api.constrains("crm_request_thanks_url")
    def _check_crm_request_thanks_url(self):
        for team in self:
            url = team.crm_request_thanks_url
            parts = urlsplit(url or "")
            if url and (parts.scheme not in ("http", "https") or not parts.netloc):
                raise ValidationError(
                    self.env._(
                        "The thank-you page of team %(team)s must be an http or https "
                        "address, such as https://example.com/thanks.",
                        team=team.name,
                    )
                )

    def _get_crm_request_form_snippet(self, base):
        """A bare HTML form for another website, posting to the request endpoint with
        the team's key (extension point: a module may offer a styled one)."""
        self.ensure_one()
        sizes = REQUEST_FIELD_SIZES
        return Markup(
            '<form action="%s/crm/request/submit" method="post">\n'
            '  <input type="hidden" name="key" value="%s"/>\n'
            '  <input name="contact_name" maxlength="%s" placeholder="Name"/>\n'
            '  <input name="company_name" maxlength="%s" placeholder="Company"/>\n'
            '  <input name="email" type="email" maxlength="%s" placeholder="E-mail"/>\n'
            '  <input name="phone" type="tel" maxlength="%s" placeholder="Phone"/>\n'
            '  <textarea name="message" maxlength="%s"></textarea>\n'
            '  <input name="homepage" style="display: none;" tabindex="-1" autocomplete="off"/>\n'
            '  <button type="submit">Send</button>\n'
            "</form>"
        ) % (
            base,
            self.crm_request_key,
            sizes["contact_name"],
            sizes["company_name"],
            sizes["email"],
            sizes["phone"],
            sizes["message"],
        )

    def _get_crm_request_path(self):
        """The path of the team's public request page (``/crm/request/<slug>``)."""
        self.ensure_one()
        return f"/crm/request/{self.env['ir.http']._slug(self)}"

    def action_crm_request_generate_key(self):
        """Give each team a new request key: the old one stops working at once."""
        for team in self:
            team.crm_request_key = secrets.token_urlsafe(24)
        return True
