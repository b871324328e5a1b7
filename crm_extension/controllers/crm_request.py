"""The web channel of the request intake, served by Odoo itself (no Website app).

- ``GET /crm/request/<team slug>``: a team's public request page (404 when the page is
  off); ``POST`` to the same address with the page's CSRF token leaves the request, then
  the visitor lands on ``/crm/request/<team slug>/thanks``.
- ``POST /crm/request/submit``: for a form on another website, form-encoded or JSON,
  without CSRF (a page of another site cannot have Odoo's token) but with the team's
  ``key``. Answers JSON to JSON, otherwise a redirect to the team's own thank-you page
  (set on the team; never an address the form chooses) or Odoo's thank-you page.

Both go through ``crm.request``'s ``create``, the one intake, with only the fields a
visitor may give. A filled honeypot field gets the same thank-you as a real request with
nothing written; so does a request for an e-mail that is already known: no answer tells a
stranger who the company's customers are.
"""

import json
import logging

from werkzeug.exceptions import BadRequest

from odoo import SUPERUSER_ID, api, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import escape_psql

from ..models.crm_request import REQUEST_FIELD_SIZES
from .crm_request_guard import RateLimited, check_rate_limit, team_turn

_logger = logging.getLogger(__name__)

# what a visitor may fill in (the rest of crm.request is the intake's business)
VISITOR_FIELDS = ("contact_name", "company_name", "email", "phone", "vat", "message")
# UTM records a form may name: found by name, never created from public input
UTM_FIELDS = {"source": "utm.source", "medium": "utm.medium", "campaign": "utm.campaign"}
HONEYPOT = "homepage"
MAX_BODY = 64 * 1024  # no legitimate request comes near it


