"""TensorFlow Datasets by name: unknown names get the closest ones, offline is said fast."""

import difflib

from keras_gans.data.network import require_online


def tfds_names():
    """The dataset names TensorFlow Datasets registers (listed offline), or `[]` without tfds."""
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        return []
    return list(tfds.list_builders(with_community_datasets=False))


def check_dataset_name(name, builtin):
    """Raises a one-line `ValueError` with the closest names if `name` is no dataset known here.

    `name` may carry a tfds config and version (`cycle_gan/horse2zebra`,
    `mnist:3.0.1`); its base name is checked against `builtin` and the names
    tfds lists offline. When tfds cannot be imported every name passes.
    """
    known = tfds_names()
    base = name.split("/")[0].split(":")[0]
    if not known or base in known or base in builtin:
        return
    close = difflib.get_close_matches(base, list(dict.fromkeys([*builtin, *known])), n=3)
    suggestion = f"Did you mean {' or '.join(map(repr, close))}? " if close else ""
    raise ValueError(
        f"Unknown dataset. Received: name={name!r}. {suggestion}Expected a built-in name "
        f"({', '.join(builtin)}), a TensorFlow Datasets name (tfds.list_builders()), a .npz "
        "file or a folder of images."
    )


def tfds_dataset(name, split, download=True, as_supervised=True):
    """`tfds` dataset `name`, split `split`, downloaded only when it is not prepared locally.

    Before a download, the machine is checked to be online
    (`network.require_online`): offline, a one-line `ValueError` comes within
    seconds instead of minutes of retries. With `download=False` a dataset
    that is not prepared is a `ValueError` too.
    """
    import tensorflow_datasets as tfds

    builder = tfds.builder(name)
    if not builder.is_prepared():
        data_dir = str(builder.data_dir)
        hint = (
            f"Run tfds.load({name!r}) on a machine with internet and copy the folder it "
            f"prepares to {data_dir} (or point TFDS_DATA_DIR at a copy), or use a local .npz "
            "file or image folder."
        )
        if not download:
            raise ValueError(
                f"The TensorFlow Datasets dataset {name!r} is not prepared in {data_dir} and "
                f"download=False. {hint}"
            )
        require_online(f"the TensorFlow Datasets dataset {name!r}", hint)
        builder.download_and_prepare()
    return builder.as_dataset(split=split, as_supervised=as_supervised)
