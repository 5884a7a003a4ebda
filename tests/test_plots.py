import importlib

import matplotlib
import numpy as np
from PIL import Image

from keras_gans import plots


def test_loss_plot_leaves_the_users_matplotlib_backend_alone(tmp_path):
    previous = matplotlib.get_backend()
    matplotlib.use("svg")  # a user's choice, e.g. a notebook's backend
    try:
        importlib.reload(plots)  # as if imported now, after the user chose a backend
        path = plots.plot_history(
            {"d_loss": [1.0, 0.8], "g_loss": [2.0, 1.5], "d_real": [0.7, 0.6]},
            tmp_path / "losses.png",
        )
        assert matplotlib.get_backend() == "svg"
    finally:
        matplotlib.use(previous)
    picture = np.array(Image.open(path))
    assert picture.shape[1] == 1200  # two panels (losses, other logs), 6 inches each at 100 dpi
    assert len(np.unique(picture.reshape(-1, picture.shape[-1]), axis=0)) > 10  # drawn, not blank
