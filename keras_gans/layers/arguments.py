"""Checks of the layers' constructor arguments, with Keras-style error messages."""

import numbers


def is_integer_at_least(value, minimum):
    """Whether `value` is an integer (not a bool) >= `minimum`."""
    return not isinstance(value, bool) and isinstance(value, numbers.Integral) and value >= minimum


def check_positive_int(name, value):
    """Returns `value` if it is an integer >= 1, else raises a `ValueError` naming `name`."""
    if not is_integer_at_least(value, 1):
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def check_positive_float(name, value):
    """Returns `value` as a float if it is a real number > 0, else raises a `ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number. Received: {name}={value!r}")
    return float(value)
