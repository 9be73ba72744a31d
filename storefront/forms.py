"""Small pieces shared by the forms of several domains."""


def strip_whitespace(value):
    """WTForms filter: what people paste often carries spaces at either end."""
    return value.strip() if isinstance(value, str) else value
