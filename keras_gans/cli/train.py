"""`keras-gans train`: argparse around `keras_gans.train.train`."""

import argparse

from keras_gans.cli.arguments import positive_int


def add_parser(subparsers):
    """Registers `train` on an argparse `subparsers` object and returns its parser."""
    from keras_gans.presets import PRESETS

    parser = subparsers.add_parser(
        "train",
        help="train a model and write grids, loss curves and model.keras",
        description="Train a GAN with model.fit (the same as keras_gans.train in Python). "
        "Writes OUT/grids/epoch_NNNN.png, OUT/grids/training.gif, OUT/history.csv, "
        "OUT/losses.png and OUT/model.keras. While training, OUT/backup/ holds the full "
        "state (both networks, both optimizers, noise state, epoch) and OUT/resume.json "
        "the number of epochs done; running the same command again after an interruption "
        "resumes from the backup, logging every epoch once.",
    )
    parser.add_argument(
        "--model", default="dcgan", choices=sorted(PRESETS), help="model preset (default: dcgan)"
    )
    parser.add_argument(
        "--dataset",
        default="fashion_mnist",
        help="fashion_mnist (default, offline), mnist, cifar10, a tfds "
        "name, a .npz file (x, optional y) or a folder of images",
    )
    parser.add_argument("--epochs", type=positive_int, default=5, help="epochs (default: 5)")
    by_size = {}
    for name, preset in sorted(PRESETS.items()):
        by_size.setdefault(preset.batch_size, []).append(name)
    defaults = "; ".join(f"{size} for {', '.join(names)}" for size, names in by_size.items())
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=None,
        help=f"images per batch (default: the preset's, {defaults}; a WGAN batch is split "
        "into its critic steps, 5 of 64 images)",
    )
    parser.add_argument(
        "--out", default="runs/default", help="run folder for all outputs (default: runs/default)"
    )
    parser.add_argument(
        "--latent-dim",
        type=positive_int,
        default=128,
        help="size of the latent vectors (default: 128)",
    )
    parser.add_argument(
        "--num-classes",
        type=positive_int,
        default=None,
        help="number of classes for cgan (default: largest label + 1)",
    )
    parser.add_argument(
        "--loss",
        default="auto",
        help="adversarial loss: minimax, non_saturating, least_squares, "
        "hinge, wasserstein (default: the preset's own)",
    )
    parser.add_argument(
        "--label-smoothing",
        type=float,
        default=0.0,
        help="one-sided label smoothing of the real target (default: 0)",
    )
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=None,
        help="keep an exponential moving average of the generator with this decay, "
        "e.g. 0.999, and sample from it (default: none)",
    )
    parser.add_argument(
        "--r1",
        dest="r1_penalty",
        type=float,
        default=0.0,
        help="gamma of the R1 penalty on real images, e.g. 10 (default: 0, off)",
    )
    parser.add_argument(
        "--augment",
        default=None,
        help="augment every discriminator input: a DiffAugment policy such as "
        "translation,cutout,color, or ada (default: none)",
    )
    parser.add_argument(
        "--spectral-norm",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="spectral normalisation of the discriminator's layers "
        "(default: the preset's, on for sngan only)",
    )
    parser.add_argument(
        "--steps-per-epoch",
        type=positive_int,
        default=None,
        help="limit each epoch to this many batches (default: whole dataset)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for weights, noise and shuffling (default: 0)"
    )
    parser.add_argument(
        "--grid-every",
        type=positive_int,
        default=1,
        help="write an image grid every N epochs (default: 1)",
    )
    parser.add_argument(
        "--backup-every",
        type=positive_int,
        default=None,
        help="also back up the training state every N steps "
        "(default: at the end of every epoch only)",
    )
    parser.add_argument(
        "--strategy",
        default=None,
        choices=["mirrored", "multi_worker"],
        help="tf.distribute strategy: mirrored (every GPU of this machine) or multi_worker "
        "(one process per machine, the cluster in TF_CONFIG; run the same command on every "
        "worker, OUT on a file system all of them read). --batch-size is the global batch, "
        "split across the replicas (default: one device)",
    )
    parser.add_argument(
        "--precision",
        default="float32",
        choices=["float32", "mixed_float16", "mixed_bfloat16"],
        help="dtype policy of the networks: mixed_float16 for GPUs (both optimizers "
        "loss-scaled), mixed_bfloat16 for CPUs with bfloat16 instructions and TPUs "
        "(default: float32)",
    )
    parser.add_argument(
        "--tensorboard",
        default=None,
        metavar="DIR",
        help="write TensorBoard logs to DIR: every epoch's losses and, in its train run, "
        "the image grids (needs pip install keras-gans[tensorboard]; default: none)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="discard a backup left in OUT by an interrupted run and "
        "start over (default: resume from it)",
    )
    return parser


def run(args):
    """Runs `keras-gans train` for parsed `args`; returns the exit code."""
    from keras_gans.train import train

    train(
        model=args.model,
        dataset=args.dataset,
        epochs=args.epochs,
        out=args.out,
        batch_size=args.batch_size,
        latent_dim=args.latent_dim,
        num_classes=args.num_classes,
        loss=args.loss,
        label_smoothing=args.label_smoothing,
        ema_decay=args.ema_decay,
        r1_penalty=args.r1_penalty,
        augment=args.augment,
        spectral_norm=args.spectral_norm,
        steps_per_epoch=args.steps_per_epoch,
        seed=args.seed,
        grid_every=args.grid_every,
        backup_every=args.backup_every,
        fresh=args.fresh,
        strategy=args.strategy,
        tensorboard=args.tensorboard,
        precision=args.precision,
    )
    return 0
