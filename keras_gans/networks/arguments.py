"""Checks of the network builders' choice arguments, with Keras-style error messages."""


def check_choice(name, value, choices):
    """Returns `value` if it is one of `choices`, else raises a `ValueError` naming `name`.

    Example: `check_choice("minibatch", "x", ("stddev", None))` raises
    "`minibatch` must be 'stddev' or None. Received: minibatch='x'".
    """
    if not any(type(value) is type(choice) and value == choice for choice in choices):
        listed = [repr(choice) for choice in choices]
        expected = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} or {listed[-1]}"
        raise ValueError(f"`{name}` must be {expected}. Received: {name}={value!r}")
    return value
