"""A search domain in words, as the user chose it: "Salesperson is Mitchell Admin and
(Customer Class is A or Stage is in New, Won)".

Pure functions of (env, model, domain): they read labels and display names as the
user of ``env``, write nothing, and keep anything they cannot put in words (paths,
negations, sub-domains) as the domain's own text.
"""

from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.orm.domains import DomainAnd, DomainCondition, DomainNary
from odoo.tools.misc import format_date, format_datetime


def describe_domain(env, model, domain):
    """The filters of ``domain`` on ``model`` in words ("none" when it has none):
    each condition as "<field label> <operator> <displayed value>", joined with
    "and" / "or"."""
    domain = Domain(domain)
    if domain.is_true():
        return env._("none")
    return _describe_node(env, model, domain)


def _describe_node(env, model, node):
    if isinstance(node, DomainCondition):
        return describe_condition(env, model, node) or str(node)
    if isinstance(node, DomainNary):
        separator = env._(" and ") if isinstance(node, DomainAnd) else env._(" or ")
        return separator.join(
            f"({_describe_node(env, model, child)})"
            if isinstance(child, DomainNary)
            else _describe_node(env, model, child)
            for child in node.children
        )
    return str(node)


def _operator_words(env):
    return {
        "=": env._("is"),
        "!=": env._("is not"),
        "in": env._("is in"),
        "not in": env._("is not in"),
        "like": env._("contains"),
        "ilike": env._("contains"),
        "not like": env._("does not contain"),
        "not ilike": env._("does not contain"),
        "<": "<",
        ">": ">",
        "<=": "<=",
        ">=": ">=",
        "child_of": env._("is under"),
    }


def describe_condition(env, model, condition):
    """A simple condition (a ``DomainCondition``) in words, or None when it is not
    one: a path, an unknown field or an operator without words."""
    field = model._fields.get(condition.field_expr)
    operator, value = condition.operator, condition.value
    if field is None:
        return None
    if field.name == "id" and operator == "in" and isinstance(value, (list, tuple, set)):
        if len(value) == 1:
            return env._("1 selected row")
        return env._("%(count)s selected rows", count=len(value))
    label = field.get_description(env)["string"]
    if value is False and field.type != "boolean" and operator in ("=", "!=", "in", "not in"):
        if operator in ("=", "in"):
            return env._("%(field)s is not set", field=label)
        return env._("%(field)s is set", field=label)
    operators = _operator_words(env)
    if operator not in operators:
        return None
    if operator in ("in", "not in") and isinstance(value, (list, tuple, set)):
        if len(value) == 1:
            operator = "=" if operator == "in" else "!="
        texts = describe_values(env, field, list(value))
    else:
        texts = describe_values(env, field, [value])
    return f"{label} {operators[operator]} {', '.join(texts)}"


def describe_values(env, field, values):
    """The ``values`` of a condition on ``field`` as the user sees them: display
    names (the id itself when the user may not read the record), selection labels,
    Yes/No, dates in the user's format."""
    if field.relational:
        ids = [value for value in values if isinstance(value, int)]
        names = {}
        if ids:
            records = env[field.comodel_name].browse(ids)
            try:
                names = {record.id: record.display_name for record in records.exists()}
            except AccessError:
                names = {}
        return [
            names.get(value, str(value)) if isinstance(value, int) else str(value)
            for value in values
        ]
    if field.type == "selection":
        labels = dict(field._description_selection(env))
        return [str(labels.get(value, value)) for value in values]
    if field.type == "boolean":
        return [env._("Yes") if value else env._("No") for value in values]
    return [describe_value(env, field, value) for value in values]


def describe_value(env, field, value):
    """A date, datetime, number or text value of a condition on ``field``."""
    if value is False or value is None:
        return env._("not set")
    formatter = {"date": format_date, "datetime": format_datetime}.get(field.type)
    if formatter:
        try:
            return formatter(env, value)
        except (TypeError, ValueError):  # e.g. a relative date the client did not resolve
            return str(value)
    return str(value)
