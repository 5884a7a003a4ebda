"""`keras-gans evaluate`: score a saved model with named metrics.

    keras-gans evaluate --model runs/NAME/model.keras --dataset fashion_mnist
    keras-gans evaluate --model runs/p2p/model.keras --dataset fashion_mnist --split test \
        --task super_resolution
    keras-gans evaluate --model runs/cyc/model.keras --inputs h2z/testA --dataset h2z/testB

prints a table (metric, value, protocol) and writes it as JSON (default:
`evaluation.json` beside the model). An image-to-image model translates source
images (`--task`: a paired task of `--dataset`; `--inputs`: a folder or dataset
of sources) and is compared with `--dataset`, the target domain.
"""

import errno
import json
import os
import sys
import tempfile
import time

from keras_gans.cli.arguments import add_model_argument, load_model, positive_int


def add_parser(subparsers):
    """Registers `evaluate` on an argparse `subparsers` object and returns its parser."""
    from keras_gans.metrics import describe_metrics  # the registry lists the metrics

    parser = subparsers.add_parser(
        "evaluate",
        help="score a saved model: FID, KID, Inception Score, precision/recall, accuracy",
        description="Generate images with a saved .keras model, extract features and "
        "compare them with a real dataset. Prints a table (metric, value, protocol) and "
        "writes JSON. Metric names state their protocol: <metric>_<extractor>_<count>, "
        "e.g. fid_fashion_classifier_10k. Real reference statistics are cached on disk "
        "and reused.",
    )
    add_model_argument(parser)
    parser.add_argument(
        "--dataset",
        default="fashion_mnist",
        help="real data to compare with: fashion_mnist (default, offline), "
        "mnist, cifar10, a tfds name, a .npz file or a folder of images",
    )
    parser.add_argument(
        "--split", default="train", help="split of the real data used as reference (default: train)"
    )
    parser.add_argument(
        "--metrics",
        nargs="+",
        default=None,
        metavar="NAME",
        help="metric names, e.g. fid_fashion_classifier_10k kid_inception_2k "
        f"(metrics: {describe_metrics()}). Default: every registered metric "
        "(accuracy only for conditional models) with --extractor and --num-images",
    )
    parser.add_argument(
        "--extractor",
        default=None,
        help="feature extractor for the default metrics: fashion_classifier "
        "(the shipped Fashion-MNIST classifier) or inception (InceptionV3). "
        "Default: fashion_classifier for fashion_mnist, else inception; the "
        "name of --classifier when that is given",
    )
    parser.add_argument(
        "--num-images",
        type=positive_int,
        default=None,
        help="images generated for the default metrics (default: 10000; an image-to-image "
        "model translates every input image)",
    )
    parser.add_argument(
        "--task",
        default=None,
        choices=("super_resolution", "inpainting", "colorization", "edges"),
        help="image-to-image models: translate the sources of this paired task made of "
        "--dataset's --split (kg.data.paired_task) and compare with the originals: adds "
        "PSNR, SSIM and L1",
    )
    parser.add_argument(
        "--inputs",
        default=None,
        metavar="DATA",
        help="image-to-image models: the source images to translate, a folder, .npz file "
        "or dataset name (its --split), compared with --dataset, the target domain",
    )
    parser.add_argument(
        "--direction",
        default=None,
        help="a CycleGAN's direction, a_to_b or b_to_a (default: a_to_b)",
    )
    parser.add_argument(
        "--classifier",
        default=None,
        metavar="PATH",
        help="a classifier .keras file trained with `python -m "
        "keras_gans.metrics.train_classifier` on the dataset, used as an "
        "extractor under its own name",
    )
    parser.add_argument(
        "--inception-weights",
        default="imagenet",
        metavar="PATH",
        help="InceptionV3 weights: imagenet (default; downloaded once into "
        "the Keras cache, needs internet the first time) or a local weights "
        "file path",
    )
    parser.add_argument(
        "--out", default=None, help="JSON output path (default: evaluation.json beside the model)"
    )
    parser.add_argument(
        "--cache-dir",
        default="default",
        help="folder for cached reference statistics (default: "
        "$KERAS_HOME/keras_gans/reference, i.e. ~/.keras/keras_gans/reference)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write cached reference statistics"
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=500,
        help="images generated and read per batch (default: 500)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the latent vectors and the random real subset (default: 0)",
    )
    return parser


