"""Second held-out real-question corpus: cases the ``explain`` developers have not seen.

Built blind, like ``heldout.py`` (nothing under ``src/crossent/explain`` was read
except the code list in ``_cause.py``, and ``explain`` was not run on these
inputs), from threads that none of ``keras_tf.py``, ``torch_other.py``,
``heldout.py``, ``docs/`` or the tests cite.  Same schema and harness:
``reproduce`` / ``reference`` run with ``y_true`` and ``y_pred`` bound to NumPy
arrays (``y_pred`` in ``dtype``; integer class ids as int64, anything else in
``dtype``) and assign ``observed`` / ``expected``.  Non-finite inputs are
written as the strings ``"nan"``, ``"inf"`` and ``"-inf"``.  See
NOTES_heldout2.md for how each thread was found and rebuilt.
"""

from __future__ import annotations

from typing import Any

CASES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ 1
    {
        "id": "optax-integer-label-past-last-class-silent-nan",
        "source": "https://github.com/google-deepmind/optax/issues/1185",
        "title": "Throw error for softmax_cross_entropy_with_integer_labels when sizes aren't correct",
        "question": (
            "optax.softmax_cross_entropy_with_integer_labels(logits=[[0.2, 0.1, 0.4, 0.6]], "
            "labels=[4]) returns Array([nan]) instead of raising: the label 4 does not exist "
            "for 4 classes, and the NaN only shows up later in training."
        ),
        "y_true": [4],
        "y_pred": [[0.2, 0.1, 0.4, 0.6]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.softmax_cross_entropy_with_integer_labels",
        "options": {},
        "reproduce": (
            "import jax.numpy as jnp, optax\n"
            "observed = [float(v) for v in optax.softmax_cross_entropy_with_integer_labels("
            "jnp.asarray(y_pred), jnp.asarray(y_true))]"
        ),
        "headline": "label_range",
        "acceptable": [],
        "expert_answer": (
            "Labels must lie in [0, num_classes); 4 is out of range for 4 logits. JAX gathers "
            "out-of-bounds indices without raising (XLA has no runtime error path, as the "
            "maintainers explain), so the target log-probability is NaN. Check the label range "
            "on the host (or with jax debug flags / checkify) before the loss."
        ),
    },
    # ------------------------------------------------------------------ 2
    {
        "id": "torch-bcewithlogits-minus-inf-logit-nan",
        "source": "https://github.com/pytorch/pytorch/issues/49844",
        "title": "BCEWithLogitsLoss gives out nan with -inf logits",
        "question": (
            "nn.BCEWithLogitsLoss()(tensor([-inf]), tensor([0.])) is nan, while "
            "nn.BCELoss()(torch.sigmoid(logits), targets) gives 0. A commenter uses -inf logits "
            "to mark infeasible choices and expects 0 for a target of 0."
        ),
        "y_true": [0.0],
        "y_pred": ["-inf"],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.BCEWithLogitsLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.BCELoss()(torch.sigmoid(torch.from_numpy(y_pred)), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "masked_logits",
        "acceptable": ["overflow"],
        "expert_answer": (
            "A logit of -inf used as a mask breaks the log-sigmoid formulation: the stable "
            "formula evaluates (1-y)*x + log(1+exp(-x)) as inf - inf = nan even though the "
            "limit is 0 for y = 0 (the reporter traced it to the log-sigmoid). The thread's "
            "workaround is BCELoss on sigmoid(logits); alternatively use a large finite "
            "negative value (e.g. -1e4) for masked logits, or drop the masked entries."
        ),
    },
    # ------------------------------------------------------------------ 3
    {
        "id": "yolov3-sigmoid-class-scores-into-crossentropyloss",
        "source": "https://github.com/eriklindernoren/PyTorch-YOLOv3/issues/108",
        "title": "Some problems with loss",
        "question": (
            "Training YOLOv3 on a single image, the class loss never reaches zero: the code "
            "applies torch.sigmoid to the class predictions and then nn.CrossEntropyLoss, "
            "which combines LogSoftmax and NLLLoss."
        ),
        "y_true": [2, 0, 1],
        "y_pred": [
            [0.0474259, 0.0831727, 0.9988891, 0.0356064],
            [0.9994472, 0.0179862, 0.0356064, 0.0600866],
            [0.0628953, 0.9996975, 0.1301085, 0.0231475],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "# pred_cls = torch.sigmoid(prediction[..., 5:]); ce_loss(pred_cls, target)\n"
            "observed = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# the fix in the thread: feed prediction[..., 5:] (the raw scores) instead\n"
            "z = torch.logit(torch.from_numpy(y_pred).double()).float()\n"
            "expected = float(torch.nn.CrossEntropyLoss()(z, torch.from_numpy(y_true)))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "CrossEntropyLoss applies log-softmax itself, so the sigmoid outputs (all in (0, 1)) "
            "are read as logits: a perfectly confident row still gets p = e/(e + C - 1) and "
            "the loss is bounded below by log(1 + (C-1)/e). Pass the raw class scores, as the "
            "thread's fix does."
        ),
    },
    # ------------------------------------------------------------------ 4
    {
        "id": "text-classifier-softmax-into-nllloss-negative",
        "source": "https://github.com/AnubhavGupta3377/Text-Classification-Models-Pytorch/issues/9",
        "title": "NLLLoss",
        "question": (
            "The Transformer model ends with a softmax and is trained with nn.NLLLoss, whose "
            "input should be log-probabilities; the loss is therefore always negative."
        ),
        "y_true": [1, 0, 3],
        "y_pred": [
            [0.10, 0.70, 0.15, 0.05],
            [0.55, 0.20, 0.15, 0.10],
            [0.05, 0.05, 0.30, 0.60],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.nll_loss",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.NLLLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.NLLLoss()(torch.log(torch.from_numpy(y_pred)), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "logits_as_log_probs",
        "acceptable": [],
        "expert_answer": (
            "NLLLoss only picks -input[target]; it expects log-probabilities. Given softmax "
            "probabilities it returns -mean(p_target), which lies in [-1, 0]. Use log_softmax "
            "in the model (or CrossEntropyLoss on the raw scores)."
        ),
    },
    # ------------------------------------------------------------------ 5
    {
        "id": "tf-binary-focal-loss-gamma-multiplied-not-exponent",
        "source": "https://github.com/fudannlp16/focal-loss/issues/8",
        "title": "二分类实现有bug (bug in the binary implementation)",
        "question": (
            "In focal_loss_sigmoid the positive term is written labels*(1-alpha)*((1-y_pred)*gamma)"
            "*log(y_pred); the user asks whether it should be ((1-y_pred)**gamma), and a second "
            "commenter agrees."
        ),
        "y_true": [1.0, 1.0, 1.0, 1.0],
        "y_pred": [2.0, 0.5, -1.0, 3.0],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.sigmoid_focal_loss(alpha=0.75, gamma=2.0)",
        "options": {"alpha": 0.75, "gamma": 2.0},
        "reproduce": (
            "import tensorflow as tf\n"
            "# focal_loss_sigmoid as in the issue (alpha=0.25, gamma=2), (1-p)*gamma in the\n"
            "# positive term; every label is 1, so the negative term is zero\n"
            "labels, alpha, gamma = tf.constant(y_true), 0.25, 2.0\n"
            "p = tf.nn.sigmoid(tf.constant(y_pred))\n"
            "L = -labels * (1 - alpha) * ((1 - p) * gamma) * tf.math.log(p) - "
            "(1 - labels) * alpha * (p ** gamma) * tf.math.log(1 - p)\n"
            "observed = [float(v) for v in L.numpy()]"
        ),
        "reference": (
            "import jax.numpy as jnp, optax\n"
            "# the repository weights positives by 1 - alpha = 0.75, i.e. optax alpha=0.75\n"
            "expected = [float(v) for v in optax.sigmoid_focal_loss(jnp.asarray(y_pred), "
            "jnp.asarray(y_true), alpha=0.75, gamma=2.0)]"
        ),
        "headline": "focal",
        "acceptable": [],
        "expert_answer": (
            "The modulating factor of focal loss is (1-p)^gamma, an exponent; (1-p)*gamma "
            "multiplies by 2 instead, so confident positives are down-weighted far less than "
            "in the paper (and gamma = 0 would zero the loss instead of giving alpha-weighted "
            "CE). Write (1-y_pred)**gamma (and y_pred**gamma for the negatives)."
        ),
    },
    # ------------------------------------------------------------------ 6
    {
        "id": "keras-backend-cce-arguments-swapped-after-2-1",
        "source": "https://github.com/keras-team/keras/issues/8993",
        "title": "A question in my custom loss",
        "question": (
            "A custom loss (1-e)*K.categorical_crossentropy(y_pred, y_true) + "
            "e*K.categorical_crossentropy(y_pred, K.ones_like(y_pred)/NUM_CLASSES) trains well "
            "on Keras 2.0.6 but on Keras 2.1.2 the loss is much higher than with "
            "'categorical_crossentropy'."
        ),
        "y_true": [[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]],
        "y_pred": [
            [0.10, 0.75, 0.10, 0.05],
            [0.60, 0.20, 0.15, 0.05],
            [0.05, 0.05, 0.20, 0.70],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.categorical_crossentropy(label_smoothing=0.1)",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import numpy as np, tf_keras\n"
            "K, e = tf_keras.backend, 0.1\n"
            "u = np.ones_like(y_pred) / y_pred.shape[1]\n"
            "# backend signature since 2.1: categorical_crossentropy(target, output)\n"
            "loss = (1 - e) * K.categorical_crossentropy(y_pred, y_true) + "
            "e * K.categorical_crossentropy(y_pred, u)\n"
            "observed = [float(v) for v in loss.numpy()]"
        ),
        "reference": (
            "import tf_keras\n"
            "expected = [float(v) for v in tf_keras.losses.categorical_crossentropy("
            "y_true, y_pred, label_smoothing=0.1).numpy()]"
        ),
        "headline": "swapped_arguments",
        "acceptable": [],
        "expert_answer": (
            "Keras 2.1 reordered the backend function to categorical_crossentropy(target, "
            "output). The old call order passes the one-hot labels as predictions (clipped "
            "to 1e-7, so log terms of about -16) and the predictions as targets. The user "
            "confirmed: swapping to K.categorical_crossentropy(y_true, y_pred) fixes it."
        ),
    },
    # ------------------------------------------------------------------ 7
    {
        "id": "torch-bce-prediction-zero-target-one-is-100",
        "source": "https://github.com/pytorch/pytorch/issues/50658",
        "title": "what will happen if the input of torch.nn.functional.binary_cross_entropy is zero",
        "question": (
            "F.binary_cross_entropy(tensor(0.0), tensor(1.0)) returns tensor(100.); the user "
            "expected log(0) to be a math domain problem and asks how the function proceeds."
        ),
        "y_true": [1.0],
        "y_pred": [0.0],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.binary_cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.binary_cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import numpy as np\n"
            "with np.errstate(divide='ignore'):\n"
            "    expected = float(-np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)))"
        ),
        "headline": "log_clamped",
        "acceptable": ["clipped"],
        "expert_answer": (
            "BCELoss clamps each log term at -100 (hard-coded in ATen, now documented), so a "
            "prediction of exactly 0 for a positive costs 100 instead of inf; the gradient stays "
            "finite too. Use BCEWithLogitsLoss on logits to avoid saturated probabilities."
        ),
    },
    # ------------------------------------------------------------------ 8
    {
        "id": "torch-tutorial-sum-of-batch-means-over-dataset-size",
        "source": "https://github.com/pytorch/tutorials/issues/179",
        "title": "Average loss in transfer learning tutorial calculated incorrectly",
        "question": (
            "The tutorial accumulates the criterion's output (already the mean over the batch) "
            "into running_loss and divides by the dataset size, so the reported epoch loss is "
            "about batch_size times too small."
        ),
        "y_true": [0, 1, 1, 0, 1, 0, 0, 1, 1, 0],
        "y_pred": [
            [1.2, -0.4],
            [-0.3, 0.9],
            [0.1, 0.8],
            [0.7, 0.2],
            [-1.1, 0.6],
            [0.4, 0.5],
            [1.5, -0.2],
            [0.0, 1.3],
            [-0.6, 0.2],
            [0.9, -0.8],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "crit = torch.nn.CrossEntropyLoss()  # size_average=True\n"
            "running_loss = 0.0\n"
            "for s in (slice(0, 4), slice(4, 8), slice(8, 10)):  # batch_size 4, last batch 2\n"
            "    running_loss += float(crit(z[s], t[s]))\n"
            "observed = running_loss / len(t)  # / dataset_sizes[phase]"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "reduction",
        "acceptable": ["batch_mean"],
        "expert_answer": (
            "Each batch loss is already a mean; summing the means and dividing by the number of "
            "samples divides by the batch size twice. Accumulate loss.item() * inputs.size(0) "
            "(or use reduction='sum') before dividing by the dataset size, as the tutorial "
            "now does."
        ),
    },
    # ------------------------------------------------------------------ 9
    {
        "id": "torch-multilabel-soft-margin-averages-over-classes",
        "source": "https://github.com/pytorch/pytorch/issues/9301",
        "title": "bug of multilable loss in v0.4",
        "question": (
            "With logits log(1/99) for 5 labels and one positive per row, "
            "F.multilabel_soft_margin_loss gives 0.9291 while the multi-label loss the user "
            "expects, the per-label binary losses summed over labels and averaged over "
            "samples, is 4.6454."
        ),
        "y_true": [[1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]],
        "y_pred": [
            [-4.5951199, -4.5951199, -4.5951199, -4.5951199, -4.5951199],
            [-4.5951199, -4.5951199, -4.5951199, -4.5951199, -4.5951199],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.multilabel_soft_margin_loss("
            "torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "l = torch.nn.functional.binary_cross_entropy_with_logits(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), reduction='none')\n"
            "expected = float(l.sum(dim=1).mean())"
        ),
        "headline": "reduction",
        "acceptable": [],
        "expert_answer": (
            "multilabel_soft_margin_loss (like BCEWithLogitsLoss with 'mean') averages over the "
            "labels as well as the samples, so it is the per-sample sum divided by C = 5: "
            "4.6454 / 5 = 0.9291. Sum over the label axis with reduction='none' to get the "
            "per-sample multi-label log loss."
        ),
    },
    # ------------------------------------------------------------------ 10
    {
        "id": "torch-ce-probability-targets-outside-unit-interval",
        "source": "https://github.com/pytorch/pytorch/issues/134771",
        "title": "Setting the tensor of the values out of [0,1] to target argument of nn.CrossEntropyLoss() with class probabilities works against the doc",
        "question": (
            "nn.CrossEntropyLoss()(input=[[0.4, 0.8, 0.6], [0.3, 0.0, 0.5]], target=[[6.2, -7.9, "
            "3.4], [2.1, 8.6, -12.5]]) returns 3.9178 without any error, although the docs say "
            "class-probability targets must lie in [0, 1]."
        ),
        "y_true": [[6.2, -7.9, 3.4], [2.1, 8.6, -12.5]],
        "y_pred": [[0.4, 0.8, 0.6], [0.3, 0.0, 0.5]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss()(input=torch.from_numpy(y_pred), "
            "target=torch.from_numpy(y_true)))"
        ),
        "headline": "soft_labels",
        "acceptable": [],
        "expert_answer": (
            "Probability targets are not validated: the loss is -sum(target * log_softmax(input)) "
            "for whatever numbers are passed, so negative entries or rows not summing to 1 give "
            "a meaningless (possibly negative) value. The triage labelled it a documentation "
            "issue; normalise the targets to distributions yourself."
        ),
    },
    # ------------------------------------------------------------------ 11
    {
        "id": "fairseq-logged-loss-is-in-bits",
        "source": "https://github.com/facebookresearch/fairseq/issues/466",
        "title": "Why logging with scaled loss: loss_sum / sample_size / math.log(2)",
        "question": (
            "fairseq's cross_entropy criterion logs loss_sum / sample_size / math.log(2); the "
            "user asks why the logged loss is scaled by 1/log(2) (is it because of fp16?), "
            "since it no longer matches the cross-entropy the model minimises."
        ),
        "y_true": [3, 0, 2, 1, 3],
        "y_pred": [
            [0.2, -0.5, 0.1, 1.4],
            [1.1, 0.3, -0.2, 0.0],
            [-0.4, 0.2, 0.9, 0.1],
            [0.0, 0.8, 0.3, -0.6],
            [0.5, -0.1, 0.2, 0.4],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import math, torch\n"
            "loss_sum = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), reduction='sum'))\n"
            "sample_size = len(y_true)  # ntokens\n"
            "observed = loss_sum / sample_size / math.log(2)"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "log_base",
        "acceptable": [],
        "expert_answer": (
            "It only converts from base e to base 2 (the maintainer: perplexity is typically "
            "reported in bits), so the logged loss is the mean token cross-entropy in bits, "
            "1/ln 2 = 1.4427 times the nats value; perplexity is 2**loss, not e**loss."
        ),
    },
    # ------------------------------------------------------------------ 12
    {
        "id": "sklearn-log-loss-labels-not-sorted",
        "source": "https://github.com/scikit-learn/scikit-learn/issues/30910",
        "title": "Wrong result in log_loss when labels and corresponding y_pred columns are not ordered",
        "question": (
            "With labels=['dog', 'cat'] and y_pred columns in that order, a perfect prediction "
            "gets log_loss 36.04365338911715 instead of ~0; with labels=['cat', 'dog'] and "
            "columns reordered it is 2.2e-16. Integer labels 1 and 0 show the same."
        ),
        "y_true": [1, 0],
        "y_pred": [[1.0, 0.0], [0.0, 1.0]],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": "sklearn.metrics.log_loss(labels=[1, 0])",
        "options": {"labels": [1, 0]},
        "reproduce": (
            "from sklearn.metrics import log_loss\n"
            "observed = float(log_loss(y_true, y_pred, labels=[1, 0]))"
        ),
        "reference": (
            "from sklearn.metrics import log_loss\n"
            "expected = float(log_loss(y_true, y_pred[:, ::-1], labels=[0, 1]))"
        ),
        "headline": "class_inference",
        "acceptable": [],
        "expert_answer": (
            "log_loss binarises y_true with the labels sorted (lexicographically or "
            "numerically), whatever order `labels` is given in, and assumes y_pred's columns "
            "follow that sorted order. Pass labels in sorted order and arrange the columns to "
            "match (scikit-learn now warns about unsorted labels)."
        ),
    },
    # ------------------------------------------------------------------ 13
    {
        "id": "keras-cce-on-two-sigmoid-outputs-with-zero-targets",
        "source": "https://github.com/keras-team/keras/issues/6421",
        "title": 'Discrepancies between "evaluate" accuracy and "predict" result',
        "question": (
            "A model with Dense(2, activation='sigmoid') trained with categorical_crossentropy "
            "on targets that are mostly [0, 0] reports loss 0.000153 and 100% accuracy in "
            "evaluate, yet predict() gives [1, 0] for rows whose target is [0, 0]."
        ),
        "y_true": [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0]],
        "y_pred": [[0.97, 0.02], [0.99, 0.01], [0.98, 0.03], [0.96, 0.01]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.categorical_crossentropy",
        "options": {},
        "reproduce": (
            "import keras, numpy as np\n"
            "observed = float(np.mean(keras.losses.categorical_crossentropy(y_true, y_pred)))"
        ),
        "reference": (
            "import keras, numpy as np\n"
            "expected = float(np.mean(keras.losses.binary_crossentropy(y_true, y_pred)))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["soft_labels", "multi_label"],
        "expert_answer": (
            "Categorical cross-entropy is -sum(y * log p) over the classes, so a target row "
            "[0, 0] contributes exactly 0 whatever is predicted, and the sigmoid outputs are "
            "renormalised to sum to 1. For two independent sigmoid outputs use "
            "binary_crossentropy (and binary accuracy)."
        ),
    },
    # ------------------------------------------------------------------ 14
    {
        "id": "merlin-binary-output-sigmoid-then-bcewithlogits",
        "source": "https://github.com/NVIDIA-Merlin/models/pull/1175",
        "title": "Change default loss in BinaryOutput to BCELoss",
        "question": (
            "The PyTorch BinaryOutput block applies a sigmoid, but its default loss was "
            "BCEWithLogitsLoss, 'which means we apply sigmoid twice'; the PR switches the "
            "default to BCELoss."
        ),
        "y_true": [1.0, 0.0, 1.0, 0.0, 1.0],
        "y_pred": [0.92, 0.13, 0.71, 0.05, 0.88],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.BCEWithLogitsLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.BCELoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "BCEWithLogitsLoss applies its own sigmoid, so the block's probabilities are "
            "squashed again into (0.5, 0.73): positives can never cost less than -log "
            "sigmoid(1) = 0.313 and negatives never less than log 2. Use BCELoss on the "
            "probabilities, or drop the sigmoid and keep BCEWithLogitsLoss."
        ),
    },
    # ------------------------------------------------------------------ 15
    {
        "id": "ace-loss-log-of-exact-zero-aggregate-probability",
        "source": "https://github.com/summerlvsong/Aggregation-Cross-Entropy/issues/2",
        "title": "Need Help! Loss nan",
        "question": (
            "In the ACE loss, torch.log(input) is taken of the softmax scores accumulated over "
            "time steps; a class that appears nowhere gets an accumulated score of exactly 0, "
            "so log gives -inf and the loss is nan."
        ),
        "y_true": [[0.5, 0.25, 0.25, 0.0], [0.75, 0.0, 0.25, 0.0]],
        "y_pred": [[0.5, 0.3, 0.2, 0.0], [0.6, 0.1, 0.3, 0.0]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": None,
        "options": {},
        "reproduce": (
            "import torch\n"
            "# ACE.forward before the fix: input = sum_t softmax / T; label = counts / T\n"
            "inp, label = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "observed = float(-torch.sum(torch.log(inp) * label) / inp.shape[0])"
        ),
        "reference": (
            "import torch\n"
            "# the repository's fix: input = input + 1e-10 before the log\n"
            "inp, label = torch.from_numpy(y_pred) + 1e-10, torch.from_numpy(y_true)\n"
            "expected = float(-torch.sum(torch.log(inp) * label) / inp.shape[0])"
        ),
        "headline": "overflow",
        "acceptable": ["clipped", "log_clamped"],
        "expert_answer": (
            "log(0) = -inf and 0 * -inf = nan: the class with zero aggregated probability also "
            "has a zero label. Keep the input strictly positive (the maintainer's fix adds "
            "1e-10) or use xlogy-style masking so 0 * log 0 counts as 0."
        ),
    },
    # ------------------------------------------------------------------ 16
    {
        "id": "uno-log-softmax-over-batch-axis",
        "source": "https://github.com/DonkeyShot21/UNO/issues/4",
        "title": "swapped_prediction computation",
        "question": (
            "In cross_entropy_loss the predictions have shape [num_views, batch_size, "
            "num_classes] but F.log_softmax(preds / 0.1, dim=1) normalises over the batch "
            "axis; the user asks whether it should be dim=2. The author agrees, 'for some "
            "reason this still works', and fixes it."
        ),
        "y_true": [
            [
                [0.0, 1.0, 0.0, 0.0],
                [0.7, 0.1, 0.1, 0.1],
                [0.0, 0.0, 0.2, 0.8],
            ],
            [
                [0.1, 0.6, 0.2, 0.1],
                [1.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, 1.0],
            ],
        ],
        "y_pred": [
            [
                [-2.0, 6.0, 1.0, -3.0],
                [5.0, 0.5, -1.0, 2.0],
                [-4.0, -1.0, 3.0, 7.0],
            ],
            [
                [1.0, 4.0, 0.0, -2.0],
                [8.0, -3.0, 1.0, 0.0],
                [-1.0, 0.0, 2.0, 5.0],
            ],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.softmax_cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# y_pred holds logits / temperature; shape [views, batch, classes]\n"
            "preds = F.log_softmax(torch.from_numpy(y_pred), dim=1)\n"
            "loss = torch.mean(-torch.sum(torch.from_numpy(y_true) * preds, dim=-1), dim=-1)\n"
            "observed = [float(v) for v in loss]"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "preds = F.log_softmax(torch.from_numpy(y_pred), dim=-1)\n"
            "loss = torch.mean(-torch.sum(torch.from_numpy(y_true) * preds, dim=-1), dim=-1)\n"
            "expected = [float(v) for v in loss]"
        ),
        "headline": "axis",
        "acceptable": [],
        "expert_answer": (
            "log_softmax must run over the class axis (the last one here); dim=1 normalises "
            "each class column across the batch, so the 'probabilities' compared with the "
            "targets are not distributions over classes. Use dim=-1, as the author's fix does."
        ),
    },
    # ------------------------------------------------------------------ 17
    {
        "id": "cellmap-nan-target-voxels-meant-as-mask",
        "source": "https://github.com/janelia-cellmap/cellmap-segmentation-challenge/issues/162",
        "title": "Normal if nan appear in target?",
        "question": (
            "The target arrays returned by the challenge's dataloader sometimes contain NaNs; "
            "fed to a plain PyTorch loss they make it nan. The user asks whether that is "
            "supposed to happen."
        ),
        "y_true": [[1.0, 0.0, "nan", 1.0], [0.0, "nan", "nan", 0.0]],
        "y_pred": [[2.1, -1.3, 0.4, 0.9], [-0.7, 1.5, -2.2, -1.8]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.binary_cross_entropy_with_logits("
            "torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# what the challenge's CellMapLossWrapper does: drop the NaN voxels\n"
            "t, z = torch.from_numpy(y_true), torch.from_numpy(y_pred)\n"
            "keep = ~torch.isnan(t)\n"
            "expected = float(torch.nn.functional.binary_cross_entropy_with_logits(z[keep], t[keep]))"
        ),
        "headline": "nan_input",
        "acceptable": ["ignore_index"],
        "expert_answer": (
            "Intended: NaN marks voxels whose class is unknown, and any NaN target makes the "
            "mean nan. Mask them out before reducing; the challenge's CellMapLossWrapper "
            "wraps any PyTorch loss to do exactly that."
        ),
    },
    # ------------------------------------------------------------------ 18
    {
        "id": "keras-epoch-loss-mean-of-batch-means-small-last-batch",
        "source": "https://github.com/tensorflow/tensorflow/issues/38596",
        "title": "Keras fails to account for smaller last batch in loss metric calculation",
        "question": (
            "With 3 samples and batch size 2, Keras reports the epoch loss as the unweighted "
            "mean of the two batch losses, (10 + 9)/2 = 9.5, instead of the mean over all "
            "samples; the last, smaller batch is over-weighted."
        ),
        "y_true": [0, 2, 1],
        "y_pred": [
            [2.0, 0.5, -1.0],
            [0.3, -0.2, 0.1],
            [-0.5, 1.8, 0.4],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        "options": {},
        "reproduce": (
            "import keras\n"
            "loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
            "b1 = float(loss(y_true[:2], y_pred[:2]))\n"
            "b2 = float(loss(y_true[2:], y_pred[2:]))\n"
            "observed = (b1 + b2) / 2"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)("
            "y_true, y_pred))"
        ),
        "headline": "batch_mean",
        "acceptable": ["reduction"],
        "expert_answer": (
            "The epoch figure averages per-batch means, so each sample of the 1-sample last "
            "batch weighs twice as much as the others. Weight each batch mean by its batch "
            "size (sum of losses / number of samples) to get the dataset mean (the issue was "
            "triaged as a TF 2.2 regression)."
        ),
    },
    # ------------------------------------------------------------------ 19
    {
        "id": "torch-label-smoothing-extra-eps-over-k-term",
        "source": "https://github.com/eladhoffer/utils.pytorch/issues/14",
        "title": "Question about label smoothing implementation",
        "question": (
            "The repository's smoothed cross-entropy uses eps_nll = 1 - eps/num_classes - eps "
            "and loss = -(eps_nll * likelihood + eps/num_classes * lsm.sum(-1)); going by the "
            "paper it should be -((1 - eps) * likelihood + eps/K * lsm.sum(-1))."
        ),
        "y_true": [0, 2, 1],
        "y_pred": [
            [3.0, 0.5, -1.0, 0.2],
            [0.1, -0.4, 2.5, 0.3],
            [-0.2, 1.9, 0.0, 0.6],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "z, t, smooth_eps = torch.from_numpy(y_pred), torch.from_numpy(y_true), 0.1\n"
            "lsm = F.log_softmax(z, dim=-1)\n"
            "eps_sum = smooth_eps / z.size(-1)\n"
            "eps_nll = 1. - eps_sum - smooth_eps\n"
            "likelihood = lsm.gather(dim=-1, index=t.unsqueeze(-1)).squeeze(-1)\n"
            "observed = float((-(eps_nll * likelihood + eps_sum * lsm.sum(-1))).mean())"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.CrossEntropyLoss(label_smoothing=0.1)("
            "torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "label_smoothing",
        "acceptable": [],
        "expert_answer": (
            "lsm.sum(-1) already includes the target class, so its eps/K share must not be "
            "subtracted again: the implied target distribution sums to 1 - eps/K instead of 1 "
            "and the loss is low by (eps/K) * (-log p_target). The standard smoothed loss is "
            "-(1 - eps) log p_y - (eps/K) sum_k log p_k, which is what "
            "CrossEntropyLoss(label_smoothing=eps) computes."
        ),
    },
    # ------------------------------------------------------------------ 20
    {
        "id": "tensorpack-class-balanced-bce-halves-balanced-batch",
        "source": "https://github.com/tensorpack/tensorpack/issues/278",
        "title": "multiplication at the end of class_balanced_sigmoid_cross_entropy",
        "question": (
            "class_balanced_sigmoid_cross_entropy multiplies the weighted loss by (1 - beta), "
            "so even when half of the labels are positive its output differs from the normal "
            "sigmoid cross-entropy, which the user did not expect."
        ),
        "y_true": [1.0, 0.0, 1.0, 0.0, 1.0, 0.0],
        "y_pred": [1.5, -0.8, 0.3, 0.4, 2.2, -1.9],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.sigmoid_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "y, logits = tf.constant(y_true), tf.constant(y_pred)\n"
            "count_neg = tf.reduce_sum(1. - y)\n"
            "count_pos = tf.reduce_sum(y)\n"
            "beta = count_neg / (count_neg + count_pos)\n"
            "pos_weight = beta / (1 - beta)\n"
            "cost = tf.nn.weighted_cross_entropy_with_logits(labels=y, logits=logits, "
            "pos_weight=pos_weight)\n"
            "observed = float(tf.reduce_mean(cost * (1 - beta)))"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = float(tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)))"
        ),
        "headline": "weighting",
        "acceptable": ["reduction"],
        "expert_answer": (
            "It is the HED class-balanced loss: (1-beta) * [pos_weight * positive term + "
            "negative term] = beta * positive term + (1-beta) * negative term, so positives "
            "are weighted by the negative ratio and vice versa. With beta = 0.5 both weights "
            "are 0.5 and the value is half the plain cross-entropy; the maintainer: both "
            "implementations handle the ratio the same way, so the scale is by design."
        ),
    },
    # ------------------------------------------------------------------ 21
    {
        "id": "torch-bcewithlogits-plus-inf-logit-nan",
        "source": "https://github.com/pytorch/pytorch/issues/102894",
        "title": 'BCELoss and BCEWithLogitsLoss differ when one of the input logits is float("inf")',
        "question": (
            "F.binary_cross_entropy_with_logits([inf, 1.0], [1.0, 0.0]) is nan while "
            "F.binary_cross_entropy(x.sigmoid(), y) gives 0.6566, although sigmoid(inf) = 1 "
            "and BCEWithLogitsLoss is meant to be the more stable of the two."
        ),
        "y_true": [1.0, 0.0],
        "y_pred": ["inf", 1.0],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.binary_cross_entropy_with_logits("
            "torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.binary_cross_entropy("
            "torch.from_numpy(y_pred).sigmoid(), torch.from_numpy(y_true)))"
        ),
        "headline": "overflow",
        "acceptable": ["masked_logits"],
        "expert_answer": (
            "The log-sum-exp form max(x, 0) - x*y + log(1 + exp(-|x|)) evaluates inf - inf = "
            "nan for x = +inf, y = 1, although the limit is 0 (the maintainers accepted it as "
            "a bug). Keep logits finite (clamp them, or use a large finite value instead of "
            "inf) until the kernel handles infinities."
        ),
    },
    # ------------------------------------------------------------------ 22
    {
        "id": "tfnet-sparse-cce-from-logits-flag-ignored",
        "source": "https://github.com/SciSharp/TensorFlow.NET/pull/1018",
        "title": "Fix the bug of non-convergence when use SparseCategoricalCrossentropy",
        "question": (
            "A model trained with SparseCategoricalCrossentropy(from_logits: true) does not "
            "converge, while CategoricalCrossentropy on one-hot labels works; the from_logits "
            "passed to the constructor was not the one the loss used, so it stayed false."
        ),
        "y_true": [2, 0, 1, 3],
        "y_pred": [
            [0.3, -1.2, 2.4, 0.1],
            [1.9, 0.2, -0.7, 0.5],
            [-0.4, 1.1, 0.0, -2.0],
            [0.6, -0.3, 0.2, 1.4],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        "options": {},
        "reproduce": (
            "import keras\n"
            "# TensorFlow.NET mirrors the Keras API; the bug made the loss run with\n"
            "# from_logits=False on the logits\n"
            "observed = float(keras.losses.SparseCategoricalCrossentropy(from_logits=False)("
            "y_true, y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)("
            "y_true, y_pred))"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["clipped", "renormalized"],
        "expert_answer": (
            "With from_logits effectively false the raw scores are treated as probabilities: "
            "negative values are clipped to 1e-7 and each row is renormalised by its sum, so "
            "the loss no longer reflects the softmax and training does not converge. The PR "
            "passes the constructor's from_logits through to the computation."
        ),
    },
    # ------------------------------------------------------------------ 23
    {
        "id": "kws-softmax-output-with-from-logits-true",
        "source": "https://github.com/google-research/google-research/issues/367",
        "title": "[kws]: adding softmax layer will decrease accuracy for multihead attention rnn",
        "question": (
            "Setting return_softmax=1 in the keyword-spotting model (a softmax on the output) "
            "decreases accuracy; the training script uses "
            "SparseCategoricalCrossentropy(from_logits=True)."
        ),
        "y_true": [1, 0, 2],
        "y_pred": [
            [0.05, 0.90, 0.05],
            [0.80, 0.15, 0.05],
            [0.10, 0.20, 0.70],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)("
            "y_true, y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=False)("
            "y_true, y_pred))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "The loss is SparseCategoricalCrossentropy(from_logits=True), so return_softmax "
            "must stay 0: with the softmax layer the probabilities get a second softmax inside "
            "the loss. Use from_logits=False if the model ends with a softmax (the "
            "maintainer's answer)."
        ),
    },
    # ------------------------------------------------------------------ 24
    {
        "id": "tf-softmax-ce-with-three-hot-labels",
        "source": "https://github.com/imransai/Depth-Coefficients-4-DepthCompletion/issues/5",
        "title": "tf.nn.softmax_cross_entropy_with_logits_v2",
        "question": (
            "The repository trains with tf.nn.softmax_cross_entropy_with_logits_v2, which is "
            "meant for one-hot labels, but its labels are three-hot; the user asks whether "
            "this is a problem."
        ),
        "y_true": [[1.0, 1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0, 1.0]],
        "y_pred": [[2.0, 1.5, -1.0, 1.8, -0.5], [-0.3, 2.2, 1.7, -1.1, 1.9]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "observed = [float(v) for v in tf.nn.softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred).numpy()]"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "l = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)\n"
            "expected = [float(v) for v in tf.reduce_mean(l, axis=-1).numpy()]"
        ),
        "headline": "multi_label",
        "acceptable": ["soft_labels"],
        "expert_answer": (
            "Softmax cross-entropy assumes each row of labels is a distribution over mutually "
            "exclusive classes; a three-hot row adds -log p for three classes that compete for "
            "the same probability mass, so the loss cannot go below 3 log 3. Use sigmoid "
            "(per-class binary) cross-entropy for multi-hot targets, or divide the labels by "
            "their count if a distribution is intended."
        ),
    },
]
