"""Translations: the five .po files against the template, and each language through the ORM.

The .po check is plain polib and msgfmt (no database): a .po must have every message of
the .pot and no other, keep the placeholders and markup of each message, compile, and
leave no message untranslated except where the translation is the msgid itself.
"""

import io
import re
import shutil
import subprocess
import unittest
from collections import Counter
from pathlib import Path

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.translate import trans_export

from .common import read_workbook, render_xlsx_action

I18N = Path(__file__).resolve().parent.parent / "crm_extension" / "i18n"
LANGS = ("da", "nb", "nl", "it", "tl")

# %(name)s, %s, %d, {name}, {}; "%%" is a literal percent sign
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
TAG = re.compile(r"</?([a-zA-Z][\w-]*)")

# Words spelled the same in that language (Odoo's own sale/account/crm translations
# leave them so too): their msgstr stays empty, as for language-neutral messages.
SAME_IN_LANGUAGE = {
    "da": {"Administrator", "Journal", "Medium", "Mine", "Pipeline", "Status", "Team %(team)s"},
    "nb": {"Administrator", "Journal", "Medium", "Mine", "Status", "Team %(team)s"},
    "nl": {
        "Contact",
        "Deal",
        "Document",
        "Intake",
        "Manager",
        "Medium",
        "Order",
        "Orders",
        "Status",
        "Week",
        "is",
    },
    "it": {"%(hours)s h %(minutes)s min", "No"},
    "tl": {"%(hours)s h %(minutes)s min", "Deal", "Email", "Target"},
}
# the same in every language: units, Internet words, a sample address
for _same in SAME_IN_LANGUAGE.values():
    _same |= {"%(minutes)s min", "E-mail", "e-mail", "Logo", "Web", "https://example.com/thanks"}


def _language_neutral(msgid):
    """No letters once the placeholders are out, or a single letter or code ("A", "CRM")."""
    text = PLACEHOLDER.sub("", msgid).strip()
    return not re.search(r"[^\W\d_]", text) or bool(re.fullmatch(r"[A-Z]{1,3}", text))


def _key(entry):
    return (entry.msgctxt or "", entry.msgid)


