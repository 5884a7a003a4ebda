"""The callbacks of a `kg.train` run, besides those that keep the run folder."""

import keras

from keras_gans.callbacks import ImageGrid, TrainingMonitor
from keras_gans.callbacks.image_grid import DEFAULT_TRANSLATION_ROWS
from keras_gans.presets import get_preset
from keras_gans.recipe.data import translation_data
from keras_gans.recipe.warnings_file import WARNINGS_FILE, WarningsFile


def run_callbacks(config, folder):
    """TensorBoard (if asked for), the image grids and the monitor, in the order they must run.

    The grid of an epoch is written before the run folder's callbacks back the
    epoch up (`RunFolder.callbacks`), so a run killed in between redoes that
    epoch instead of losing its grid. The `TrainingMonitor` (option `monitor`)
    adds `failures` to the epoch's logs before the history records them; its
    warnings are also written to `warnings.txt` in the run folder.
    """
    run = config.run
    logged = []
    if run["tensorboard"] is not None:
        log_dir = run["tensorboard"] if folder.chief else folder.path("logs")
        logged = [keras.callbacks.TensorBoard(log_dir)]
    grid = ImageGrid(
        folder.path("grids"),
        every_n_epochs=run["grid_every_n_epochs"],
        log_dir=f"{logged[0].log_dir}/train" if logged else None,
        inputs=grid_inputs(config),
    )
    watched = []
    if run["monitor"]:
        watched = [TrainingMonitor()]
        if folder.chief:
            watched.append(WarningsFile(watched[0], folder.path(WARNINGS_FILE)))
    return [*logged, grid, *watched]


def grid_inputs(config):
    """What the grids of an image-to-image preset translate: the data's first pairs, in order.

    The same rows in every grid of the run, a resumed run's included; None
    for a latent preset.
    """
    preset = get_preset(config.model["preset"])
    if not preset.translation:
        return None
    return translation_data(config, preset, DEFAULT_TRANSLATION_ROWS, shuffle=False).take(1)
