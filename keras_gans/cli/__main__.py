"""`python -m keras_gans.cli ...`, the same as `keras-gans ...`."""

import sys

from keras_gans.cli import main

sys.exit(main())
