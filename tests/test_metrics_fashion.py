"""The metrics on real Fashion-MNIST with the shipped classifier (fashion_classifier features).

The reference is the train split (statistics of all 60000 images, features of
5000 drawn at random); the "generated" sets are real test images, noise, one
repeated image, or a subset of the classes. Measured numbers are in each
test's docstring (this machine, seeds fixed; they are deterministic). The
expensive parts (the shipped classifier, the train reference, the test set's and
10000 noise images' features) are computed once for the module.
"""

import json

import numpy as np
import pytest

from keras_gans.data.builtin_datasets import load_builtin_arrays
from keras_gans.metrics import (
    Evaluator,
    conditional_accuracy,
    fashion_classifier,
    fid,
    inception_score,
    kid,
    precision_recall,
    reference_features,
    shipped_classifier_path,
)

pytestmark = [pytest.mark.slow, pytest.mark.fashion_mnist]


@pytest.fixture(scope="module")
def extractor():
    return fashion_classifier()


@pytest.fixture(scope="module")
def reference(extractor, tmp_path_factory):
    return reference_features(
        extractor,
        "fashion_mnist",
        "train",
        num_features=5000,
        cache_dir=tmp_path_factory.mktemp("reference"),
    )


@pytest.fixture(scope="module")
def test_set(extractor):
    x, y = load_builtin_arrays("fashion_mnist", "test", download=False)
    images = (x / 127.5 - 1).astype("float32")
    features, logits = extractor(images)
    return images, y, features, logits


@pytest.fixture(scope="module")
def noise(extractor):
    """Features and logits of 10000 uniform-noise images (tests use the first n of them)."""
    images = np.random.default_rng(0).uniform(-1, 1, (10_000, 28, 28, 1)).astype("float32")
    return extractor(images)


def test_fid_of_real_images_is_far_below_noise_and_a_repeated_image(
    extractor, reference, test_set, noise
):
    """fid_fashion_classifier, 10000 test images vs the statistics of all 60000 train images.

    Measured: real test images 0.310, uniform noise 659.5, one test image
    repeated 10000 times 1035.3. Asserted: real < 1 and both others more than
    500 times larger. Margins: 3.2x below 1; noise 4.3x and the repeated image
    6.7x above 500 * 0.310 = 155.
    """
    images, _, features, _ = test_set
    real = fid(reference.statistics, features)
    noise = fid(reference.statistics, noise[0])
    # One image repeated: the same feature vector 10000 times.
    repeated = fid(reference.statistics, np.repeat(extractor(images[:1])[0], 10_000, axis=0))
    print(f"FID real {real:.3f}, noise {noise:.1f}, repeated image {repeated:.1f}")
    assert real < 1
    assert noise > 500 * real and repeated > 500 * real


def test_kid_is_near_zero_for_two_halves_of_the_test_set(reference, test_set, noise):
    """KID (50 subsets of 1000), fashion_classifier features.

    Measured: the two halves of the test set 0.165, the test set vs 5000
    random train images -0.058; against the test set, its images of classes 0
    and 1 only 144.7 and uniform noise 342.7 (features of norm ~29 in 128-d,
    so the cubic kernel makes KID values large on this extractor). Asserted: both real-vs-real
    values below 1e-3 times the noise KID and 1/20 of the two-class KID. Margins:
    the bound 0.343 is 2.1x the halves' 0.165 and 5.9x |-0.058|; 144.7 / 20 = 7.2
    is 44x the halves'.
    """
    _, labels, features, _ = test_set
    halves = kid(features[:5000], features[5000:], num_subsets=50)
    against_train = kid(reference.features, features, num_subsets=50)
    two_classes = kid(features, features[np.isin(labels, [0, 1])], num_subsets=50)
    noise = kid(features, noise[0][:2000], num_subsets=50)
    print(
        f"KID halves {halves:.4f}, test vs train {against_train:.4f}, "
        f"two classes {two_classes:.3f}, noise {noise:.3f}"
    )
    for real_vs_real in (halves, against_train):
        assert abs(real_vs_real) < 1e-3 * noise and abs(real_vs_real) < two_classes / 20


