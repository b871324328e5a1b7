"""The keys that say two partners are the same customer: pure functions of a value
(and the country it belongs to), shared by the stored keys of ``res.partner``
(models/res_partner_match.py) and the rows being matched (import, intake), so that
both sides are normalized by the same rule.

- **E-mail**: mail's own ``email_normalize`` (lower case, no name around it), the
  rule of the stored ``email_normalized`` of ``mail.thread.blacklist``; a value
  with several addresses, or that is no address, identifies nobody.
- **Phone** (without ``phone_validation``, which we do not depend on): the digits
  of the number in international form, without the ``+``. A number written with
  ``+`` or ``00`` is international already (``+32 2 290 12 34`` and
  ``0032 2 290 12 34`` → ``3222901234``); any other is national: its trunk ``0``
  is dropped and the calling code of its country is put in front (``02 290 12 34``
  in Belgium → ``3222901234``). Without a country a national number keeps its
  digits, trunk ``0`` dropped. Fewer than 6 digits identify nobody: no key.
- **VAT**: upper case, letters and digits only (spaces, dots, dashes, slashes
  dropped); a number without its two-letter country prefix gets the prefix of its
  country (``0477.472.701`` in Belgium → ``BE0477472701``), as core's duplicate
  warning compares them (``res.partner._compute_same_vat_partner_id``). ``/`` (not
  subject to tax) and one-character values identify nobody.
"""

import re

from odoo.tools import email_normalize

MIN_PHONE_DIGITS = 6
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+")


def email_key(email):
    """The normalized e-mail of ``email`` when it holds one address with a local part
    and a domain (``bad@@example`` does not), or False."""
    key = email_normalize(email) if email else False
    return key if key and EMAIL_RE.fullmatch(key) else False


def phone_key(phone, calling_code=None):
    """The international digits of ``phone`` (``calling_code``: the country's calling
    code, an int, for a national number), or False."""
    if not phone:
        return False
    text = str(phone).strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        key = digits
    elif digits.startswith("00"):
        key = digits[2:]
    else:
        key = digits.lstrip("0")
        if len(key) < MIN_PHONE_DIGITS:
            return False
        if calling_code:
            key = f"{calling_code}{key}"
    return key if len(key) >= MIN_PHONE_DIGITS else False


def vat_key(vat, country_code=None):
    """The normalized VAT number of ``vat`` (``country_code``: the two letters of its
    country, for a number without prefix), or False."""
    if not vat:
        return False
    key = re.sub(r"[^0-9A-Z]", "", str(vat).upper())
    if len(key) <= 1:
        return False
    if country_code and not key[:2].isalpha():
        key = country_code.upper() + key
    return key
