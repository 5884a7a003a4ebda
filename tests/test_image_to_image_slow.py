"""Image-to-image quality on real Fashion-MNIST, one seed each (minutes; slow, run in CI).

Shorter versions of `benchmarks/image_to_image.py`'s runs (same networks, fewer
steps). Thresholds sit below what these exact settings measured on the 2-core EPYC
in pytest (op determinism on, as conftest.py sets it); the numbers are in each
docstring. Every output is scored on the 10,000 test images.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

pytestmark = [pytest.mark.slow, pytest.mark.fashion_mnist]

SHAPE = (28, 28, 1)
THRESHOLD_INP = 0.84  # measured 0.8633 (seed 0)
# CycleGAN, seed 0 here, with the paper's identity term (measured 2026-12-05, 149 s alone):
# keeps class 0.7687 (chance 0.1; the exact dilation 0.749), called B 1.0, cycle L1 0.179.
# The benchmark's seeds 1 and 2 at 300 steps: keeps class 0.78 / 0.77, called B 0.72 / 0.65,
# cycle L1 0.19 / 0.18 (benchmarks/results/image_to_image_pilots.txt).
THRESHOLD_KEEPS_CLASS = 0.7
THRESHOLD_CALLED_B = 0.6
THRESHOLD_CYCLE = 0.22


@pytest.fixture(scope="module")
def classifier():
    return kg.metrics.fashion_classifier()


def paired_test_split(task):
    data = kg.data.load("fashion_mnist", "test", batch_size=10_000, with_labels=True, shuffle=False)
    return tuple(t.numpy() for t in next(iter(kg.data.paired_task(data, task))))


def paired_train(task):
    return kg.data.paired_task(kg.data.load("fashion_mnist", batch_size=32, seed=0), task).repeat()


def train_pix2pix(task, steps):
    """The benchmark's Pix2Pix: U-Net (32 filters) + 16x16 PatchGAN (32), lambda 100, batch 32."""
    keras.utils.set_random_seed(0)
    model = kg.Pix2Pix(
        kg.networks.unet_generator(SHAPE, filters=32),
        kg.networks.patch_discriminator(SHAPE, source_shape=SHAPE, filters=32, num_downsamples=1),
        l1_weight=100.0,
        seed=0,
    )
    model.compile()
    model.fit(paired_train(task), steps_per_epoch=steps, epochs=1, verbose=0)
    return lambda images: model.translate(images, batch_size=500)


def train_l1_only(task, steps):
    """The same U-Net on the L1 loss alone, with Pix2Pix's generator optimizer."""
    keras.utils.set_random_seed(0)
    model = kg.networks.unet_generator(SHAPE, filters=32)
    model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mean_absolute_error")
    model.fit(paired_train(task), steps_per_epoch=steps, epochs=1, verbose=0)
    return lambda images: model.predict(images, batch_size=500, verbose=0)


def accuracy(classifier, images, labels):
    return float(np.mean(classifier(images)[1].argmax(-1) == labels))


def scores(classifier, outputs, targets, labels, reference):
    features, logits = classifier(outputs)
    return {
        "fid": kg.metrics.fid(reference, features),
        "psnr": float(tf.reduce_mean(tf.image.psnr(outputs, targets, 2.0))),
        "accuracy": float(np.mean(logits.argmax(-1) == labels)),
    }


def test_pix2pix_super_resolution_beats_l1_only_and_bicubic(classifier):
    """4x super-resolution, 2000 steps each (seed 0; 116 s on 2 shared cores).

    Measured (pytest, 2026-12-05): Pix2Pix FID 38.7, PSNR 18.20, accuracy 0.808;
    L1 only FID 102.2, PSNR 18.76, accuracy 0.737; bicubic FID 327.6, accuracy 0.534
    (FID ratio 0.38, PSNR gap 0.56 dB). Asserted: the issue's targets (Pix2Pix's
    FID at most 0.7 x the L1-only U-Net's, at a PSNR at most 1.5 dB lower; below
    bicubic's FID and above its classifier accuracy), which the measurement meets
    with room to spare.
    """
    sources, targets, labels = paired_test_split("super_resolution")
    reference = kg.metrics.FeatureStatistics.from_features(classifier(targets)[0])
    outputs = {
        "pix2pix": train_pix2pix("super_resolution", 2000)(sources),
        "l1": train_l1_only("super_resolution", 2000)(sources),
        "bicubic": sources,
    }
    p2p, l1, bicubic = (scores(classifier, o, targets, labels, reference) for o in outputs.values())
    print(f"pix2pix {p2p}\nL1 only {l1}\nbicubic {bicubic}")
    assert p2p["fid"] <= 0.7 * l1["fid"]
    assert p2p["psnr"] >= l1["psnr"] - 1.5
    assert p2p["fid"] < bicubic["fid"] and p2p["accuracy"] > bicubic["accuracy"]


