"""The run folder of `kg.train`: its files, its history, resuming an interrupted run."""

from keras_gans.runs.history import HistoryCSV, read_history
from keras_gans.runs.run_folder import RESUME_FILE, ResumeMetadata, RunFolder

__all__ = ["RESUME_FILE", "HistoryCSV", "ResumeMetadata", "RunFolder", "read_history"]
