"""`keras-gans train` with its defaults on a user's folder of 64x64 colour images.

Protocol: the first `--num-images` training images of `colored_fashion_mnist`
at 64x64 are written as PNG files to `--folder` (once), as a user's folder
would be. Each run is a `keras-gans train` process started in a fresh working
folder with no option but `--dataset FOLDER` and `--epochs N` (its output goes
to the default `runs/default`, its seed is random and recorded there); the
baseline adds `--preset dcgan`, the default before the preset was chosen from
the data. `--epochs` is set per contender so that a run trains for about
`--minutes` (measured epoch times); the wall time of each run is reported.
Runs alternate default / baseline.

Since the automatic choice was measured (benchmarks/architectures.py; see
`keras_gans/recipe/preset_choice.py`), the default at 64x64 is `dcgan`
itself, so the two contenders are the same recipe: `--epochs-dcgan 0` (the
default) runs the defaults alone, for whether D wins and whether the
monitor warns; the baseline is for when the choice at this size changes.

Reported per run: wall time, epochs, over the last epoch `d_real - d_fake`
(from `history.csv`; `real_score - fake_score` for score-based losses), the
`warnings.txt` of the run folder and the warning lines of the command's
output (the data's conversion note included), and
`fid_colored_fashion_classifier_10k` of the saved `model.keras` (its
sampling generator; images resized to the classifier's 32x32).

    python benchmarks/defaults_on_a_folder.py --runs 3 --epochs-default 8 [--epochs-dcgan 6] \\
        [--folder /tmp/colored_fashion_64] [--num-images 6000] [--work /tmp/defaults_runs]
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

METRIC = "fid_colored_fashion_classifier_10k"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_folder(folder, num_images):
    """The first `num_images` 64x64 Colored Fashion-MNIST training images as PNG files."""
    if os.path.isdir(folder) and len(os.listdir(folder)) == num_images:
        return
    from PIL import Image

    from keras_gans.data.colored_fashion_mnist import colored_fashion_mnist

    images, _ = colored_fashion_mnist("train", 64)
    os.makedirs(folder, exist_ok=True)
    for i, image in enumerate(images[:num_images]):
        Image.fromarray(image).save(os.path.join(folder, f"{i:05d}.png"))


def train(folder, epochs, work, preset=None):
    """Runs `keras-gans train` in `work`; returns (wall seconds, stdout, stderr)."""
    os.makedirs(work, exist_ok=True)
    argv = [sys.executable, "-m", "keras_gans.cli", "train", "--dataset", folder]
    argv += ["--epochs", str(epochs)] + (["--preset", preset] if preset else [])
    env = {**os.environ, "PYTHONPATH": ROOT}
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if result.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return wall, result.stdout, result.stderr


def score(run_folder):
    import keras

    from keras_gans.metrics.evaluator import Evaluator

    with open(os.path.join(run_folder, "history.csv")) as file:
        rows = list(csv.DictReader(file))
    last = rows[-1]
    high, low = ("d_real", "d_fake") if "d_real" in last else ("real_score", "fake_score")
    warnings_file = os.path.join(run_folder, "warnings.txt")
    saved = open(warnings_file).read().splitlines() if os.path.exists(warnings_file) else []
    model = keras.models.load_model(os.path.join(run_folder, "model.keras"))
    return {
        "epochs": len(rows),
        "gap_name": f"{high} - {low}",
        "last_epoch_gap": round(float(last[high]) - float(last[low]), 3),
        "diversity_last": round(float(last["diversity"]), 3),
        "warnings_txt": saved,
        "fid": round(
            Evaluator([METRIC], dataset="colored_fashion_mnist").evaluate(model)[METRIC], 2
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default="/tmp/colored_fashion_64")
    parser.add_argument("--num-images", type=int, default=6000)
    parser.add_argument("--work", default="/tmp/defaults_runs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epochs-default", type=int, required=True)
    parser.add_argument("--epochs-dcgan", type=int, default=0, help="0: no baseline run")
    args = parser.parse_args()
    write_folder(args.folder, args.num_images)
    contenders = {"default": (None, args.epochs_default), "dcgan": ("dcgan", args.epochs_dcgan)}
    contenders = {name: given for name, given in contenders.items() if given[1] > 0}
    results = {name: [] for name in contenders}
    for run in range(args.runs):
        for name, (preset, epochs) in contenders.items():
            work = os.path.join(args.work, f"{name}_{run}")
            wall, out, err = train(args.folder, epochs, work, preset)
            result = {"contender": name, "run": run, "wall": round(wall)}
            result["chosen"] = [line for line in out.splitlines() if line.startswith("Preset:")]
            result["cli_warnings"] = [line for line in err.splitlines() if "warning" in line]
            result.update(score(os.path.join(work, "runs", "default")))
            results[name].append(result)
            print(json.dumps(result), flush=True)
    print(f"\n{METRIC}, `keras-gans train --dataset FOLDER --epochs N` ({args.num_images} images)")
    print(f"{'contender':10s}{'FID mean +- std':>18s}  {'per run':24s}{'wall s':>12s}  gap (max)")
    for name, rows in results.items():
        fid = [row["fid"] for row in rows]
        walls = [row["wall"] for row in rows]
        print(
            f"{name:10s}{statistics.mean(fid):>10.1f} +- {statistics.pstdev(fid):<5.1f} "
            f"{' / '.join(f'{f:.1f}' for f in fid):24s}{min(walls):>6d}-{max(walls):<5d}"
            f"  {max(row['last_epoch_gap'] for row in rows):.3f} ({rows[0]['gap_name']})"
        )


if __name__ == "__main__":
    main()
