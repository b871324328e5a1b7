from . import domain_words
