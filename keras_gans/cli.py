"""The `keras-gans` command: train, sample, evaluate, export.

keras-gans train --model dcgan --dataset fashion_mnist --epochs 5 --out runs/fashion
keras-gans sample --model runs/fashion/model.keras -n 64 --out grid.png
keras-gans export --model runs/fashion/model.keras --name fashion_dcgan
"""

import argparse
import json
import os
import shutil
import sys


def positive_int(text):
    """argparse type: an int >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text}")
    return value


def build_parser():
    from keras_gans.presets import PRESETS

    parser = argparse.ArgumentParser(
        prog="keras-gans",
        description="Train GANs with Keras and sample from them.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train",
        help="train a model and write grids, loss curves and model.keras",
        description="Train a GAN with model.fit. Writes OUT/grids/epoch_NNNN.png, "
        "OUT/grids/training.gif, OUT/history.csv, OUT/losses.png and OUT/model.keras. "
        "While training, OUT/backup/ holds the full state (both networks, both "
        "optimizers, noise state, epoch); running the same command again after an "
        "interruption resumes from it.",
    )
    train.add_argument(
        "--model", default="dcgan", choices=sorted(PRESETS), help="model preset (default: dcgan)"
    )
    train.add_argument(
        "--dataset",
        default="fashion_mnist",
        help="fashion_mnist (default, offline), mnist, cifar10, a tfds "
        "name, a .npz file (x, optional y) or a folder of images",
    )
    train.add_argument("--epochs", type=positive_int, default=5, help="epochs (default: 5)")
    train.add_argument(
        "--batch-size",
        type=positive_int,
        default=None,
        help="images per batch (default: 128; 320 for wgan and wgan_gp, "
        "whose batches are split into 5 critic steps of 64)",
    )
    train.add_argument(
        "--out", default="runs/default", help="run folder for all outputs (default: runs/default)"
    )
    train.add_argument(
        "--latent-dim",
        type=positive_int,
        default=128,
        help="size of the latent vectors (default: 128)",
    )
    train.add_argument(
        "--num-classes",
        type=positive_int,
        default=None,
        help="number of classes for cgan (default: largest label + 1)",
    )
    train.add_argument(
        "--loss",
        default="auto",
        help="adversarial loss: minimax, non_saturating, least_squares, "
        "hinge, wasserstein (default: the model's own)",
    )
    train.add_argument(
        "--label-smoothing",
        type=float,
        default=0.0,
        help="one-sided label smoothing of the real target (default: 0)",
    )
    train.add_argument(
        "--steps-per-epoch",
        type=positive_int,
        default=None,
        help="limit each epoch to this many batches (default: whole dataset)",
    )
    train.add_argument(
        "--seed", type=int, default=0, help="seed for weights, noise and shuffling (default: 0)"
    )
    train.add_argument(
        "--grid-every",
        type=positive_int,
        default=1,
        help="write an image grid every N epochs (default: 1)",
    )
    train.add_argument(
        "--backup-every",
        type=positive_int,
        default=None,
        help="also back up the training state every N steps "
        "(default: at the end of every epoch only)",
    )
    train.add_argument(
        "--fresh",
        action="store_true",
        help="discard a backup left in OUT by an interrupted run and "
        "start over (default: resume from it)",
    )
    train.set_defaults(run=run_train)

    sample = commands.add_parser(
        "sample",
        help="generate a grid of images from a saved model",
        description="Generate images from a saved .keras model into one PNG grid.",
    )
    sample.add_argument("--model", required=True, help="path to a saved .keras model")
    sample.add_argument(
        "-n",
        "--num-images",
        type=positive_int,
        default=64,
        help="number of images (default: 64; for a conditional model, "
        "spread over one row per class unless --labels is given)",
    )
    sample.add_argument(
        "--labels",
        type=int,
        nargs="+",
        default=None,
        help="class labels to generate, one image each (conditional models)",
    )
    sample.add_argument("--out", default="samples.png", help="output PNG (default: samples.png)")
    sample.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    sample.add_argument(
        "--scale",
        type=positive_int,
        default=2,
        help="enlarge the picture this many times (default: 2)",
    )
    sample.set_defaults(run=run_sample)

    export = commands.add_parser(
        "export",
        help="export a model's generator as a SavedModel for TF Serving",
        description="Write the generator of a saved .keras model as a SavedModel in "
        "TensorFlow Serving's layout, BASE_DIR/NAME/VERSION/, and print how to serve it.",
    )
    export.add_argument("--model", required=True, help="path to a saved .keras model")
    export.add_argument("--name", required=True, help="served model name, e.g. fashion_dcgan")
    export.add_argument(
        "--base-dir",
        default="saved_models",
        help="folder holding served models (default: saved_models)",
    )
    export.add_argument(
        "--version",
        type=positive_int,
        default=None,
        help="version number (default: one more than the highest present)",
    )
    export.set_defaults(run=run_export)

    from keras_gans.evaluate import add_evaluate_parser

    add_evaluate_parser(commands)
    return parser


def run_train(args):
    import keras

    import keras_gans as kg
    from keras_gans.plots import plot_history
    from keras_gans.presets import CONDITIONAL_PRESETS, build_model

    keras.utils.set_random_seed(args.seed)
    conditional = args.model in CONDITIONAL_PRESETS
    batch_size = args.batch_size or (320 if args.model.startswith("wgan") else 128)
    dataset = kg.data.load(
        args.dataset, batch_size=batch_size, with_labels=conditional, seed=args.seed
    )
    images_spec = dataset.element_spec[0] if conditional else dataset.element_spec
    num_classes = None
    if conditional:
        num_classes = args.num_classes or _count_classes(dataset)
    model = build_model(
        args.model,
        images_spec.shape[1:],
        latent_dim=args.latent_dim,
        num_classes=num_classes,
        seed=args.seed,
    )
    model.compile(loss=args.loss, label_smoothing=args.label_smoothing)
    os.makedirs(args.out, exist_ok=True)
    backup_dir = os.path.join(args.out, "backup")
    if args.fresh and os.path.isdir(backup_dir):
        shutil.rmtree(backup_dir)
    metadata_path = os.path.join(backup_dir, "training_metadata.json")
    resuming = os.path.exists(metadata_path)
    history_path = os.path.join(args.out, "history.csv")
    if resuming:
        with open(metadata_path) as f:
            start_epoch = json.load(f)["epoch"]
        print(
            f"Resuming the interrupted run from {backup_dir} at epoch {start_epoch + 1} "
            "(use --fresh to start over)"
        )
        # Epochs logged after the backup was written are trained again: drop their rows.
        _truncate_history(history_path, start_epoch)
    model.fit(
        dataset,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        # The epoch's grid and log row are written before its backup, so a run
        # killed in between redoes (and re-logs) that epoch instead of losing it.
        callbacks=[
            kg.callbacks.ImageGrid(os.path.join(args.out, "grids"), every_n_epochs=args.grid_every),
            keras.callbacks.CSVLogger(history_path, append=resuming),
            keras.callbacks.BackupAndRestore(
                backup_dir, save_freq=args.backup_every or "epoch", double_checkpoint=True
            ),
        ],
        verbose=1 if sys.stdout.isatty() else 2,
    )
    model_path = os.path.join(args.out, "model.keras")
    model.save(model_path)
    plot_history(
        _read_history(history_path),
        os.path.join(args.out, "losses.png"),
        title=f"{args.model} on {args.dataset}",
    )
    print(
        f"Saved {model_path}, grids in {os.path.join(args.out, 'grids')}, "
        f"loss curves in {os.path.join(args.out, 'losses.png')}"
    )
    return 0


def _truncate_history(path, epochs):
    """Keeps the header and the rows of the first `epochs` epochs of a history CSV."""
    if not os.path.exists(path):
        return
    with open(path) as f:
        lines = f.read().splitlines()
    kept = lines[:1] + [line for line in lines[1:] if int(line.split(",")[0]) < epochs]
    with open(path, "w") as f:
        f.write("\n".join(kept) + "\n")


def _read_history(path):
    """The per-epoch logs of every run that wrote to the CSV (resumed runs append)."""
    import csv

    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    # CSVLogger writes "NA" for logs an epoch lacks (e.g. val_* without validation data).
    names = [
        name
        for name in (rows[0] if rows else {})
        if name != "epoch" and any(row[name] != "NA" for row in rows)
    ]
    return {name: [float(row[name]) for row in rows] for name in names}


def _count_classes(dataset):
    """Largest label in a labelled dataset, plus one (one pass over the labels)."""
    import tensorflow as tf

    largest = dataset.map(lambda images, labels: tf.reduce_max(labels)).reduce(
        tf.constant(-1, tf.int32), tf.maximum
    )
    return int(largest) + 1


def run_sample(args):
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)
    from keras_gans.images import save_grid

    model = keras.models.load_model(args.model)
    num_classes = getattr(model, "num_classes", None)
    rows = None
    if num_classes is None:
        if args.labels is not None:
            raise SystemExit(f"--labels is for conditional models; {args.model} is not one.")
        images = model.generate(args.num_images, seed=args.seed)
    else:
        labels = args.labels
        if labels is None:  # one row per class
            per_class = max(args.num_images // num_classes, 1)
            labels = [c for c in range(num_classes) for _ in range(per_class)]
            rows = num_classes
        images = model.generate(labels, seed=args.seed)
    save_grid(images, args.out, rows=rows, scale=args.scale)
    print(f"Wrote {len(images)} images to {args.out}")
    return 0


def run_export(args):
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)
    from keras_gans.export import export_generator, next_version_path

    model = keras.models.load_model(args.model)
    if args.version is None:
        path = next_version_path(args.base_dir, args.name)
    else:
        path = os.path.join(args.base_dir, args.name, str(args.version))
    export_generator(model, path)
    base = os.path.abspath(os.path.join(args.base_dir, args.name))
    inputs = '"z": [[...latent_dim floats...]]'
    uint8_inputs = '"batch_size": 4, "seed": 0'
    if getattr(model, "num_classes", None) is not None:
        inputs += ', "labels": [0]'
        uint8_inputs = '"labels": [0, 1, 2, 3], "seed": 0'
    print(f"""Exported the generator of {args.model} to {path}

Serve it with TensorFlow Serving (REST on port 8501):
  docker run -p 8501:8501 -v {base}:/models/{args.name} -e MODEL_NAME={args.name} tensorflow/serving
or: tensorflow_model_server --rest_api_port=8501 --model_name={args.name} --model_base_path={base}

Request images in [-1, 1] (signature serving_default, latent_dim={model.latent_dim}):
  curl -d '{{"inputs": {{{inputs}}}}}' localhost:8501/v1/models/{args.name}:predict
Request uint8 images in [0, 255] (signature generate_uint8):
  curl -d '{{"signature_name": "generate_uint8", "inputs": {{{uint8_inputs}}}}}' \\
    localhost:8501/v1/models/{args.name}:predict
Inspect both signatures: saved_model_cli show --all --dir {path}""")
    return 0


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
