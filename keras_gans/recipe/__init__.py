"""The pieces of `kg.train`'s recipe, one concern each: the data, the model, the callbacks.

`keras_gans/train.py` reads top to bottom over them; the run folder is
`keras_gans/runs`.
"""
