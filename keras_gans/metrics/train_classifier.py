"""Trains the dataset classifier used as a feature extractor, and records its test accuracy.

    python -m keras_gans.metrics.train_classifier --dataset fashion_mnist \\
        --out saved_models/fashion_classifier/1/fashion_classifier.keras

Writes the `.keras` file and, beside it, `metadata.json` (test accuracy, the
settings, the command that made it).
"""

import argparse
import json
import os
import shlex
import sys


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = argparse.ArgumentParser(
        prog="python -m keras_gans.metrics.train_classifier",
        description="Train the small CNN classifier whose penultimate layer gives "
        "features for FID/KID/precision-recall and whose logits give the Inception "
        "Score and the conditional accuracy.",
    )
    parser.add_argument(
        "--dataset",
        default="fashion_mnist",
        help="labelled dataset (default: fashion_mnist, offline)",
    )
    parser.add_argument("--out", required=True, help="output .keras path")
    parser.add_argument(
        "--name",
        default=None,
        help="classifier name, used in metric names "
        "(default: fashion_classifier, colored_fashion_classifier, or DATASET_classifier)",
    )
    parser.add_argument("--epochs", type=int, default=4, help="training epochs (default: 4)")
    parser.add_argument("--batch-size", type=int, default=128, help="batch size (default: 128)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default: 0)")
    args = parser.parse_args(argv)
    if not args.out.endswith(".keras"):
        parser.error(f"--out must end in .keras; received {args.out}")

    from keras_gans.metrics.dataset_classifier import train_dataset_classifier

    classifier, info = train_dataset_classifier(
        args.dataset,
        name=args.name,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        verbose=2,
    )
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    classifier.save(args.out)
    info["command"] = "python -m keras_gans.metrics.train_classifier " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    info["file_bytes"] = os.path.getsize(args.out)
    metadata_path = os.path.join(os.path.dirname(os.path.abspath(args.out)), "metadata.json")
    with open(metadata_path, "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(json.dumps(info, indent=2))
    print(f"Saved {args.out} and {metadata_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
