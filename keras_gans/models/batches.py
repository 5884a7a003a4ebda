"""The structure of a training batch."""


def split_batch(data):
    """`(images, labels)` of a batch (or element spec); labels are None when absent."""
    if isinstance(data, (tuple, list)):
        return data[0], (data[1] if len(data) > 1 else None)
    return data, None