def test_precision_recall_see_two_classes_as_a_recall_drop(reference, test_set):
    """Improved precision/recall (k=3) against the 5000 random train features.

    Measured: identical sets 1/1; 2000 random test images 0.820/0.854; the
    2000 test images of classes 0 and 1 (T-shirts, trousers) 0.842/0.489.
    Asserted: identical sets exactly 1/1; the two-class set's precision within
    0.05 of the full set's, its recall at least 0.25 lower. Margins: full set
    0.070/0.104 above 0.75; two-class precision 0.072 above its bound 0.770,
    recall 0.115 below its bound 0.604.
    """
    _, labels, features, _ = test_set
    assert precision_recall(features[:3000], features[:3000]) == (1.0, 1.0)
    random_2000 = np.random.default_rng(0).permutation(len(features))[:2000]
    full_p, full_r = precision_recall(reference.features, features[random_2000])
    two_classes = features[np.isin(labels, [0, 1])]
    two_p, two_r = precision_recall(reference.features, two_classes)
    print(f"P/R full {full_p:.4f}/{full_r:.4f}, two classes {two_p:.4f}/{two_r:.4f}")
    assert len(two_classes) == 2000
    assert full_p > 0.75 and full_r > 0.75
    assert two_p > full_p - 0.05
    assert two_r < full_r - 0.25


def test_inception_score_of_real_images_with_the_classifier_head(test_set, noise):
    """IS (10 splits) with the classifier's 10-way head.

    Measured: real test images 8.066, uniform noise 1.227.
    Asserted: real > 7, noise below half of it. Margins: 1.07 above 7; noise
    2.8 below 4.03.
    """
    _, _, _, logits = test_set
    real = inception_score(logits)
    noise = inception_score(noise[1][:5000])
    print(f"IS real {real:.3f}, noise {noise:.3f}")
    assert real > 7 and noise < 0.5 * real


class RealImagesAsConditionalGenerator:
    """A stand-in conditional generator: returns real test images of the asked class.

    With `follow_labels=False` it returns test images in a fixed random order
    whatever the label: a generator that ignores its conditioning.
    """

    latent_dim = 4
    num_classes = 10

    def __init__(self, images, labels, follow_labels=True):
        self.images, self.labels, self.follow_labels = images, labels, follow_labels
        self.by_class = [np.flatnonzero(labels == c) for c in range(10)]
        self.order = np.random.default_rng(0).permutation(len(images))
        self.served = 0

    def generate_from_latent(self, z, labels=None, batch_size=256):
        picks = []
        for label in labels:
            if self.follow_labels:
                members = self.by_class[label]
                picks.append(members[self.served // 10 % len(members)])
            else:
                picks.append(self.order[self.served % len(self.order)])
            self.served += 1
        return self.images[np.array(picks)]


def test_conditional_accuracy_is_the_classifier_accuracy_or_chance(test_set, tmp_path):
    """The classifier's recorded test accuracy: saved_models/fashion_classifier/1/metadata.json.

    Measured: accuracy of the test logits 0.914 (= metadata); shuffled labels
    0.0994; through Evaluator, accuracy_fashion_classifier_5k of a stand-in
    that returns real test images of the asked class 0.9132, of one that
    ignores the label 0.0962. Asserted: within 0.0005 of the recorded accuracy
    and 0.015 of chance for the logits; within 0.02 of each for the stand-ins.
    Margins: logits 0.0005 (equal to the recorded value), shuffled 0.014; the
    stand-ins 0.019 and 0.016.
    """
    images, labels, _, logits = test_set
    with open(shipped_classifier_path().replace("fashion_classifier.keras", "metadata.json")) as f:
        recorded = json.load(f)["test_accuracy"]
    assert conditional_accuracy(logits, labels) == pytest.approx(recorded, abs=5e-4)
    shuffled = conditional_accuracy(logits, np.random.default_rng(0).permutation(labels))
    print(f"accuracy with shuffled labels {shuffled:.4f}")
    assert shuffled == pytest.approx(0.1, abs=0.015)

    evaluator = Evaluator(["accuracy_fashion_classifier_5k"], cache_dir=None)
    faithful = evaluator.evaluate(RealImagesAsConditionalGenerator(images, labels))
    ignoring = evaluator.evaluate(
        RealImagesAsConditionalGenerator(images, labels, follow_labels=False)
    )
    faithful, ignoring = (
        faithful["accuracy_fashion_classifier_5k"],
        ignoring["accuracy_fashion_classifier_5k"],
    )
    print(
        f"accuracy: test {recorded}, stand-in following labels {faithful:.4f}, "
        f"ignoring {ignoring:.4f}"
    )
    assert faithful == pytest.approx(recorded, abs=0.02)
    assert ignoring == pytest.approx(0.1, abs=0.02)