class CrmRequestController(http.Controller):
    # ------------------------------------------------------------------ the page

    @http.route(
        "/crm/request/<string:team_slug>",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
    )
    def crm_request_page(self, team_slug, **_kwargs):
        team = self._get_page_team(team_slug)
        return request.render("crm_extension.crm_request_page", self._prepare_page_values(team, {}))

    @http.route(
        "/crm/request/<string:team_slug>",
        type="http",
        auth="public",
        methods=["POST"],
        max_content_length=MAX_BODY,
    )
    def crm_request_page_post(self, team_slug, **post):
        # the CSRF token was checked by Odoo before we got here (csrf defaults to True)
        team = self._get_page_team(team_slug)
        thanks = request.redirect(f"{team._get_crm_request_path()}/thanks")
        try:
            self._intake(team, post)
        except RateLimited:
            return self._render_page(team, post, self._rate_limit_message(), status=429)
        except (UserError, ValidationError) as error:
            if not _is_input_error(error):
                raise
            return self._render_page(team, post, error.args[0], status=400)
        return thanks

    @http.route(
        "/crm/request/<string:team_slug>/thanks",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
    )
    def crm_request_thanks(self, team_slug, **_kwargs):
        team = self._get_page_team(team_slug)
        return request.render("crm_extension.crm_request_thanks", {"team": team})

    # ------------------------------------------------------------------ the endpoint

    @http.route(
        "/crm/request/submit",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        cors="*",
        max_content_length=MAX_BODY,
    )
    def crm_request_submit(self, **post):
        as_json = request.httprequest.mimetype == "application/json"
        if as_json:
            try:
                post = request.get_json_data()
            except ValueError as error:
                raise BadRequest(request.env._("The request body is not valid JSON.")) from error
            if not isinstance(post, dict):
                raise BadRequest(request.env._("The request body must be a JSON object."))
        key = post.get("key")
        team = self._get_key_team(key if isinstance(key, str) else "")
        if not team:
            return self._endpoint_answer(
                as_json, 403, request.env._("Unknown or missing request key.")
            )
        try:
            self._intake(team, post)
        except RateLimited:
            return self._endpoint_answer(as_json, 429, self._rate_limit_message())
        except (UserError, ValidationError) as error:
            if not _is_input_error(error):
                raise
            return self._endpoint_answer(as_json, 400, error.args[0])
        if as_json:
            return request.make_json_response(
                {"status": "ok", "message": self._thanks_message()}, status=200
            )
        # the team's own page, set by its manager: a form cannot send visitors elsewhere
        if team.crm_request_thanks_url:
            return request.redirect(team.crm_request_thanks_url, local=False)
        return request.render("crm_extension.crm_request_thanks", {"team": team})

    # ------------------------------------------------------------------ helpers

    def _get_page_team(self, team_slug):
        """The team of a public page, as superuser (the visitor cannot read teams; only
        its name and company are shown); 404 unless its page is on."""
        _slug, team_id = request.env["ir.http"]._unslug(team_slug)
        if not team_id:
            raise request.not_found()
        # sudo: a public visitor reads the one team whose page its manager turned on
        team = request.env["crm.team"].sudo().browse(team_id).exists()
        if not team or not team.active or not team.crm_request_page:
            raise request.not_found()
        self._set_visitor_lang(team)
        return team

    def _set_visitor_lang(self, team):
        """The page and the answers in the visitor's language when the database has it
        (the browser's Accept-Language), else in the language of the team's company."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        accepted = request.httprequest.accept_languages.best_match(
            [code.replace("_", "-") for code in installed]
        )
        # sudo: the visitor may not read the company's partner, only its language
        company = (team.company_id or request.env.company).sudo()
        lang = accepted.replace("-", "_") if accepted else company.partner_id.lang
        if lang in installed:
            request.update_context(lang=lang)

    def _get_key_team(self, key):
        if not key or len(key) > 128:
            return request.env["crm.team"]
        # sudo: the key is the visitor's only credential, checked right here
        team = request.env["crm.team"].sudo().search([("crm_request_key", "=", key)], limit=1)
        if team:
            self._set_visitor_lang(team)
        return team

    def _prepare_page_values(self, team, post, error=None):
        return {
            "team": team,
            "company": team.company_id or request.env.company,
            "values": {name: post.get(name) or "" for name in VISITOR_FIELDS},
            "error": error,
            "honeypot": HONEYPOT,
            "max_lengths": REQUEST_FIELD_SIZES,
        }

    def _render_page(self, team, post, error, status):
        return request.render(
            "crm_extension.crm_request_page",
            self._prepare_page_values(team, post, error),
            status=status,
        )

    def _endpoint_answer(self, as_json, status, message):
        if as_json:
            return request.make_json_response(
                {"status": "error", "message": message}, status=status
            )
        return request.make_response(
            message, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status
        )

    def _thanks_message(self):
        return request.env._("Thank you: your request is in, we will call you back shortly.")

    def _rate_limit_message(self):
        return request.env._(
            "Too many requests from your address: please try again later or call us."
        )

    def _intake(self, team, post):
        """Leave the visitor's request for ``team``; nothing is written when it is refused.

        A filled honeypot returns as if the request were taken. Raises
        :class:`RateLimited`, or the intake's UserError/ValidationError (its transaction
        rolled back: the refused request leaves nothing behind).

        The intake runs as the superuser, like website_form: the public visitor has no
        right on requests, and the deal, its activity and its customer must not be
        created by the public user (a salesperson of another company could not read
        it). It takes only the fields prepared here, never an owner, a deal or a state
        from the client, in the team's company (its members and stages).
        """
        if post.get(HONEYPOT):
            _logger.info("crm.request: honeypot filled for team %s, ignored", team.id)
            return
        vals = self._prepare_request_vals(team, post)
        with team_turn(team), request.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, dict(request.env.context))
            check_rate_limit(env, vals["remote_addr"])
            team = env["crm.team"].browse(team.id)
            env["crm.request"].with_company(team.company_id).create([vals])

    def _prepare_request_vals(self, team, post):
        """The values of ``crm.request`` for a visitor's ``post`` (extension point)."""
        vals = {}
        for name in VISITOR_FIELDS:
            value = post.get(name)
            if value is not None and not isinstance(value, str):
                value = json.dumps(value)  # a JSON client sent a number or a list
            vals[name] = (value or "").strip() or False
        vals.update(
            team_id=team.id,
            channel="web",
            remote_addr=request.httprequest.remote_addr,
        )
        vals.update(self._get_utm_vals(post))
        return vals

    def _get_utm_vals(self, post):
        """``source_id``/``medium_id``/``campaign_id`` for the names a form gives
        (``source``, ``medium``, ``campaign``), when such a record exists. Never
        created: a stranger's words do not become the company's sources."""
        vals = {}
        for key, model in UTM_FIELDS.items():
            name = post.get(key)
            if not name or not isinstance(name, str) or len(name) > 128:
                continue
            # sudo: the visitor cannot read UTM records; only an exact name matches (its
            # LIKE wildcards escaped: "%" names no record)
            record = (
                request.env[model]
                .sudo()
                .search([("name", "=ilike", escape_psql(name.strip()))], limit=1)
            )
            if record:
                vals[f"{key}_id"] = record.id
        return vals


def _is_input_error(error):
    """The intake refuses bad input with a ValidationError or a plain UserError; an
    AccessError, MissingError or LockError is not the visitor's to read."""
    return type(error) in (UserError, ValidationError)