@tagged("post_install", "-at_install")
class TestPoFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(str(I18N / "crm_extension.pot"))
        cls.pot_keys = {_key(e) for e in cls.pot if not e.obsolete}
        cls.pos = {lang: polib.pofile(str(I18N / f"{lang}.po")) for lang in LANGS}

    def test_every_language_has_a_po_file(self):
        self.assertEqual({p.stem for p in I18N.glob("*.po")}, set(LANGS))

    def test_po_has_exactly_the_messages_of_the_template(self):
        for lang, po in self.pos.items():
            with self.subTest(lang=lang):
                keys = {_key(e) for e in po if not e.obsolete}
                self.assertFalse(sorted(self.pot_keys - keys), "missing: run scripts/i18n_merge.py")
                self.assertFalse(sorted(keys - self.pot_keys), "no longer in the template")
                self.assertFalse([e.msgid for e in po.obsolete_entries()], "obsolete (#~)")
                self.assertFalse([e.msgid for e in po.fuzzy_entries()], "fuzzy")

    def test_every_message_is_translated(self):
        for lang, po in self.pos.items():
            with self.subTest(lang=lang):
                untranslated = [
                    e.msgid
                    for e in po
                    if not e.msgstr
                    and not _language_neutral(e.msgid)
                    and e.msgid not in SAME_IN_LANGUAGE.get(lang, ())
                ]
                self.assertFalse(untranslated, f"untranslated in {lang}.po")
                # an empty msgstr is the rule where the translation would be the msgid
                same = [e.msgid for e in po if e.msgstr and e.msgstr == e.msgid]
                self.assertFalse(same, f"msgstr identical to msgid in {lang}.po: leave it empty")

    def test_translations_keep_placeholders_and_markup(self):
        for lang, po in self.pos.items():
            with self.subTest(lang=lang):
                broken = []
                for entry in po.translated_entries():
                    for pattern in (PLACEHOLDER, TAG):
                        if Counter(pattern.findall(entry.msgid)) != Counter(
                            pattern.findall(entry.msgstr)
                        ):
                            broken.append(f"{entry.msgid!r} -> {entry.msgstr!r}")
                self.assertFalse(broken, f"placeholders or markup changed in {lang}.po")

    def test_translations_keep_leading_and_trailing_spaces(self):
        for lang, po in self.pos.items():
            with self.subTest(lang=lang):
                broken = [
                    f"{e.msgid!r} -> {e.msgstr!r}"
                    for e in po.translated_entries()
                    if (e.msgid[:1].isspace(), e.msgid[-1:].isspace())
                    != (e.msgstr[:1].isspace(), e.msgstr[-1:].isspace())
                ]
                self.assertFalse(broken, f"leading/trailing spaces changed in {lang}.po")

    def test_po_files_compile(self):
        msgfmt = shutil.which("msgfmt")
        self.assertTrue(msgfmt, "msgfmt (gettext) is needed to check the .po files")
        for lang in LANGS:
            with self.subTest(lang=lang):
                result = subprocess.run(
                    [msgfmt, "-c", "--check-format", "-o", "/dev/null", I18N / f"{lang}.po"],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                self.assertEqual(result.returncode, 0, result.stderr)

    def test_po_files_are_sorted_and_formatted_by_polib(self):
        for lang, po in self.pos.items():
            with self.subTest(lang=lang):
                msgids = [e.msgid for e in po]
                self.assertEqual(msgids, sorted(msgids), "entries not sorted by msgid")
                text = (I18N / f"{lang}.po").read_text(encoding="utf-8")
                self.assertEqual(str(po), text, "not as polib writes it")


@tagged("post_install", "-at_install")
class TestTemplateIsCurrent(TransactionCase):
    def test_template_has_exactly_the_messages_of_the_code(self):
        """The .pot holds what Odoo's own exporter finds in the installed addon today
        (what ``scripts/pot.sh`` writes): a string added or changed in the code, the
        views or the data without regenerating the template fails here."""
        buffer = io.BytesIO()
        trans_export(False, ["crm_extension"], buffer, "po", self.env)
        exported = polib.pofile(buffer.getvalue().decode())
        template = polib.pofile(str(I18N / "crm_extension.pot"))
        exported_keys = {_key(e) for e in exported}
        template_keys = {_key(e) for e in template if not e.obsolete}
        self.assertFalse(exported_keys - template_keys, "in the code, not in the .pot")
        self.assertFalse(template_keys - exported_keys, "in the .pot, no longer in the code")


# What a user of each language reads: a field label, a selection value, shipped data
# (stage, lost reason, activity type, cron), a menu and an error message of ours.
EXPECTED = {
    "da_DK": {
        "field": "Når fasen forlades",
        "selection": "Annullér aktiviteten",
        "stage": "Kvalificeret",
        "lost_reason": "For dyrt",
        "activity_type": "Besøg",
        "cron": "Kunder: beregn ABC-klasser",
        "menu": "Min dag",
        "sheets": ["Opsummering", "Ordrer", "Faser"],
        "header": "Ordrereference",
        "date_format": ("%d-%m-%Y", r"dd\-mm\-yyyy"),
        "error": "Tabsårsagen angives, når en handel markeres som tabt, sammen med dens "
        "tabt-fase (Markér som tabt).",
    },
    "nb_NO": {
        "field": "Når stadiet forlates",
        "selection": "Avbryt aktiviteten",
        "stage": "Kvalifisert",
        "lost_reason": "For dyrt",
        "activity_type": "Besøk",
        "cron": "Kunder: beregn ABC-klasser",
        "menu": "Min dag",
        "sheets": ["Oppsummering", "Ordrer", "Stadier"],
        "header": "Ordrereferanse",
        "date_format": ("%d.%m.%Y", r"dd\.mm\.yyyy"),
        "error": "Tapsårsaken oppgis når et salg markeres som tapt, sammen med "
        "tapt-stadiet (Marker som tapt).",
    },
    "nl_NL": {
        "field": "Bij het verlaten van de fase",
        "selection": "De activiteit annuleren",
        "stage": "Gekwalificeerd",
        "lost_reason": "Te duur",
        "activity_type": "Bezoek",
        "cron": "Klanten: ABC-klassen berekenen",
        "menu": "Mijn dag",
        "sheets": ["Samenvatting", "Orders", "Fases"],
        "header": "Orderreferentie",
        "date_format": ("%d-%m-%Y", r"dd\-mm\-yyyy"),
        "error": "De verliesreden wordt opgegeven wanneer een deal als verloren wordt "
        "gemarkeerd, met de verloren fase (Markeer als verloren).",
    },
    "it_IT": {
        "field": "All'uscita dalla fase",
        "selection": "Annulla l'attività",
        "stage": "Qualificato",
        "lost_reason": "Troppo costoso",
        "activity_type": "Visita",
        "cron": "Clienti: calcola classi ABC",
        "menu": "La mia giornata",
        "sheets": ["Riepilogo", "Ordini", "Fasi"],
        "header": "Riferimento ordine",
        "date_format": ("%d/%m/%Y", r"dd\/mm\/yyyy"),
        "error": "Il motivo di perdita si indica quando una trattativa viene impostata "
        "come persa, con la sua fase persa (Imposta come perso).",
    },
    "tl_PH": {
        "field": "Kapag Umalis sa Yugto",
        "selection": "Kanselahin ang aktibidad",
        "stage": "Kwalipikado",
        "lost_reason": "Masyadong mahal",
        "activity_type": "Pagbisita",
        "cron": "Mga Kliyente: kuwentahin ang mga klaseng ABC",
        "menu": "Ang Araw Ko",
        "sheets": ["Buod", "Mga Order", "Mga Yugto"],
        "header": "Sanggunian ng Order",
        "date_format": ("%m/%d/%Y", r"mm\/dd\/yyyy"),
        "error": "Ibinibigay ang dahilan ng pagkatalo kapag minarkahang talo ang isang "
        "deal, kasama ang yugtong talo nito (Markahan bilang Talo).",
    },
}


@tagged("post_install", "-at_install")
class TestLanguages(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in EXPECTED:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["crm_extension"], list(EXPECTED))

    def _user_env(self, code):
        user = new_test_user(
            self.env,
            login=f"i18n_{code}",
            groups="sales_team.group_sale_salesman,crm_extension.group_crm_salesperson",
            lang=code,
        )
        return user, self.env(user=user, context={"lang": user.lang})

    def test_each_language_reads_our_labels_and_data(self):
        for code, expected in EXPECTED.items():
            with self.subTest(lang=code):
                _user, env = self._user_env(code)
                field = env["crm.pipeline.stage.activity"].fields_get(["on_exit"])["on_exit"]
                self.assertEqual(field["string"], expected["field"])
                self.assertEqual(dict(field["selection"])["cancel"], expected["selection"])
                refs = {
                    "stage": "crm_extension.stage_order_qualified",
                    "lost_reason": "crm_extension.lost_reason_price",
                    "activity_type": "crm_extension.mail_activity_type_visit",
                    "menu": "crm_extension.crm_dashboard_menu",
                }
                for what, xmlid in refs.items():
                    self.assertEqual(env.ref(xmlid).name, expected[what], what)
                cron = env.ref("crm_extension.ir_cron_compute_customer_classes").sudo()
                self.assertEqual(cron.name, expected["cron"])

    def test_each_language_reads_our_error_message(self):
        for code, expected in EXPECTED.items():
            with self.subTest(lang=code):
                user, env = self._user_env(code)
                customer = self.env["res.partner"].create(
                    {"name": f"I18n Customer {code}", "user_id": user.id}
                )
                reason = self.env.ref("crm_extension.lost_reason_price")
                with self.assertRaises(UserError) as caught:
                    customer.with_env(env).write({"pipeline_lost_reason_id": reason.id})
                self.assertEqual(str(caught.exception), expected["error"])
                self.assertFalse(customer.pipeline_lost_reason_id)

    def test_each_language_gets_its_workbook(self):
        """Sheet names, headers and the date format of the user's language."""
        partner = self.env["res.partner"].create({"name": "I18n workbook customer"})
        for code, expected in EXPECTED.items():
            with self.subTest(lang=code):
                user, env = self._user_env(code)
                strftime, excel = expected["date_format"]
                env["res.lang"]._lang_get(code).sudo().date_format = strftime
                order = self.env["sale.order"].create(
                    {"partner_id": partner.id, "user_id": user.id}
                )
                Report = env["crm.pipeline.report"]
                action = Report.action_export_xlsx([("order_id", "=", order.id)])
                workbook = read_workbook(render_xlsx_action(self.env, action, user))
                self.assertEqual(workbook.sheetnames, expected["sheets"])
                orders = workbook[expected["sheets"][1]]
                self.assertEqual(orders["A3"].value, expected["header"])
                self.assertEqual(orders["A4"].value, order.name)
                self.assertEqual(orders["B4"].number_format, excel)
                self.assertEqual(orders["B4"].value.date(), order.create_date.date())
