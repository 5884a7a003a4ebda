"""The anti-collapse recipes on the mode-collapse benchmark (minutes; marked slow).

Runs `benchmarks/mode_collapse.py`'s own `run` (same networks, optimizer and
protocol): on ring8 seed 0, feature matching alone (weight 1, 6,000 steps, the
config named `recipe`) and the vanilla GAN (3,000 steps, as in docs/benchmarks.md's
table), and the recommended recipe (the last grid config below); on
grid25 seed 0, feature matching with the maxout discriminator (6,000 steps), and the
recommended recipe on seeds 0 and 2: the same with a learned mixture latent, a minibatch
standard deviation feature and 32 Fourier features of each point in D, scored before and
after discriminator rejection sampling with gamma 2 (section S of the results: 24.8 +- 0.6
modes over 10 seeds, 23 on one, 25 on the others, at 0.986 +- 0.004 high quality after
rejection sampling, 0.978 to 0.993; seed 0 25 modes at 0.957, then 0.978, seed 2 25 at 0.961,
then 0.989, on the AVX512 Xeon).

Measured with `benchmarks/mode_collapse.py` (benchmarks/results/mode_collapse.txt,
section K): the recipe covered 8/8 ring modes on all 10 seeds with 0.965 +- 0.005
high-quality samples; the vanilla GAN 0.9/8 modes on average over 10 seeds (0 on 9
of them); feature matching with maxout units 23.8 +- 1.8 grid modes at 0.868 +-
0.101 over 10 seeds (seed 0: 25 modes, 0.924; seeds 8 and 9 lose 4 and 5 modes).
Asserted with margin: all 8 ring modes at >= 0.93 high quality for the recipe, fewer
modes for vanilla; >= 20 grid modes (the worst of the 10 benchmark seeds) at
>= 0.85 for maxout on seed 0. One seed's grid run is not the same on every CPU: seed 0
gave 25 modes at 0.924 on the machine of the benchmark and 21 at 0.905 on a 2-core Xeon
with AVX512 (2026-12-02), within the 10-seed spread either way. It depends on TensorFlow's
thread count too: the earlier recipe (no Fourier features) gave 25 grid modes at 0.923 on
seed 0 with the default two intra-op threads and 23 at 0.820 with one, on a 2-core AMD EPYC
(conftest keeps the default threads whenever slow tests run).
Under pytest (op determinism on) seed 0 measured: recipe 8 modes / 0.968, vanilla
1 / 0.001, maxout on the grid 25 / 0.924. The recommended recipe (with the Fourier
features), 2026-12-03 on the AVX512 Xeon: the same as the benchmark to the digit, ring 8 / 0.918
both ways, grid 25 / 0.957 and 0.978 after rejection sampling (seed 2: 25 / 0.961 and 0.989,
101 s); the ring and grid seed-0 tests took 176 s.
In a clean-clone CI run on the AVX512 Xeon (2026-12-02, before the ring test dropped seed 1
and before the Fourier features): the ring test with both seeds 192 s, the recommended
recipe's ring 144 s and grid 141 s, maxout's grid 134 s.

    pytest -m slow tests/test_mode_collapse_slow.py
"""

import pytest
from conftest import load_benchmark

pytestmark = pytest.mark.slow

RECIPE_STEPS = 6000  # the recipe of docs/guides/when-training-fails.md
VANILLA_STEPS = 3000  # the vanilla row of docs/benchmarks.md
GRID_SEED = 0
RECOMMENDED = "mixture_latent_stddev_fourier_rejection"


@pytest.fixture(scope="module")
def mode_collapse():
    return load_benchmark("mode_collapse")


def coverage(mode_collapse, name, mixture, seed, steps):
    """`mode_coverage` of the config's samples (and of rejection sampling's, if it has it)."""
    results = [r for r, _ in mode_collapse.run(mode_collapse.CONFIGS[name], mixture, seed, steps)]
    print(name, mixture, seed, results)
    return results if len(results) > 1 else results[0]


def test_recipe_covers_the_ring_where_vanilla_collapses(mode_collapse):
    recipe = coverage(mode_collapse, "recipe", "ring8", 0, RECIPE_STEPS)
    vanilla = coverage(mode_collapse, "vanilla", "ring8", 0, VANILLA_STEPS)
    assert recipe["modes"] == 8
    assert recipe["high_quality"] >= 0.93
    assert vanilla["modes"] < recipe["modes"]


def test_the_recommended_recipe_covers_the_ring(mode_collapse):
    plain, rejection = coverage(mode_collapse, RECOMMENDED, "ring8", 0, RECIPE_STEPS)
    # The 10 benchmark seeds (section S): 8 modes on every one at 0.867-0.992, 0.918-0.996 after
    # rejection sampling with gamma 2 (0.983 +- 0.022); seed 0, the worst after it, 0.918 both ways.
    assert plain["modes"] == 8 and plain["high_quality"] >= 0.9
    assert rejection["modes"] == 8 and rejection["high_quality"] >= 0.9


def test_maxout_discriminator_covers_the_grid(mode_collapse):
    result = coverage(mode_collapse, "feature_matching_maxout", "grid25", 0, RECIPE_STEPS)
    assert result["modes"] >= 20  # vanilla: 0.8 of 25 on average over 10 seeds
    assert result["high_quality"] >= 0.85


# Seed 2 was the grid's worst seed without the Fourier features (0.815 after rejection sampling).
@pytest.mark.parametrize("seed", [GRID_SEED, 2])
def test_the_recommended_recipe_covers_the_grid_at_95_percent_high_quality(mode_collapse, seed):
    plain, rejection = coverage(mode_collapse, RECOMMENDED, "grid25", seed, RECIPE_STEPS)
    # The 10 benchmark seeds: 25 modes on 9, 23 on one; quality 0.917-0.961 before rejection
    # sampling, 0.978-0.993 after (seed 0: 0.957 and 0.978; seed 2: 0.961 and 0.989). Without
    # the Fourier features (section R): 0.815-0.982 after rejection sampling (seed 0: 0.948).
    assert plain["modes"] >= 24 and plain["high_quality"] >= 0.9
    # Rejection sampling (gamma 2) with this D keeps the modes and reaches the target's 95%.
    assert rejection["modes"] >= plain["modes"]
    assert rejection["high_quality"] >= 0.95