def run(args):
    """Runs `keras-gans evaluate` for parsed `args`; returns the exit code."""
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(args.model)), "evaluation.json")
    if os.path.isfile(args.model):  # else load_model says the model is missing
        check_writable(out)  # before any work: the metrics take minutes
    model = load_model(args)
    inputs, paired = _translation_inputs(args, model)
    evaluator = _build_evaluator(args, model, inputs, paired)
    start = time.perf_counter()
    if inputs is None:
        values = evaluator.evaluate(model)
    else:
        values = evaluator.evaluate(model, inputs=inputs, direction=args.direction)
    seconds = time.perf_counter() - start

    translated = inputs is not None
    rows = [
        (name, values[name], evaluator.describe(name, translated=translated))
        for name in evaluator.metrics
    ]
    print()
    print(format_table(rows))
    report = {
        "model": args.model,
        "dataset": args.dataset,
        "split": args.split,
        "seed": args.seed,
        **(
            {"task": args.task, "inputs": args.inputs, "direction": args.direction}
            if translated
            else {}
        ),
        "metrics": {name: value for name, value, _ in rows},
        "protocols": {name: protocol for name, _, protocol in rows},
        "extractors": {
            name: {"description": extractor.describe(), "weights_sha256": extractor.fingerprint()}
            for name, extractor in sorted(evaluator.extractors.items())
        },
        "seconds": round(seconds, 1),
    }
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print(f"\nWrote {out} ({seconds:.1f} s)")
    return 0


def check_writable(path):
    """Raises an `OSError` if the file `path` cannot be written; writes nothing to `path`.

    Creates the missing parent folders, then opens an existing `path` for
    update without changing it, or creates and removes a file beside it.
    """
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if os.path.exists(path):
            with open(path, "r+b"):
                pass
        else:
            folder = os.path.dirname(os.path.abspath(path))
            if os.path.exists(folder) and not os.path.isdir(folder):
                raise NotADirectoryError(errno.ENOTDIR, f"Not a directory ({folder} is a file)")
            os.makedirs(folder, exist_ok=True)
            descriptor, probe = tempfile.mkstemp(prefix=".evaluate-probe-", dir=folder)
            os.close(descriptor)
            os.remove(probe)
    except OSError as error:
        raise OSError(
            f"Cannot write the report to {path}: {error.strerror or error}. Choose another --out."
        ) from error


def _translation_inputs(args, model):
    """`(inputs, paired)`: what an image-to-image model translates, or `(None, False)`."""
    from keras_gans.data import load, paired_task
    from keras_gans.metrics.evaluator import is_translation_model

    if not is_translation_model(model):
        given = [f for f, v in (("--task", args.task), ("--inputs", args.inputs)) if v]
        if given or args.direction is not None:
            raise ValueError(
                f"{', '.join(given) or '--direction'} are for image-to-image models. "
                f"Received: a {type(model).__name__} in {args.model}."
            )
        return None, False
    if (args.task is None) == (args.inputs is None):
        raise ValueError(
            f"A {type(model).__name__} is scored on its translations: pass --task (a paired "
            "task of --dataset, compared with its originals) or --inputs (source images, "
            "compared with --dataset), one of them. Received: "
            f"--task {args.task} and --inputs {args.inputs}."
        )
    read = {"split": args.split, "batch_size": args.batch_size, "shuffle": False}
    if args.task is not None:
        data = load(args.dataset, drop_remainder=False, **read)
        return paired_task(data, args.task, seed=args.seed, keep_labels=False), True
    return load(args.inputs, drop_remainder=False, **read), False


def _build_evaluator(args, model, inputs=None, paired=False):
    """The `Evaluator` for the parsed arguments, checked against the model."""
    from keras_gans.metrics import ClassifierFeatures, Evaluator, default_protocols, get_extractor

    extractors = {}
    classifier = None
    if args.classifier is not None:
        classifier = ClassifierFeatures(args.classifier)
        extractors[classifier.name] = classifier
    metrics = args.metrics
    if not metrics:
        name = args.extractor or (classifier.name if classifier is not None else None)
        if name is None:
            name = "fashion_classifier" if args.dataset == "fashion_mnist" else "inception"
        if name not in extractors:
            extractors[name] = get_extractor(name, inception_weights=args.inception_weights)
        # The conditional accuracy needs a classifier of the model's own classes.
        num_classes = getattr(model, "num_classes", None)
        with_accuracy = num_classes is not None and extractors[name].num_classes == num_classes
        num_images = args.num_images
        if num_images is None:
            num_images = 10_000 if inputs is None else _count(inputs)
        protocols = default_protocols(name, num_images, with_accuracy, paired=paired)
        metrics = [p.name for p in protocols]
    evaluator = Evaluator(
        metrics,
        dataset=args.dataset,
        split=args.split,
        extractors=extractors,
        inception_weights=args.inception_weights,
        cache_dir=None if args.no_cache else args.cache_dir,
        seed=args.seed,
        batch_size=args.batch_size,
        verbose=1 if sys.stdout.isatty() else 2,
    )
    evaluator.check_model(model, args.direction)
    return evaluator


def _count(inputs):
    from keras_gans.metrics.translations import count_images

    return count_images(inputs)


def format_table(rows):
    """A plain-text table of `(metric, value, protocol)` rows."""
    header = ("metric", "value", "protocol")
    cells = [header] + [(name, f"{value:.4f}", protocol) for name, value, protocol in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(2)]
    lines = []
    for i, (name, value, protocol) in enumerate(cells):
        lines.append(f"{name:<{widths[0]}}  {value:>{widths[1]}}  {protocol}")
        if i == 0:
            lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(protocol)}")
    return "\n".join(lines)
