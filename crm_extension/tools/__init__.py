from . import domain_words, partner_keys
