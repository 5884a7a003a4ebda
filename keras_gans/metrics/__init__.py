"""Evaluation metrics: FID, KID, Inception Score, precision/recall, accuracy; PSNR, SSIM, L1.

The maths (`frechet_distance`) is kept apart from feature extraction
(`InceptionFeatures`, `ClassifierFeatures`); each metric has its own file,
which registers it with `register_metric` (see `registry`: one new file adds
one metric); `Evaluator` computes metrics named by their protocol, e.g.
`fid_fashion_classifier_10k` (see `protocols`).
"""

from keras_gans.metrics.classifier_features import (
    ClassifierFeatures,
    fashion_classifier,
    shipped_classifier_path,
)
from keras_gans.metrics.colored_fashion_features import (
    ColoredFashionFeatures,
    colored_fashion_classifier,
)
from keras_gans.metrics.conditional_accuracy import conditional_accuracy
from keras_gans.metrics.dataset_classifier import dataset_classifier, train_dataset_classifier
from keras_gans.metrics.evaluator import Evaluator
from keras_gans.metrics.feature_extractor import FeatureExtractor, extract_features
from keras_gans.metrics.feature_statistics import FeatureStatistics
from keras_gans.metrics.fid import fid
from keras_gans.metrics.frechet import frechet_distance
from keras_gans.metrics.inception_features import InceptionFeatures
from keras_gans.metrics.inception_score import inception_score
from keras_gans.metrics.kid import kid
from keras_gans.metrics.l1 import l1_distance
from keras_gans.metrics.mode_coverage import mode_coverage
from keras_gans.metrics.precision_recall import precision_recall
from keras_gans.metrics.protocols import (
    PROTOCOLS,
    Protocol,
    default_protocols,
    get_extractor,
    get_protocol,
)
from keras_gans.metrics.psnr import psnr
from keras_gans.metrics.reference import default_cache_dir, reference_features
from keras_gans.metrics.registry import (
    Metric,
    MetricInputs,
    describe_metrics,
    get_metric,
    register_metric,
    registered_metrics,
)
from keras_gans.metrics.ssim import ssim

__all__ = [
    "PROTOCOLS",
    "ClassifierFeatures",
    "ColoredFashionFeatures",
    "Evaluator",
    "FeatureExtractor",
    "FeatureStatistics",
    "InceptionFeatures",
    "Metric",
    "MetricInputs",
    "Protocol",
    "colored_fashion_classifier",
    "conditional_accuracy",
    "dataset_classifier",
    "default_cache_dir",
    "default_protocols",
    "describe_metrics",
    "extract_features",
    "fashion_classifier",
    "fid",
    "frechet_distance",
    "get_extractor",
    "get_metric",
    "get_protocol",
    "inception_score",
    "kid",
    "l1_distance",
    "mode_coverage",
    "precision_recall",
    "psnr",
    "reference_features",
    "register_metric",
    "registered_metrics",
    "shipped_classifier_path",
    "ssim",
    "train_dataset_classifier",
]
