"""Held-out real-question corpus: cases the ``explain`` developers have not seen.

Built blind (without reading ``src/crossent/explain`` and without running
``explain`` on these inputs) to check whether ``explain`` generalises beyond
``keras_tf.py`` and ``torch_other.py``.  Same schema and harness as those files:
``reproduce`` / ``reference`` run with ``y_true`` and ``y_pred`` bound to NumPy
arrays (``y_pred`` in ``dtype``; integer class ids as int64, anything else in
``dtype``) and assign ``observed`` / ``expected``.  Non-finite inputs are written
as the strings ``"nan"`` and ``"-inf"`` (the golden file is strict JSON).  See
NOTES_heldout.md for how each thread was found and rebuilt.
"""

from __future__ import annotations

from typing import Any

CASES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ 1
    {
        "id": "torch-ce-fed-a-perfect-probability-vector",
        "source": "https://imathworks.com/cv/solved-pytorch-cross-entropy-loss-implementation-counterintuitive/",
        "title": "Pytorch Cross Entropy Loss implementation counterintuitive",
        "question": (
            "The user passes output = [[0.0, 1.0, 0.0]] ('activation only on the correct class') "
            "with target [1] to nn.CrossEntropyLoss and gets 0.5514, although a 100% confident "
            "correct prediction should cost 0."
        ),
        "y_true": [1],
        "y_pred": [[0.0, 1.0, 0.0]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": None,
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import numpy as np\n"
            "expected = float(np.mean(-np.log(y_pred[np.arange(len(y_true)), y_true])))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "CrossEntropyLoss applies log-softmax to its input: [0, 1, 0] are read as scores, "
            "softmax gives p = e/(e+2) = 0.576 for the target and -log p = 0.5514. Feed the raw "
            "scores (logits), or use NLLLoss on log-probabilities."
        ),
    },
    # ------------------------------------------------------------------ 2
    {
        "id": "torch-bcewithlogits-pos-weight-is-not-a-weighted-average",
        "source": "https://yumpu.com/en/document/view/68632516/daniel-voigt-godoy-deep-learning-with-pytorch-step-by-step-a-beginners-guide-leanpub/255",
        "title": "Deep Learning with PyTorch Step-by-Step, ch. 3: BCEWithLogitsLoss with pos_weight",
        "question": (
            "One positive (p = 0.9) and three negatives (p = 0.2) with pos_weight = 3 (negatives / "
            "positives): BCEWithLogitsLoss returns 0.2464, while the balanced two-point example "
            "gave 0.1643; one would expect the same value from a 'weighted' loss."
        ),
        "y_true": [1.0, 0.0, 0.0, 0.0],
        "y_pred": [2.1972246, -1.3862944, -1.3862944, -1.3862944],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {"pos_weight": [3.0]},
        "reproduce": (
            "import torch\n"
            "f = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0]))\n"
            "observed = float(f(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "t = torch.from_numpy(y_true)\n"
            "l = torch.nn.functional.binary_cross_entropy_with_logits(torch.from_numpy(y_pred), t, "
            "pos_weight=torch.tensor([3.0]), reduction='none')\n"
            "w = 1 + 2 * t  # 3 for the positive, 1 for the negatives\n"
            "expected = float(l.sum() / w.sum())"
        ),
        "headline": "weighting",
        "acceptable": ["reduction"],
        "expert_answer": (
            "pos_weight multiplies the positive terms, but 'mean' still divides by the number of "
            "elements (4), not by the total weight (6): 0.9855/4 = 0.2464. The weighted average "
            "the user expects, Σwℓ/Σw, is 0.1643; compute it from reduction='none'."
        ),
    },
    # ------------------------------------------------------------------ 3
    {
        "id": "torch-label-smoothing-loss-plateaus-above-plain-ce",
        "source": "https://github.com/lxztju/pytorch_classification/issues/9",
        "title": "label smoothing loss问题 (label smoothing loss question)",
        "question": (
            "Printing both losses each step, the repository's LabelSmoothingCrossEntropy (eps=0.1) "
            "stays around 0.6 while nn.CrossEntropyLoss on the same batch is about 0.13 and keeps "
            "falling; the user suspects the smoothing loss is broken."
        ),
        "y_true": [0, 3, 5, 8],
        "y_pred": [
            [5.1, 0.2, -0.3, 0.4, 0.0, -0.6, 0.1, 0.3, -0.2, 0.5],
            [0.1, -0.4, 0.6, 4.7, 0.2, 0.0, -0.1, 0.3, 0.4, -0.5],
            [-0.2, 0.3, 0.1, 0.0, 0.5, 5.4, -0.3, 0.2, 0.1, 0.0],
            [0.4, 0.0, -0.2, 0.1, 0.3, -0.1, 0.2, 0.6, 4.9, -0.4],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# the repository's LabelSmoothingCrossEntropy(eps=0.1), reduction='mean'\n"
            "z, t, eps = torch.from_numpy(y_pred), torch.from_numpy(y_true), 0.1\n"
            "lp = F.log_softmax(z, dim=-1)\n"
            "smooth = (-lp.sum(dim=-1)).mean()\n"
            "observed = float(smooth * eps / z.size(-1) + (1 - eps) * F.nll_loss(lp, t))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "label_smoothing",
        "acceptable": [],
        "expert_answer": (
            "Nothing is broken: with smoothing the target is (1-ε)·onehot + ε/K, so the loss adds "
            "ε times the mean of -log p over all classes, which is large for a confident model. "
            "Its minimum is the entropy of the smoothed target, not 0, so it cannot follow plain CE "
            "down; compare models with the unsmoothed CE."
        ),
    },
    # ------------------------------------------------------------------ 4
    {
        "id": "smp-softbce-ignored-pixels-stay-in-the-mean",
        "source": "https://github.com/qubvel-org/segmentation_models.pytorch/issues/852",
        "title": "Error in loss calculation when using ignore_index",
        "question": (
            "SoftBCEWithLogitsLoss(ignore_index=-100, reduction='mean') multiplies the ignored "
            "elements' losses by 0 and then takes .mean() over all elements, so the loss is smaller "
            "than PyTorch's convention of averaging over the non-ignored targets only."
        ),
        "y_true": [1.0, 0.0, -100.0, 1.0, -100.0, 0.0],
        "y_pred": [2.0, -1.5, 0.3, 0.8, -0.2, 0.4],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": None,
        "options": {"ignore_index": -100},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# SoftBCEWithLogitsLoss.forward (smooth_factor=None) as in the repository\n"
            "t = torch.from_numpy(y_true)\n"
            "loss = F.binary_cross_entropy_with_logits(torch.from_numpy(y_pred), t, reduction='none')\n"
            "loss = loss * (t != -100).type_as(loss)\n"
            "observed = float(loss.mean())"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "t = torch.from_numpy(y_true)\n"
            "keep = t != -100\n"
            "expected = float(F.binary_cross_entropy_with_logits(torch.from_numpy(y_pred)[keep], t[keep]))"
        ),
        "headline": "ignore_index",
        "acceptable": ["reduction"],
        "expert_answer": (
            "Masking by multiplication zeroes the ignored terms but .mean() still divides by all "
            "6 elements; divide the masked sum by the number of non-ignored elements (4), as "
            "nn.CrossEntropyLoss(ignore_index=...) does."
        ),
    },
    # ------------------------------------------------------------------ 5
    {
        "id": "sledge-vae-bce-with-logits-arguments-swapped",
        "source": "https://github.com/autonomousvision/sledge/issues/4",
        "title": "VAE loss",
        "question": (
            "The VAE reconstruction objective called F.binary_cross_entropy_with_logits(gt_raster, "
            "pred_raster); a user points out the arguments must be swapped, and the maintainers "
            "confirm the bug was introduced during refactoring."
        ),
        "y_true": [[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]],
        "y_pred": [[-4.0, 3.5, 2.8, -3.1], [3.9, -2.7, -4.2, 3.3]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.binary_cross_entropy_with_logits("
            "torch.from_numpy(y_true), torch.from_numpy(y_pred)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.binary_cross_entropy_with_logits("
            "torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "swapped_arguments",
        "acceptable": [],
        "expert_answer": (
            "binary_cross_entropy_with_logits takes (input, target): the 0/1 raster was used as "
            "logits and the logits as targets (unchecked, even outside [0, 1]), which can make "
            "the loss negative. Call it as (pred_raster, gt_raster)."
        ),
    },
    # ------------------------------------------------------------------ 6
    {
        "id": "hf-grad-accumulation-mean-of-micro-batch-means",
        "source": "https://github.com/huggingface/transformers/issues/24725",
        "title": "Sum loss instead of mean loss should be used if gradient accumulation step is larger than 1 when training a language model",
        "question": (
            "With gradient accumulation 2 and batch size 1, a short and a long sample each get a "
            "per-token mean loss that is then averaged, so each token of the short sample weighs "
            "far more than in a single batch of 2; the loss differs from the full-batch token mean."
        ),
        "y_true": [[2, 0, -100, -100, -100, -100], [1, 3, 0, 2, 1, 3]],
        "y_pred": [
            [
                [0.1, 0.3, 1.2, -0.4],
                [0.2, -0.1, 0.5, 0.9],
                [0.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, 0.0],
            ],
            [
                [0.3, 1.1, -0.2, 0.0],
                [0.6, 0.1, 0.2, 0.4],
                [1.4, -0.3, 0.2, 0.1],
                [0.0, 0.5, 0.9, -0.6],
                [-0.2, 1.6, 0.3, 0.2],
                [0.1, 0.2, 0.0, 1.9],
            ],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"ignore_index": -100},
        "reproduce": (
            "import torch\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "# one micro-batch per sample, each reduced with the default token mean, then averaged\n"
            "micro = [torch.nn.functional.cross_entropy(z[i], t[i]) for i in range(2)]\n"
            "observed = float(sum(micro) / 2)"
        ),
        "reference": (
            "import torch\n"
            "z = torch.from_numpy(y_pred).permute(0, 2, 1)\n"
            "expected = float(torch.nn.functional.cross_entropy(z, torch.from_numpy(y_true)))"
        ),
        "headline": "batch_mean",
        "acceptable": ["reduction"],
        "expert_answer": (
            "A mean of micro-batch means weights tokens by 1/(tokens in their micro-batch); the "
            "full batch divides the summed token loss once by all non-ignored tokens. Sum the "
            "token losses and divide by the total token count of the accumulated batch "
            "(what transformers later did with num_items_in_batch)."
        ),
    },
    # ------------------------------------------------------------------ 7
    {
        "id": "sklearn-log-loss-on-multilabel-indicator-rows",
        "source": "https://github.com/scikit-learn/scikit-learn/issues/10157",
        "title": "Log_loss Inconsistent Output",
        "question": (
            "For one sample with three labels, log_loss(ones((1,3)), 0.5*ones((1,3))) and "
            "log_loss(zeros((1,3)), 0.5*ones((1,3))) differ (3.2958 and 0.0 in sklearn 0.19), "
            "while the user's mean binary cross-entropy gives 0.6931 for both."
        ),
        "y_true": [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]],
        "y_pred": [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": "sklearn.metrics.log_loss",
        "options": {},
        "reproduce": (
            "from sklearn.metrics import log_loss\n"
            "observed = [float(log_loss(y_true[i:i + 1], y_pred[i:i + 1])) for i in range(2)]"
        ),
        "reference": (
            "import numpy as np\n"
            "bce = -(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))\n"
            "expected = [float(v) for v in bce.mean(axis=1)]"
        ),
        "headline": "multi_label",
        "acceptable": ["binary_vs_categorical", "renormalized"],
        "expert_answer": (
            "log_loss is the multiclass (categorical) log loss: each row of y_pred is one "
            "distribution over the columns and only the columns marked in y_true count (old "
            "versions renormalised the row to 1/3 first, 3·ln 3 = 3.2958; sklearn 1.9 gives "
            "3·ln 2 = 2.0794). Multi-label rows need the per-label binary log loss."
        ),
    },
    # ------------------------------------------------------------------ 8
    {
        "id": "keras-bce-label-above-one-gives-negative-loss",
        "source": "https://github.com/tensorflow/tensorflow/issues/71638",
        "title": "Binary cross entropy produces negative results if input is more than 1",
        "question": (
            "tf.keras.losses.binary_crossentropy(a, b) with a = Variable([1.0000000597]) and "
            "b = constant([1.0]) returns -1.7812711e-06; the user reports a negative "
            "cross-entropy as a bug."
        ),
        "y_true": [1.0000000597],
        "y_pred": [1.0],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.binary_crossentropy",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.binary_crossentropy(y_true, y_pred))"
        ),
        "reference": (
            "import keras, numpy as np\n"
            "expected = float(keras.losses.binary_crossentropy(np.clip(y_true, 0, 1), y_pred))"
        ),
        "headline": "soft_labels",
        "acceptable": ["swapped_arguments", "clipped"],
        "expert_answer": (
            "The first argument is y_true, and 1.0000000597 (float32 1.0000001) is a label "
            "outside [0, 1]: the (1 - y)·log(1 - p) term becomes -1e-7 × log(1e-7) > 0 with a "
            "minus sign, so BCE goes negative. Labels must lie in [0, 1] (or pass the arguments "
            "in (y_true, y_pred) order); the loss of a valid label 1 here is +1.2e-7."
        ),
    },
    # ------------------------------------------------------------------ 9
    {
        "id": "keras-cce-on-raw-integer-scores-renormalised",
        "source": "https://blog.csdn.net/niutian123/article/details/107270864",
        "title": "tf.keras categorical_crossentropy vs softmax_cross_entropy_with_logits",
        "question": (
            "With integer scores a (5×5) and one-hot labels, the hand-written softmax CE and "
            "tf.nn.softmax_cross_entropy_with_logits give [1.4519, 2.9373, 3.1850, 1.3180, 0.7900] "
            "but keras.losses.categorical_crossentropy(b_onehot, a) gives [1.2040, 2.1972, 2.3979, "
            "1.4663, 1.0116]."
        ),
        "y_true": [
            [1.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0, 0.0],
            [0.0, 1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0, 0.0],
        ],
        "y_pred": [
            [3.0, 1.0, 2.0, 4.0, 0.0],
            [0.0, 3.0, 1.0, 3.0, 2.0],
            [3.0, 3.0, 3.0, 1.0, 1.0],
            [2.0, 3.0, 3.0, 2.0, 3.0],
            [0.0, 1.0, 4.0, 4.0, 2.0],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = [float(v) for v in keras.losses.categorical_crossentropy(y_true, y_pred)]"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = [float(v) for v in tf.nn.softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)]"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["renormalized"],
        "expert_answer": (
            "categorical_crossentropy defaults to from_logits=False: the scores are taken as "
            "unnormalised probabilities, divided by their row sum (3/10, 1/9, 1/11, ...) and "
            "clipped, no softmax. Pass from_logits=True to get the softmax CE."
        ),
    },
    # ------------------------------------------------------------------ 10
    {
        "id": "flax-annotated-mnist-ce-without-log-softmax",
        "source": "https://github.com/google/flax/issues/2051",
        "title": "Annotated MNIST: The implementation of `cross_entropy_loss` is incorrect",
        "question": (
            "The Flax Annotated MNIST example computes -mean(sum(one_hot(labels) * logits)) on the "
            "raw logits; on random logits it gives a value (negative here) unrelated to PyTorch's "
            "F.cross_entropy (2.8889 in the issue)."
        ),
        "y_true": [3, 0, 7, 1],
        "y_pred": [
            [0.3, -1.2, 0.8, 1.1, -0.4, 0.2, -0.9, 0.5, 0.0, -0.3],
            [1.5, 0.4, -0.6, 0.2, 0.9, -1.1, 0.3, -0.2, 0.7, 0.1],
            [-0.5, 0.6, 0.1, -0.8, 0.4, 1.3, -0.2, 0.9, -1.0, 0.2],
            [0.2, 0.7, -0.3, 0.5, -0.9, 0.0, 1.2, -0.4, 0.3, -0.6],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.softmax_cross_entropy_with_integer_labels",
        "options": {},
        "reproduce": (
            "import jax, jax.numpy as jnp\n"
            "one_hot = jax.nn.one_hot(jnp.asarray(y_true), num_classes=10)\n"
            "observed = float(-jnp.mean(jnp.sum(one_hot * jnp.asarray(y_pred), axis=-1)))"
        ),
        "reference": (
            "import jax.numpy as jnp, optax\n"
            "expected = float(jnp.mean(optax.softmax_cross_entropy_with_integer_labels("
            "jnp.asarray(y_pred), jnp.asarray(y_true))))"
        ),
        "headline": "logits_as_log_probs",
        "acceptable": [],
        "expert_answer": (
            "The formula picks the target logit as if the logits were log-probabilities; the "
            "log-softmax is missing (log_softmax(logits) or optax.softmax_cross_entropy*). "
            "Fixed in the docs by using optax."
        ),
    },
    # ------------------------------------------------------------------ 11
    {
        "id": "sklearn-log-loss-vs-per-class-binary-formula",
        "source": "https://hollywoodheadsupo.ams3.digitaloceanspaces.com/2024-05-08/why-is-my-implementations-of-the-log-loss-or-cross-entropy-not-producing-the-same-results.html",
        "title": "Why is my implementations of the log-loss (or cross-entropy) not producing the same results?",
        "question": (
            "For predictions [[.25,.25,.25,.25],[.01,.01,.01,.97]] and one-hot targets, "
            "sklearn's log_loss gives 0.7083767843022996 but the user's loop over every class of "
            "-y·log(p) - (1-y)·log(1-p), divided by the number of rows, gives 1.1549753967602232."
        ),
        "y_true": [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]],
        "y_pred": [[0.25, 0.25, 0.25, 0.25], [0.01, 0.01, 0.01, 0.97]],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": "sklearn.metrics.log_loss",
        "options": {},
        "reproduce": (
            "import numpy as np\n"
            "res = 0.0\n"
            "for act_row, pred_row in zip(y_true, y_pred):\n"
            "    for a, p in zip(act_row, pred_row):\n"
            "        res += -a * np.log(p) - (1 - a) * np.log(1 - p)\n"
            "observed = float(res / len(y_true))"
        ),
        "reference": (
            "from sklearn.metrics import log_loss\n"
            "expected = float(log_loss(y_true, y_pred))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": [],
        "expert_answer": (
            "For mutually exclusive classes the log loss is -Σ y·log p per row; the two-term "
            "binary formula applied to every class also charges -log(1-p) for the wrong classes "
            "(3·-log .75 + 3·-log .99 here), which is the multi-label loss, not sklearn's."
        ),
    },
    # ------------------------------------------------------------------ 12
    {
        "id": "torch-distillation-ce-nan-from-minus-inf-vocab-slot",
        "source": "https://github.com/OpenBMB/ModelCenter/issues/14",
        "title": "[BUG] Get nan when calculating cross entropy loss.",
        "question": (
            "The GPT-2 model pads its vocabulary by one slot whose logit is set to -inf; the "
            "distillation loss -(softmax(t) * log_softmax(s)).sum(1).mean() between two such models "
            "is nan, and becomes finite once the last column is sliced off."
        ),
        "y_true": [
            [0.4387617, 0.2128713, 0.0939665, 0.2544005, 0.0],
            [0.1015034, 0.5011379, 0.2274018, 0.1699569, 0.0],
        ],
        "y_pred": [[1.2, 0.3, -0.5, 0.6, "-inf"], [-0.4, 1.1, 0.2, 0.0, "-inf"]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": None,
        "options": {},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "p_t, s = torch.from_numpy(y_true), torch.from_numpy(y_pred)\n"
            "observed = float(-(p_t * F.log_softmax(s, dim=-1)).sum(dim=1).mean())"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "p_t, s = torch.from_numpy(y_true), torch.from_numpy(y_pred)\n"
            "expected = float(-(p_t * F.log_softmax(s, dim=-1))[:, :-1].sum(dim=1).mean())"
        ),
        "headline": "masked_logits",
        "acceptable": ["overflow"],
        "expert_answer": (
            "The padded slot has logit -inf, so log_softmax is -inf there and the teacher "
            "probability is exactly 0: 0 × (-inf) = nan. Drop the slot (the maintainers removed "
            "the extra vocabulary entry), use a large finite negative mask, or xlogy."
        ),
    },
    # ------------------------------------------------------------------ 13
    {
        "id": "numpy-softmax-then-log-on-far-apart-logits",
        "source": "https://datascience.stackexchange.com/questions/38358/dealing-with-extreme-values-in-softmax-cross-entropy",
        "title": "Dealing with extreme values in softmax cross entropy?",
        "question": (
            "After subtracting the maximum logit the softmax no longer overflows, but with logits "
            "far apart the true class gets probability exactly 0 and the hand-written "
            "cross-entropy -log(p) becomes infinite (NaN in training)."
        ),
        "y_true": [0, 2],
        "y_pred": [[-1000.0, 5.0, 1000.0], [3.0, 1.0, 0.5]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.sparse_softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import numpy as np\n"
            "with np.errstate(divide='ignore'):\n"
            "    e = np.exp(y_pred - y_pred.max(axis=1, keepdims=True))\n"
            "    p = e / e.sum(axis=1, keepdims=True)\n"
            "    observed = float(np.mean(-np.log(p[np.arange(len(y_true)), y_true])))"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = float(tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)))"
        ),
        "headline": "overflow",
        "acceptable": [],
        "expert_answer": (
            "exp(-2000) underflows to 0 in floating point, so log(softmax) is log(0) = -inf; "
            "compute the loss from the logits with log-sum-exp (log_softmax, "
            "softmax_cross_entropy_with_logits), which gives the finite value (about 2000 for "
            "that row)."
        ),
    },
    # ------------------------------------------------------------------ 14
    {
        "id": "torch-char-lm-bpc-graph-vs-printed-loss",
        "source": "https://github.com/NVIDIA/sentiment-discovery/issues/25",
        "title": "What is BPC in the graphs in the readme?",
        "question": (
            "The README plots BPC for the character language model while training prints the "
            "cross-entropy loss; the user asks how the two relate and the numbers do not match. "
            "Here observed is the BPC curve's value, the loss converted to bits per character."
        ),
        "y_true": [4, 1, 0, 3, 2, 4],
        "y_pred": [
            [0.2, -0.1, 0.4, 0.0, 1.3],
            [0.1, 1.0, -0.3, 0.2, 0.0],
            [0.9, 0.3, 0.1, -0.2, 0.4],
            [-0.4, 0.2, 0.0, 0.8, 0.1],
            [0.3, 0.1, 0.7, 0.5, -0.6],
            [0.0, 0.4, -0.2, 0.1, 1.1],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import math, torch\n"
            "nll = torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true))\n"
            "observed = float(nll) / math.log(2)"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "log_base",
        "acceptable": [],
        "expert_answer": (
            "The training loss is in nats (natural log); BPC is the same cross-entropy in bits, "
            "i.e. the loss × 1/ln 2 ≈ 1.44 (the maintainer's answer)."
        ),
    },
    # ------------------------------------------------------------------ 15
    {
        "id": "tf-keras-bce-on-list-of-two-heads-broadcasts",
        "source": "https://github.com/tensorflow/tensorflow/issues/43143",
        "title": "Discrepancy between loss when called from `tf.keras.losses.BinaryCrossentropy()(true, pred)` and verbose output from model.fit() or hand-computation",
        "question": (
            "A model with two sigmoid heads is trained on Y[:,0] and Y[:,1]; calling "
            "BinaryCrossentropy()(Y, m.predict(X)) on the (N, 2) labels and the list of two (N, 1) "
            "predictions gives a number the user cannot reproduce from the per-head losses."
        ),
        "y_true": [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
        "y_pred": [[[0.8], [0.3], [0.6]], [[0.4], [0.7], [0.9]]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.BinaryCrossentropy",
        "options": {},
        "reproduce": (
            "import tf_keras\n"
            "observed = float(tf_keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "reference": (
            "import tf_keras\n"
            "bce = tf_keras.losses.BinaryCrossentropy()\n"
            "expected = float((bce(y_true[:, 0:1], y_pred[0]) + bce(y_true[:, 1:2], y_pred[1])) / 2)"
        ),
        "headline": "broadcast",
        "acceptable": ["axis"],
        "expert_answer": (
            "predict() returns a list of two (N, 1) arrays, i.e. a (2, N, 1) tensor; against the "
            "(N, 2) labels it broadcasts to (2, N, 2) and compares every head with both label "
            "columns. Compute the loss per head (y[:, k:k+1] against output k)."
        ),
    },
    # ------------------------------------------------------------------ 16
    {
        "id": "tf-keras-fit-uses-logits-of-tf-sigmoid-op",
        "source": "https://github.com/tensorflow/tensorflow/issues/33936",
        "title": "sigmoid is ignored when calculating loss by calling method model.fit",
        "question": (
            "z = sum(w·x) + b is 101 for every sample; with y_ = tf.sigmoid(z) the loss reported by "
            "fit/evaluate differs from the loss of the same model written with "
            "1/(1+e^-z), and the user concludes the sigmoid is ignored."
        ),
        "y_true": [[0.0], [1.0]],
        "y_pred": [[1.0], [1.0]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.BinaryCrossentropy",
        "options": {},
        "reproduce": (
            "import numpy as np, tensorflow as tf, tf_keras\n"
            "inp = tf_keras.Input(shape=(100,))\n"
            "z = tf.reduce_sum(inp, axis=1, keepdims=True) + 1.0\n"
            "m = tf_keras.Model(inp, tf.sigmoid(z))\n"
            "m.compile(loss=tf_keras.losses.BinaryCrossentropy())\n"
            "x = np.ones((2, 100), 'float32')\n"
            "observed = float(m.evaluate(x, y_true, verbose=0))"
        ),
        "reference": (
            "import tf_keras\n"
            "expected = float(tf_keras.losses.BinaryCrossentropy()(y_true, y_pred))"
        ),
        "headline": "fit_vs_call",
        "acceptable": ["clipped"],
        "expert_answer": (
            "The sigmoid is not ignored: when the output tensor comes from a Sigmoid op, "
            "tf.keras' binary_crossentropy takes the op's input (the logit 101) and computes the "
            "exact loss (101 for the y=0 sample). The hand-written sigmoid rounds to 1.0 and "
            "takes the clipped probability path (15.33 for that sample)."
        ),
    },
    # ------------------------------------------------------------------ 17
    {
        "id": "kospeech-label-smoothing-nan-from-ignored-rows",
        "source": "https://github.com/sooftware/kospeech/issues/37",
        "title": "When learning with Transformer, loss becomes nan after backpropagation.",
        "question": (
            "Rows of the prediction hold nan at padded positions whose target is the ignore index "
            "0; kospeech's LabelSmoothedCrossEntropyLoss returns nan while the reference "
            "implementation's cal_loss (which selects the non-pad rows first) returns a finite loss."
        ),
        "y_true": [2, 0, 1, 0],
        "y_pred": [
            [-1.2, -2.0, -0.6, -1.9],
            ["nan", -1.1, -1.5, -1.4],
            [-1.6, -0.5, -1.8, -1.7],
            [-1.3, "nan", -1.2, -1.6],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"ignore_index": 0, "label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# smoothed target over all rows, then the pad rows masked by multiplication\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "lp = F.log_softmax(z, dim=-1)\n"
            "q = 0.9 * F.one_hot(t, lp.size(-1)) + 0.1 / lp.size(-1)\n"
            "keep = (t != 0).float()\n"
            "observed = float(((-q * lp).sum(-1) * keep).sum() / keep.sum())"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), ignore_index=0, label_smoothing=0.1))"
        ),
        "headline": "nan_input",
        "acceptable": ["ignore_index"],
        "expert_answer": (
            "The nan is already in the predictions (at padded positions). Multiplying the "
            "per-row loss by a 0/1 mask keeps it, because nan × 0 = nan; select the non-pad rows "
            "before computing the loss (masked_select), as cal_loss does. PyTorch's own "
            "cross_entropy(ignore_index=0, label_smoothing=0.1) masks before reducing and is finite."
        ),
    },
    # ------------------------------------------------------------------ 18
    {
        "id": "torch-label-smoothing-loss-3000-from-very-negative-logits",
        "source": "https://github.com/tunz/transformer-pytorch/issues/5",
        "title": "Normalized Crossed Entropy and Label Smoothing",
        "question": (
            "The transformer's loss is around 5 without label smoothing but around 3000 with "
            "label_smoothing=0.1 on a 150 000-word vocabulary."
        ),
        "y_true": [1, 3],
        "y_pred": [
            [2.0, 4.5, 0.3, -1.0, 0.5, -150000.0],
            [1.0, 0.2, -0.5, 3.5, 0.0, -90000.0],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss(label_smoothing=0.1)("
            "torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "label_smoothing",
        "acceptable": ["magnitude"],
        "expert_answer": (
            "The smoothed target puts ε/V on every class, so the loss includes ε × mean(-log p) "
            "over the vocabulary; a few logits far below the others have -log p of tens of "
            "thousands and dominate it (the maintainer's diagnosis). Without smoothing only the "
            "target's -log p counts."
        ),
    },
    # ------------------------------------------------------------------ 19
    {
        "id": "numpy-soft-labels-minimum-cost-not-zero",
        "source": "https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1",
        "title": "[D] Minimum Cost is Not Zero When Calculating Cross-Entropy on Soft Labels",
        "question": (
            "Training on soft labels, a prediction equal to the label y = [0, .25, .25, .5] still "
            "gives -Σ y·log ŷ = 1.0397, and the uniform label [.25]*4 gives 1.3862; the user asks "
            "whether this non-zero minimum biases training."
        ),
        "y_true": [[0.0, 0.25, 0.25, 0.5], [0.25, 0.25, 0.25, 0.25]],
        "y_pred": [[0.0, 0.25, 0.25, 0.5], [0.25, 0.25, 0.25, 0.25]],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": None,
        "options": {},
        "reproduce": (
            "from scipy.special import xlogy\n"
            "observed = [float(v) for v in -xlogy(y_true, y_pred).sum(axis=1)]"
        ),
        "reference": (
            "from scipy.special import xlogy\n"
            "expected = [float(v) for v in (xlogy(y_true, y_true) - xlogy(y_true, y_pred)).sum(axis=1)]"
        ),
        "headline": "soft_labels",
        "acceptable": ["magnitude"],
        "expert_answer": (
            "With soft targets the cross-entropy is H(y) + KL(y‖ŷ): its minimum is the labels' "
            "entropy (1.0397, 1.3863), reached at ŷ = y, where KL = 0. The constant does not "
            "change the gradients; subtract H(y) (use KL) to see 0 at the optimum."
        ),
    },
    # ------------------------------------------------------------------ 20
    {
        "id": "torch-user-reads-logits-as-probabilities",
        "source": "https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1",
        "title": "How Cross Entropy Loss is Calculated?",
        "question": (
            "Model output [[-0.0820, 0.0076, -0.0952, 0.0285]] for 4 classes, target [1]; "
            "CrossEntropyLoss gives 1.3449 and the user asks whether it is 1 × log 0.0076."
        ),
        "y_true": [1],
        "y_pred": [[-0.082, 0.0076, -0.0952, 0.0285]],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": None,
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import numpy as np\nexpected = float(-np.log(y_pred[0, y_true[0]]))"
        ),
        "headline": "logits_as_probs",
        "acceptable": [],
        "expert_answer": (
            "The outputs are logits (unnormalised log-probabilities), not probabilities: the loss "
            "is -log softmax(x)[1] = 1.3449, not -log 0.0076 (the forum answer)."
        ),
    },
    # ------------------------------------------------------------------ 21
    {
        "id": "unsloth-loss-normalised-twice-under-grad-accumulation",
        "source": "https://github.com/unslothai/unsloth-zoo/pull/1023",
        "title": "Reconcile grad-accum loss normalization in _unsloth_get_batch_samples",
        "question": (
            "When num_items_in_batch is passed but the Trainer also divides by the "
            "gradient-accumulation factor, the fused CE divides the summed token loss by the "
            "accumulated token count and the Trainer divides again by GA, 'silently scaling loss "
            "and grads by 1/GA'."
        ),
        "y_true": [[1, 2, 0, 3], [2, 2, 1, -100]],
        "y_pred": [
            [
                [0.2, 1.4, 0.1, -0.3],
                [0.0, 0.3, 1.1, 0.2],
                [0.9, -0.2, 0.4, 0.1],
                [0.1, 0.0, -0.4, 1.3],
            ],
            [
                [0.3, 0.2, 1.0, 0.0],
                [-0.1, 0.4, 0.8, 0.3],
                [0.5, 1.2, 0.0, -0.2],
                [0.0, 0.0, 0.0, 0.0],
            ],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"ignore_index": -100},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "ga = 2  # two micro-batches of one sequence each\n"
            "n_items = int((t != -100).sum())\n"
            "micro = [F.cross_entropy(z[i], t[i], reduction='sum') / n_items / ga for i in range(ga)]\n"
            "observed = float(sum(micro))"
        ),
        "reference": (
            "import torch\n"
            "z = torch.from_numpy(y_pred).permute(0, 2, 1)\n"
            "expected = float(torch.nn.functional.cross_entropy(z, torch.from_numpy(y_true)))"
        ),
        "headline": "reduction",
        "acceptable": ["batch_mean"],
        "expert_answer": (
            "The loss is already divided by the number of tokens in the whole accumulated batch; "
            "dividing again by the accumulation steps halves it (GA = 2). Divide only once: by "
            "num_items_in_batch, or by GA when the loss is a per-micro-batch mean."
        ),
    },
    # ------------------------------------------------------------------ 22
    {
        "id": "sklearn-log-loss-reads-1d-distribution-as-binary-samples",
        "source": "http://www.clungu.com/tutorial/On-Cross-Entropy/",
        "title": "On cross entropy",
        "question": (
            "Checking a hand-written -Σ y·log p against sklearn, the author calls "
            "log_loss([0, 1, 0, 0], [0.1, 0.2, 0.3, 0.4]) for a single 4-class example; the "
            "values disagree (0.6456 against -log 0.2 = 1.6094) and the certification fails."
        ),
        "y_true": [0, 1, 0, 0],
        "y_pred": [0.1, 0.2, 0.3, 0.4],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": "sklearn.metrics.log_loss",
        "options": {},
        "reproduce": (
            "from sklearn.metrics import log_loss\n"
            "observed = float(log_loss(y_true, y_pred))"
        ),
        "reference": (
            "import numpy as np\nexpected = float(-np.sum(y_true * np.log(y_pred)))"
        ),
        "headline": "class_inference",
        "acceptable": ["binary_vs_categorical"],
        "expert_answer": (
            "Given 1-D inputs, log_loss sees four samples of a binary problem: y_true are the "
            "labels and y_pred the probability of class 1 for each. One 4-class example must be "
            "passed as 2-D, log_loss([y_true], [y_pred]) (the post's later version)."
        ),
    },
    # ------------------------------------------------------------------ 23
    {
        "id": "torch-weighted-ce-vs-weighted-bce-denominator",
        "source": "https://github.com/pytorch/pytorch/issues/54843",
        "title": "Inconsistent behaviour with `weight` argument in CrossEntropyLoss and BCEWithLogitsLoss",
        "question": (
            "Two-class CE and the equivalent BCE-with-logits agree (0.5698) unweighted; with class "
            "weights [1, 3] for CE and the matching per-sample weights [3, 1, 1] for BCE they give "
            "0.5471 and 0.9118."
        ),
        "y_true": [1, 0, 0],
        "y_pred": [[0.3, 0.7], [0.6, 0.4], [0.6, 0.4]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"weight": [1.0, 3.0]},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), weight=torch.tensor([1.0, 3.0])))"
        ),
        "reference": (
            "import torch\n"
            "l = torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true), "
            "weight=torch.tensor([1.0, 3.0]), reduction='none')\n"
            "expected = float(l.mean())"
        ),
        "headline": "weighting",
        "acceptable": ["reduction"],
        "expert_answer": (
            "With class weights, CrossEntropyLoss's 'mean' divides Σ wᵧ·ℓ by the sum of the "
            "targets' weights (3+1+1 = 5); BCEWithLogitsLoss's weight is a plain rescaling and its "
            "mean divides by the element count (3). Same numerator, different denominators."
        ),
    },
    # ------------------------------------------------------------------ 24
    {
        "id": "keras-bce-reduction-none-still-averages-last-axis",
        "source": "https://github.com/tensorflow/tensorflow/issues/27190",
        "title": "Losses with Reduction.NONE do not keep the input shape (the result is averaged along the last axis)",
        "question": (
            "BinaryCrossentropy(reduction=NONE)(a, b) with a = [[.3, .4], [.5, .6]] and "
            "b = [[.312, .433], [.555, .66]] returns shape (2,), [0.64322317, 0.69003338], not "
            "one loss per element; still unresolved in TF 2.2."
        ),
        "y_true": [[0.3, 0.4], [0.5, 0.6]],
        "y_pred": [[0.312, 0.433], [0.555, 0.66]],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": "keras.losses.BinaryCrossentropy(reduction=None)",
        "options": {"reduction": "none"},
        "reproduce": (
            "import keras\n"
            "observed = [float(v) for v in keras.losses.BinaryCrossentropy(reduction=None)(y_true, y_pred)]"
        ),
        "reference": (
            "import torch\n"
            "l = torch.nn.functional.binary_cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), reduction='none')\n"
            "expected = [float(v) for v in l.flatten()]"
        ),
        "headline": "reduction",
        "acceptable": ["broadcast", "axis"],
        "expert_answer": (
            "Keras' binary_crossentropy takes the mean over the last axis before any reduction, so "
            "reduction=NONE yields one value per sample (row), not per element; the maintainers "
            "documented that inputs must be at least 2-D. Use tf.nn / a per-element formula, or "
            "add a trailing axis of size 1."
        ),
    },
]