def test_pix2pix_inpainting_keeps_the_class(classifier):
    """Centre 14x14 hole, 2000 steps (seed 0; 136 s on 2 shared cores).

    Measured (pytest, 2026-12-05): accuracy 0.8633 (holed sources 0.667; 3 seeds in
    the benchmark: 0.860 to 0.865). Asserted: at least 0.84 (0.02 below the lowest
    seed), and 0.1 above the holed sources'.
    """
    sources, targets, labels = paired_test_split("inpainting")
    outputs = train_pix2pix("inpainting", 2000)(sources)
    holed, filled = accuracy(classifier, sources, labels), accuracy(classifier, outputs, labels)
    print(f"accuracy: holed sources {holed:.4f}, pix2pix {filled:.4f}")
    assert filled >= THRESHOLD_INP
    assert filled >= holed + 0.1


def dilate(images):
    """Bold strokes: the grey dilation of images in [-1, 1] by a 3x3 square."""
    return tf.nn.max_pool2d(images, 3, 1, "SAME").numpy()


def test_cyclegan_learns_bold_strokes_without_pairs(classifier):
    """A = garments, B = dilated garments from the other half of the training split.

    The paper's ResNet translators (16 filters, 3 blocks: the benchmark's `--translator
    resnet`; 16x16 PatchGANs; the identity term at the paper's 0.5 x cycle), 400 steps
    of batch 32 (seed 0); a 2-class domain classifier (`kg.metrics.dataset_classifier`,
    1 epoch on 10,000 images of each domain). Measured (pytest, 2026-12-05; 149 s on 2
    cores): keeps class 0.769, called B 1.0, cycle L1 0.179. Asserted: the translations
    keep their class (>= 0.7), are called B (>= 0.6) and cycle back (L1 <= 0.22).
    Without the identity term the class was kept on one seed in three. Issue 30's
    targets (0.85, 0.9, 0.05) are for the benchmark's U-Net translators, 16000 steps of
    batch 8: see docs/benchmarks.md.
    """
    train = next(iter(kg.data.load("fashion_mnist", batch_size=60_000, shuffle=False))).numpy()
    order = np.random.default_rng(0).permutation(len(train))
    a, b = train[order[:30_000]], dilate(train[order[30_000:]])

    keras.utils.set_random_seed(0)
    domain = kg.metrics.dataset_classifier(SHAPE, 2, name="domain_classifier")
    domain.compile(
        keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    domain.fit(
        np.concatenate([a[:10_000], b[:10_000]]),
        np.repeat([0, 1], 10_000),
        batch_size=128,
        epochs=1,
        shuffle=True,
        verbose=0,
    )

    def side(images, seed):
        return tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).repeat()

    unpaired = tf.data.Dataset.zip(side(a, 0), side(b, 1)).batch(32, drop_remainder=True)
    translator = dict(filters=16, num_blocks=3)
    critic = dict(filters=32, num_downsamples=1, normalization="instance")
    model = kg.CycleGAN(
        kg.networks.resnet_translator(SHAPE, name="generator_ab", **translator),
        kg.networks.resnet_translator(SHAPE, name="generator_ba", **translator),
        kg.networks.patch_discriminator(SHAPE, name="discriminator_a", **critic),
        kg.networks.patch_discriminator(SHAPE, name="discriminator_b", **critic),
        seed=0,  # identity_weight 0.5, the paper's
    )
    model.compile()
    model.fit(unpaired, steps_per_epoch=400, epochs=1, verbose=0)

    test, _ = paired_test_split("super_resolution")[1:]
    fake_b = model.translate(test, "a_to_b", batch_size=500)
    source_classes = classifier(test)[1].argmax(-1)
    keeps_class = float(np.mean(classifier(fake_b)[1].argmax(-1) == source_classes))
    called_b = float(np.mean(domain.predict(fake_b, batch_size=1000, verbose=0).argmax(-1) == 1))
    real_b_called_b = float(
        np.mean(domain.predict(dilate(test), batch_size=1000, verbose=0).argmax(-1) == 1)
    )
    cycle = float(np.mean(np.abs(model.translate(fake_b, "b_to_a", batch_size=500) - test)))
    print(
        f"keeps class {keeps_class:.4f}, called B {called_b:.4f} (real B {real_b_called_b:.4f}), "
        f"cycle L1 {cycle:.4f}"
    )
    assert real_b_called_b >= 0.95  # the domain classifier itself works
    assert keeps_class >= THRESHOLD_KEEPS_CLASS
    assert called_b >= THRESHOLD_CALLED_B
    assert cycle <= THRESHOLD_CYCLE
