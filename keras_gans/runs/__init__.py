"""The run folder of `kg.train`: its files, its history, resuming an interrupted run."""

from keras_gans.runs.history import HistoryCSV, read_history
from keras_gans.runs.run_folder import ResumeMetadata, RunFolder, Start
from keras_gans.runs.run_lock import RunLock
from keras_gans.runs.run_record import RESUME_FILE, RunRecord, describe_run

__all__ = [
    "RESUME_FILE",
    "HistoryCSV",
    "ResumeMetadata",
    "RunFolder",
    "RunLock",
    "RunRecord",
    "Start",
    "describe_run",
    "read_history",
]
