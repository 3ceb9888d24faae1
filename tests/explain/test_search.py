"""Explain v2 (issue #12): the observed number explained by a search over hypotheses.

Every observed number below was computed by the real framework in the parity
environment (torch 2.13.0 CPU, Keras 3 / TensorFlow 2.21, optax), with the snippet
quoted in the comment next to it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import crossent
from crossent.explain import CAUSE_CODES
from crossent.explain._solve import allowed_digits, digits

Z = np.array(
    [
        [1.2, -0.3, 0.5, 2.0],
        [0.1, 1.7, -1.1, 0.4],
        [-0.6, 0.2, 2.3, 0.0],
        [1.0, 1.1, 0.9, -0.5],
        [0.3, -1.2, 0.8, 1.5],
    ],
    np.float32,
)
IDS = np.array([3, 1, 2, 0, 2])
# torch.softmax(torch.tensor(Z), -1), float32
P = np.array(
    [
        [
            0.25346896052360535,
            0.056556571274995804,
            0.12586896121501923,
            0.5641055107116699,
        ],
        [
            0.1315082460641861,
            0.6513646245002747,
            0.03960951790213585,
            0.17751756310462952,
        ],
        [
            0.0430629700422287,
            0.09583842009305954,
            0.7826327681541443,
            0.07846586406230927,
        ],
        [
            0.30929702520370483,
            0.34182608127593994,
            0.27986350655555725,
            0.06901349872350693,
        ],
        [
            0.1614995300769806,
            0.03603541851043701,
            0.2662677466869354,
            0.5361973643302917,
        ],
    ],
    np.float32,
)
TORCH_CE = "torch.nn.functional.cross_entropy"
# F.cross_entropy(z, y): 0.7485995292663574
CE = 0.7485995292663574


@pytest.mark.parametrize(
    ("observed", "headline", "options"),
    [
        # F.nll_loss(z, y): logits where log-probabilities belong
        (-1.5600000619888306, "logits_as_log_probs", {}),
        # F.nll_loss(torch.softmax(z, -1), y): softmax, not log_softmax
        (-0.5147335529327393, "logits_as_log_probs", {}),
        # F.cross_entropy(z, y, reduction="sum")
        (3.742997646331787, "reduction", {}),
        # F.cross_entropy(z, y, label_smoothing=0.1)
        (0.853099524974823, "label_smoothing", {}),
        # F.cross_entropy(z, y) / math.log(2)
        (1.080000877380371, "log_base", {}),
        # mean of the per-batch means of F.cross_entropy(z, y, reduction="none")
        # over batches [0:2], [2:4], [4:]
        (0.8443750739097595, "batch_mean", {}),
    ],
)
def test_torch_mistakes_found_against_cross_entropy(observed, headline, options):
    e = crossent.explain(IDS, Z, observed=observed, against=TORCH_CE, **options)
    assert e.codes == (headline,)
    assert e.summary.startswith(f"{headline}: ")
    # the contribution is the gap B − A = reference − observed
    assert e.causes[0].contribution == pytest.approx(CE - observed, abs=2e-6)


def test_ignored_positions_counted_in_the_mean():
    labels = IDS.copy()
    labels[1] = -100
    # F.cross_entropy(z, labels, reduction="none").sum() / 5, labels[1] = -100
    e = crossent.explain(
        labels, Z, observed=0.6628624200820923, against=TORCH_CE, ignore_index=-100
    )
    assert e.codes == ("ignore_index",)


def test_cross_entropy_on_softmax_outputs_is_double_softmax():
    # F.cross_entropy(torch.softmax(z, -1), y): the probabilities softmaxed again
    obs = 1.1466548442840576
    named = crossent.explain(IDS, P, observed=obs, against=TORCH_CE)
    assert named.codes == ("probs_as_logits",)
    # without `against` the reference is the exact formula on probabilities
    alone = crossent.explain(IDS, P, observed=obs)
    assert alone.codes[0] == "probs_as_logits"


def test_keras_from_logits_on_probabilities_against_keras():
    # keras.losses.CategoricalCrossentropy(from_logits=True)(one_hot, P) = 1.1466548…
    # and without from_logits 0.7485994696617126
    y = np.eye(4, dtype=np.float32)[IDS]
    e = crossent.explain(
        y,
        P,
        observed=1.1466548442840576,
        against="keras.losses.CategoricalCrossentropy",
    )
    assert e.codes == ("probs_as_logits",)
    assert e.causes[0].contribution == pytest.approx(
        0.7485994696617126 - 1.1466548442840576, abs=2e-6
    )


def test_against_never_narrows_the_search():
    """What produced the number is found whatever the user compares with."""
    y = np.eye(4, dtype=np.float32)[IDS]
    for against in (None, "textbook.categorical", "optax.softmax_cross_entropy"):
        e = crossent.explain(y, Z, observed=3.742997646331787, against=against)
        assert e.identification.matches, against
        assert e.codes[0] == "reduction", against


def test_nothing_reproduces_the_number():
    e = crossent.explain(IDS, Z, observed=12.3456, against=TORCH_CE)
    assert e.answer is not None
    assert e.answer.best is None
    assert e.codes == ()
    assert e.summary.startswith("nothing crossent knows reproduces 12.3456")
    assert "nearest:" in e.summary
    assert e.answer.nearest
    assert e.answer.nearest[0].distance > 0


def test_no_step_name_alone_makes_a_cause():
    """Two binary formulas that differ in their clip: not binary_vs_categorical."""
    # tf_keras.losses.BinaryCrossentropy()([[1.]], [[0.]]) = 15.424948692321777
    # (clip then ε again: −log 2e-7) against Keras 2's 16.118095
    e = crossent.explain(
        np.array([[1.0]], np.float32),
        np.array([[0.0]], np.float32),
        observed=15.424948692321777,
        against="keras2.losses.binary_crossentropy",
    )
    assert e.codes == ("clipped",)
    assert "binary_vs_categorical" not in e.codes


@pytest.mark.parametrize(
    ("y", "p", "observed", "path", "options"),
    [
        # keras.losses.CategoricalCrossentropy(label_smoothing=0.1)(Y3, P3)
        ("Y3", "P3", 0.6641409397125244, "keras.losses.CategoricalCrossentropy",
         {"label_smoothing": 0.1}),
        # keras.losses.CategoricalCrossentropy(label_smoothing=0.05)(Y3, P3)
        ("Y3", "P3", 0.6293690204620361, "keras.losses.CategoricalCrossentropy",
         {"label_smoothing": 0.05}),
        # keras.losses.BinaryCrossentropy(label_smoothing=0.2)(YB, PB)
        ("YB", "PB", 0.41990819573402405, "keras.losses.BinaryCrossentropy",
         {"label_smoothing": 0.2}),
        # keras.losses.BinaryFocalCrossentropy(gamma=3.0)(YB, PB)
        ("YB", "PB", 0.011053391732275486, "keras.losses.BinaryFocalCrossentropy",
         {"gamma": 3.0}),
        # keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4,
        # gamma=1.5)(YB, PB)
        ("YB", "PB", 0.024209756404161453, "keras.losses.BinaryFocalCrossentropy",
         {"gamma": 1.5, "alpha": 0.4, "apply_class_balancing": True}),
        # optax.sigmoid_focal_loss(ZB, YB, alpha=0.5, gamma=1.0)
        ("YB", "ZB", [0.0304716806858778, 0.1029396802186966, 0.11795500665903091,
                      0.007565093692392111], "optax.sigmoid_focal_loss",
         {"gamma": 1.0, "alpha": 0.5}),
        # optax.sigmoid_focal_loss(ZB, YB, alpha=None, gamma=3.0)
        ("YB", "ZB", [0.00326539296656847, 0.03315720334649086, 0.04272310808300972,
                      0.00021498995192814618], "optax.sigmoid_focal_loss",
         {"gamma": 3.0}),
    ],
)  # fmt: skip
def test_identify_solves_continuous_options(y, p, observed, path, options):
    arrays = {
        "Y3": np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], np.float32),
        "P3": np.array([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.6, 0.1, 0.3]], np.float32),
        "YB": np.array([[1.0], [0.0], [1.0], [0.0]], np.float32),
        "PB": np.array([[0.8], [0.3], [0.6], [0.1]], np.float32),
        "ZB": np.array([[1.2], [-0.4], [0.3], [-2.0]], np.float32),
    }
    obs = np.asarray(observed, np.float32)
    if obs.ndim:
        obs = obs.reshape(-1, 1)
    found = crossent.identify(arrays[y], arrays[p], obs)
    first = found.matches[0].spec
    assert first.path == path
    for k, v in options.items():
        assert first.options[k] == v


def test_solved_values_need_the_digits_to_back_them():
    assert allowed_digits(0.7871) == 1
    assert allowed_digits(np.float32(0.7871)) == 3
    assert allowed_digits(0.6641409397125244) == 3
    assert (digits(0.2), digits(0.25), digits(2e-07), digits(0.0999)) == (1, 2, 1, 3)


def test_new_codes_are_registered():
    for code in ("logits_as_log_probs", "batch_mean", "log_base", "fit_vs_call"):
        assert code in CAUSE_CODES


def test_contributions_add_up_to_the_gap():
    """Two deviations, one at a time: double softmax, then a sum for the mean."""
    y = np.eye(4, dtype=np.float32)[IDS]
    # keras.losses.CategoricalCrossentropy(from_logits=True)(y, P) = 1.1466548442840576;
    # summed over the 5 examples instead of averaged
    obs = 5 * 1.1466548442840576
    e = crossent.explain(
        y, P, observed=obs, against="keras.losses.CategoricalCrossentropy"
    )
    assert set(e.codes) == {"probs_as_logits", "reduction"}
    total = sum(c.contribution for c in e.causes)
    assert total == pytest.approx(0.7485994696617126 - obs, abs=1e-5)
    assert math.isfinite(total)


def test_softmax_over_the_wrong_axis():
    # F.nll_loss(F.log_softmax(z, dim=0), y): 1.0211483240127563
    e = crossent.explain(IDS, Z, observed=1.0211483240127563, against=TORCH_CE)
    assert e.codes == ("axis",)


def test_log_of_an_underflowed_softmax():
    # F.nll_loss(torch.log(torch.softmax(z2, -1)), y2) = inf, where
    # F.cross_entropy(z2, y2) is finite (105.23219)
    z2 = np.array([[-150.0, 60.0, 0.0], [1.0, 2.0, 0.5]], np.float32)
    e = crossent.explain(np.array([0, 1]), z2, observed=math.inf, against=TORCH_CE)
    # log(0) in a hand-written formula: the inf/NaN family of docs/mistakes.md
    # item 8 ("overflow"), not an ε inside the log ("log_clamped")
    assert e.codes == ("overflow",)
    assert e.causes[0].contribution == -math.inf
