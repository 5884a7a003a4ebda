"""`keras-gans sample`: a PNG grid of images from a saved model."""

from keras_gans.cli.arguments import add_model_argument, load_model, positive_int


def add_parser(subparsers):
    """Registers `sample` on an argparse `subparsers` object and returns its parser."""
    parser = subparsers.add_parser(
        "sample",
        help="generate a grid of images from a saved model",
        description="Generate images from a saved .keras model into one PNG grid.",
    )
    add_model_argument(parser)
    parser.add_argument(
        "-n",
        "--num-images",
        type=positive_int,
        default=64,
        help="number of images (default: 64; for a conditional model, "
        "spread over one row per class unless --labels is given)",
    )
    parser.add_argument(
        "--labels",
        type=int,
        nargs="+",
        default=None,
        help="class labels to generate, one image each (conditional models)",
    )
    parser.add_argument("--out", default="samples.png", help="output PNG (default: samples.png)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    parser.add_argument(
        "--scale",
        type=positive_int,
        default=2,
        help="enlarge the picture this many times (default: 2); the picture may have "
        "at most 64 megapixels",
    )
    return parser


def run(args):
    """Runs `keras-gans sample` for parsed `args`; returns the exit code."""
    from keras_gans.images import check_grid_size, save_grid

    model = load_model(args)
    num_classes = getattr(model, "num_classes", None)
    rows = None
    if num_classes is None:
        if args.labels is not None:
            raise SystemExit(f"--labels is for conditional models; {args.model} is not one.")
        check_grid_size(args.num_images, model.image_shape, rows, args.scale)
        images = model.generate(args.num_images, seed=args.seed)
    else:
        labels = args.labels
        if labels is None:  # one row per class
            per_class = max(args.num_images // num_classes, 1)
            labels = [c for c in range(num_classes) for _ in range(per_class)]
            rows = num_classes
        check_grid_size(len(labels), model.image_shape, rows, args.scale)
        images = model.generate(labels=labels, seed=args.seed)
    save_grid(images, args.out, rows=rows, scale=args.scale)
    print(f"Wrote {len(images)} images to {args.out}")
    return 0
