"""The callbacks of a `kg.train` run, besides those that keep the run folder."""

import keras

from keras_gans.callbacks import ImageGrid


def run_callbacks(config, folder):
    """TensorBoard (if asked for) and the image grids, in the order they must run.

    The grid of an epoch is written before the run folder's callbacks back the
    epoch up (`RunFolder.callbacks`), so a run killed in between redoes that
    epoch instead of losing its grid.
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
    )
    return [*logged, grid]
