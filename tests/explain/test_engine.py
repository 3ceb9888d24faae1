"""The explain engine's own guarantees: attribution adds up, results serialise and render."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import crossent
from crossent.explain import Spec, compare, identify, trace
from crossent.explain._matching import decimal_tolerance
from crossent.explain._spec import parse

SEED_Y = np.eye(3)
SEED_P = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]])

PAIRS = [
    ("textbook.categorical(reduction='mean')", "exact.categorical(reduction='mean')"),
    ("textbook.binary", "exact.categorical"),
    (
        "textbook.binary(reduction='mean_over_elements')",
        "textbook.categorical(reduction='sum')",
    ),
    ("exact.softmax", "tf.nn.softmax_cross_entropy_with_logits"),
]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_attribution_sums_to_gap(a: str, b: str) -> None:
    comp = compare(a, b, SEED_Y, SEED_P)
    total = sum(x.contribution for x in comp.attribution)
    assert total == pytest.approx(comp.gap, abs=1e-12 * max(1.0, abs(comp.gap)))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    p=arrays(np.float64, (4, 3), elements=st.floats(1e-3, 0.999)),  # finite logs
    labels=st.lists(st.integers(0, 2), min_size=4, max_size=4),
)
def test_attribution_sums_to_gap_per_sample_and_reduced(p, labels) -> None:
    y = np.eye(3)[labels]
    comp = compare("textbook.categorical", "textbook.binary", y, p)
    per = [x.per_sample for x in comp.attribution if x.per_sample is not None]
    total = np.sum(per, axis=0)
    gap = np.asarray(comp.b.value, np.float64) - np.asarray(comp.a.value, np.float64)
    np.testing.assert_allclose(total, gap, rtol=1e-12, atol=1e-12)
    assert sum(x.contribution for x in comp.attribution) == pytest.approx(
        float(gap.sum()), abs=1e-12
    )


RESUME_PAIRS = [
    ("keras.losses.CategoricalCrossentropy", "textbook.categorical"),
    ("keras.losses.CategoricalCrossentropy", "torch.nn.functional.cross_entropy"),
    ("tf_keras.losses.BinaryCrossentropy", "torch.nn.functional.binary_cross_entropy"),
    ("keras2.losses.categorical_crossentropy", "sklearn.metrics.log_loss"),
    ("optax.softmax_cross_entropy", "textbook.categorical"),
]


@pytest.mark.parametrize(("a", "b"), RESUME_PAIRS)
def test_attribution_resuming_hybrids_equals_full_runs(
    a: str, b: str, monkeypatch
) -> None:
    """Hybrids resume from the state the previous one recorded and stop where their
    state equals the previous one's; the numbers must be those of running every
    hybrid from scratch, bit for bit."""
    from crossent.explain import _compare

    rng = np.random.default_rng(3)
    y = np.eye(4)[rng.integers(0, 4, 6)]
    p = rng.dirichlet(np.ones(4), 6) * rng.uniform(0.5, 1.5, (6, 1))
    p[0, 0] = 1e-12
    from crossent.frameworks._plan import Step

    applied = {"n": 0}
    apply = Step.apply

    def counting(self, state):
        applied["n"] += 1
        return apply(self, state)

    monkeypatch.setattr(Step, "apply", counting)
    resumed = compare(a, b, y, p).attribution
    steps_resumed = applied["n"]

    monkeypatch.setattr(_compare, "_RESUME", False)
    applied["n"] = 0
    full = compare(a, b, y, p).attribution
    assert steps_resumed < applied["n"]  # the runner did skip shared steps
    assert [x.step for x in resumed] == [x.step for x in full]
    for r, f in zip(resumed, full):
        assert r.contribution == f.contribution or (
            np.isnan(r.contribution) and np.isnan(f.contribution)
        )
        np.testing.assert_array_equal(r.per_sample, f.per_sample)


def _resume_cases() -> list[tuple[str, str]]:
    from crossent.frameworks._registry import registry

    reference = {
        ("one_hot", "probabilities"): "textbook.categorical",
        ("integer", "probabilities"): "textbook.categorical",
        ("binary", "probabilities"): "textbook.binary",
        ("one_hot", "logits"): "exact.softmax",
        ("integer", "logits"): "exact.softmax",
        ("binary", "logits"): "exact.sigmoid_binary",
    }
    cases = []
    for path, impl in registry().items():
        if impl.framework in ("textbook", "exact"):
            continue
        ref = reference[(impl.labels, impl.expects)]
        cases += [(path, ref), (ref, path)]
    return cases


@pytest.mark.parametrize(("a", "b"), _resume_cases())
def test_attribution_shortcuts_change_no_number(a: str, b: str, monkeypatch) -> None:
    """Every registered plan, against its hand-written or exact counterpart in both
    orders: the resumed and shortcut hybrids give the from-scratch numbers, bit for
    bit (a shortcut taken on states that only look equal would show here)."""
    from crossent.explain import _compare
    from crossent.frameworks._registry import get

    impl = get(a if not a.startswith(("textbook.", "exact.")) else b)
    rng = np.random.default_rng(5)
    n, c = 6, 4
    if impl.labels == "binary":
        y = rng.integers(0, 2, (n, c)).astype(np.float64)
        p = rng.uniform(0.01, 0.99, (n, c))
        p[0, 0], p[1, 1] = 1e-12, 1 - 1e-12
    else:
        labels = rng.integers(0, c, n)
        y = labels if impl.labels == "integer" else np.eye(c)[labels]
        p = rng.dirichlet(np.ones(c), n) * rng.uniform(0.5, 1.5, (n, 1))
        p[0, labels[0]] = 1e-12
    if impl.expects == "logits":
        p = rng.normal(0, 4, (n, c))
        p[0, 0] = 40.0
    try:
        resumed = compare(a, b, y, p).attribution
    except (ValueError, TypeError) as err:  # a pair that cannot run on these inputs
        pytest.skip(f"{a} vs {b}: {err}")
    monkeypatch.setattr(_compare, "_RESUME", False)
    full = compare(a, b, y, p).attribution
    assert [x.step for x in resumed] == [x.step for x in full]
    for r, f in zip(resumed, full):
        assert r.contribution == f.contribution or (
            np.isnan(r.contribution) and np.isnan(f.contribution)
        ), r.step
        np.testing.assert_array_equal(r.per_sample, f.per_sample)


def test_first_divergence_and_identical_plans() -> None:
    comp = compare("textbook.categorical", "textbook.categorical", SEED_Y, SEED_P)
    assert comp.first_divergence is None
    assert comp.gap == 0


def test_spec_parsing() -> None:
    spec = parse("textbook.categorical(reduction='mean', axis=-1)")
    assert spec == Spec("textbook.categorical", {"reduction": "mean", "axis": -1})
    assert str(spec) == "textbook.categorical(reduction='mean', axis=-1)"


def test_unknown_option_is_an_error() -> None:
    with pytest.raises(
        ValueError, match=r"compare: textbook.categorical has no option 'nope'"
    ):
        trace("textbook.categorical(nope=1)", SEED_Y, SEED_P)


def test_decimal_tolerance_reads_the_digits_written() -> None:
    # 0.0946 was typed with 4 decimals: half a unit in the last place is 5e-5.
    assert decimal_tolerance(0.0946) == pytest.approx(5e-5)
    assert decimal_tolerance(16.118095) == pytest.approx(5e-7)
    # A float32 value carries its own rounding: half an ulp.
    assert decimal_tolerance(np.float32(16.118095)) == pytest.approx(
        np.spacing(np.float32(16.118095)) / 2
    )


def test_identify_prefers_inputs_as_given() -> None:
    found = identify(SEED_Y, SEED_P, 0.0946, implementations=["textbook.categorical"])
    assert [str(m.spec) for m in found] == ["textbook.categorical(reduction='mean')"]
    assert found.matches[0].input_dtype == "float64"
    assert not found.ambiguous


def test_results_are_json_safe() -> None:
    y = np.array([[0.0, 1.0]])
    p = np.array([[1.0, 0.0]])  # -log 0 = inf in the textbook formula
    exp = crossent.explain(y, p, observed=float("inf"))
    text = json.dumps(exp.to_dict(), allow_nan=False)  # raises on a float inf/NaN
    assert json.loads(text)["observed"] == "inf"


def test_rich_and_html_rendering() -> None:
    from rich.console import Console

    keras = "keras.losses.CategoricalCrossentropy"
    exp = crossent.explain(SEED_Y, SEED_P, observed=0.0946, against=keras)
    buf = io.StringIO()
    Console(file=buf, width=100, color_system=None).print(exp)
    out = buf.getvalue()
    assert "renormalized" in out
    assert "crossent explain" in out
    html = exp._repr_html_()
    assert "data-code='renormalized'" in html
    for obj in (exp.comparison, exp.identification, exp.comparison.a):
        Console(file=io.StringIO(), width=100).print(obj)
        assert obj._repr_html_().startswith("<")
        assert str(obj)


@pytest.mark.parametrize("width", [60, 100, 160])
def test_rich_tables_fit_the_console_and_keep_names_whole(width: int) -> None:
    from rich.console import Console

    from crossent.cli._frameworks_table import frameworks_table

    exp = crossent.explain(
        SEED_Y, SEED_P, observed=0.0946, against="keras.losses.CategoricalCrossentropy"
    )
    names = [
        "keras.losses.CategoricalCrossentropy",
        "tf_keras.losses.CategoricalCrossentropy",
    ]
    for obj in (exp, exp.comparison.a, frameworks_table()):
        buf = io.StringIO()
        Console(file=buf, width=width, color_system=None).print(obj)
        lines = buf.getvalue().splitlines()
        assert max(len(line) for line in lines) <= width
        if width >= 100 and obj is exp:
            # the implementation column stays on one line: each name is in one piece
            for name in names:
                assert any(name in line for line in lines), name


def test_rich_output_is_text_not_markup() -> None:
    """Formulas hold brackets: rich must print them, not read them as style tags."""
    from rich.console import Console

    y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    p = np.array(
        [[0.227863, 0.61939586, 0.15274114], [0.49674623, 0.20196195, 0.30129182]]
    )
    exp = crossent.explain(y, p, observed=[0.90335299, 2.11193571])
    buf = io.StringIO()
    Console(file=buf, width=250, color_system=None).print(exp)
    out = buf.getvalue()
    assert "−Σ_c [y log p + (1−y) log(1−p)] as written by hand" in out
    assert "t ← −[y" in out  # the attribution's "A does"
    assert "binary_vs_categorical: " in out  # the cause panel's title


def test_trace_records_effects() -> None:
    t = trace("textbook.categorical", SEED_Y, SEED_P)
    assert t.step("log").values["log_p"].shape == (3, 3)
    assert (
        json.loads(json.dumps(t.to_dict()))["implementation"] == "textbook.categorical"
    )


def test_reduce_then_output_do_not_cancel_out() -> None:
    """Keras reduces into ℓ and casts it in "output"; the exact formula reduces into the
    value. Substituting B's reduce must not leave A's output casting the unreduced ℓ
    (which once showed as +0.189 at "reduce" and −0.189 at "output")."""
    p = SEED_P.astype(np.float32)
    comp = compare(
        "keras.losses.CategoricalCrossentropy",
        "exact.categorical(reduction='mean')",
        SEED_Y,
        p,
    )
    by_step = {a.step: a.contribution for a in comp.attribution}
    # seed 000: tf.keras printed 0.3239681124687195; −Σ y log p / 3 = 0.0945899...
    assert by_step["renormalize"] == pytest.approx(
        0.09458991187728844 - 0.3239681124687195, abs=1e-6
    )
    assert abs(by_step["reduce"]) < 1e-7
    assert abs(by_step["output"]) < 1e-7


def test_textbook_and_exact_formulas_take_integer_labels() -> None:
    labels = np.array([0, 1, 2])
    for path in ("textbook.categorical", "exact.categorical", "textbook.binary"):
        dense = crossent.trace(path, SEED_Y, SEED_P).value
        sparse = crossent.trace(path, labels, SEED_P).value
        np.testing.assert_array_equal(sparse, dense)
    # class ids along axis 0 (classes first)
    along0 = crossent.trace("exact.categorical(axis=0)", labels, SEED_P.T).value
    np.testing.assert_array_equal(
        along0, crossent.trace("exact.categorical", SEED_Y, SEED_P).value
    )
    # an id outside [0, C) has no one-hot row: its loss is NaN, not 0
    out = crossent.trace("exact.categorical", np.array([0, 3, 2]), SEED_P).value
    assert np.isnan(out[1])
    assert np.isfinite(out[[0, 2]]).all()


def test_explain_integer_labels_against_a_sparse_loss() -> None:
    """Once crashed: the exact reference got class ids where it expected one-hot rows."""
    labels = np.array([0, 1, 2])
    p = SEED_P.astype(np.float32)
    sparse = "keras.losses.SparseCategoricalCrossentropy"
    exp = crossent.explain(labels, p, observed=0.3239681, against=sparse)
    # the only implementation named matches, so B is the exact reference
    assert exp.identification.matches[0].spec.path == sparse
    assert exp.comparison.b.implementation == "exact.categorical"
    # B: −Σ log p_y / 3 without renormalisation = 0.0945899 (as for one-hot labels)
    assert float(exp.comparison.b.value) == pytest.approx(0.09458991187728844, abs=1e-7)
    assert "renormalized" in exp.codes


def test_explain_per_example_numbers_matched_by_several_implementations() -> None:
    """Once raised "truth value of an array is ambiguous": with per-example numbers
    (a list of floats) that three implementations reproduce, the matches (which hold
    their arrays) were compared with ``==`` to put the best one first."""
    y = np.ones(4, np.float32)
    z = np.array([2.0, 0.5, -1.0, 3.0], np.float32)
    spec = "optax.sigmoid_focal_loss(alpha=0.75, gamma=2.0)"
    observed = np.asarray(crossent.trace(spec, y, z).value, np.float64).tolist()
    exp = crossent.explain(y, z, observed=observed, against=spec, alpha=0.75, gamma=2.0)
    assert len(exp.identification.matches) >= 2
    assert exp.identification.matches[0].spec.path == "optax.sigmoid_focal_loss"


def test_keras_number_without_against_is_renormalisation_alone() -> None:
    """Once also named ``reduction`` (+1.08, with renormalized −1.31): Keras' mean was
    traced against the unreduced exact losses, so the mean looked like a step."""
    keras = crossent.trace("keras.losses.CategoricalCrossentropy", SEED_Y, SEED_P)
    exact = crossent.trace("exact.categorical(reduction='mean')", SEED_Y, SEED_P)
    exp = crossent.explain(SEED_Y, SEED_P, observed=float(keras.value))
    assert exp.codes == ("renormalized",)
    gap = float(exact.value) - float(keras.value)
    assert exp.causes[0].contribution == pytest.approx(gap, rel=1e-6)


def test_explain_traces_nothing_when_the_exact_mean_is_the_number() -> None:
    """Once traced the exact per-example losses against their own mean and
    reported the sum of the losses minus the mean as a "reduction" gap."""
    z = np.log(SEED_P)  # logits
    labels = np.array([0, 1, 2])
    mean = float(crossent.trace("exact.softmax(reduction='mean')", labels, z).value)
    exp = crossent.explain(labels, z, observed=mean)
    assert exp.identification.matches[0].spec.path == "exact.softmax"
    assert exp.comparison is None
    assert "reduction" not in exp.codes


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: crossent.explain(SEED_Y, SEED_P[:2]),
            r"^explain: `y_true` of shape \(3, 3\) does not fit `y_pred` of shape "
            r"\(2, 3\): give one-hot or soft labels of shape \(2, 3\), or integer "
            r"class ids of shape \(2,\)\.$",
        ),
        (
            lambda: crossent.explain(SEED_Y, SEED_P, observed="abc"),
            r"^explain: `observed` must be the number \(or array of numbers\) you "
            r"saw, such as 0\.0946 or \[0\.105, 0\.805\]; got 'abc'\.$",
        ),
        (
            lambda: crossent.explain(SEED_Y, SEED_P, observed=[0.1, "x"]),
            r"^explain: `observed` must be .*; got \[0\.1, 'x'\]\.$",
        ),
        (
            lambda: crossent.identify(SEED_Y, SEED_P, None),
            r"^identify: `observed` must be .*; got None\.$",
        ),
        (
            lambda: crossent.explain(
                SEED_Y, SEED_P, against="textbook.categorical(reduction='bogus')"
            ),
            r"^textbook\.categorical: `reduction` must be one of 'none', 'sum', "
            r"'mean', 'mean_over_elements'; got 'bogus'\.$",
        ),
        (
            lambda: crossent.trace("exact.binary(reduction='x')", SEED_Y, SEED_P),
            r"^exact\.binary: `reduction` must be one of .*; got 'x'\.$",
        ),
    ],
)
def test_bad_input_gets_one_clear_error(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_tf1_sum_without_weights_is_a_reduction_not_weighting() -> None:
    """TF1 reduces through its weights step ("weight+reduce"); with no weights given
    the difference from a mean is the reduction (it was named ``weighting``)."""
    labels = np.array([0, 1, 2])
    z = np.log(SEED_P).astype(np.float32)
    tf1 = "tf.compat.v1.losses.sparse_softmax_cross_entropy(reduction='weighted_sum')"
    observed = float(np.asarray(crossent.trace(tf1, labels, z).value))
    exp = crossent.explain(
        labels,
        z.astype(np.float64),  # given in float64: the float32 run is a deviation
        observed=observed,
        against="torch.nn.functional.cross_entropy",
    )
    assert exp.codes == ("reduction",)


def test_identify_lists_one_option_set_for_an_ignore_index_no_target_holds() -> None:
    """ignore_index=0 (or None) ignores nothing when no target is 0: it is the same
    run as the default, listed once (it was listed as a match of its own)."""
    labels = np.array([1, 2, 1])
    z = np.log(SEED_P).astype(np.float32)
    observed = float(
        np.asarray(crossent.trace("exact.softmax(reduction='mean')", labels, z).value)
    )
    found = crossent.identify(labels, z, observed)
    paths = [m.spec.path for m in found.matches]
    for path in (
        "paddle.nn.functional.cross_entropy",
        "onnx.ops.SoftmaxCrossEntropyLoss",
    ):
        assert paths.count(path) == 1, [str(m.spec) for m in found.matches]
