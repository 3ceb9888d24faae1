"""Third held-out real-question corpus: cases the ``explain`` developers have not seen.

Built blind, like ``heldout.py`` and ``heldout2.py`` (nothing under
``src/crossent/explain`` was read except the code list in ``_cause.py``, and
``explain`` was not run on these inputs), from threads that none of the earlier
corpus files, ``docs/``, ``src/`` or the tests cite.  Same schema and harness:
``reproduce`` / ``reference`` run with ``y_true`` and ``y_pred`` bound to NumPy
arrays (``y_pred`` in ``dtype``; integer class ids as int64, anything else in
``dtype``) and assign ``observed`` / ``expected``.  See NOTES_heldout3.md for how
each thread was found and rebuilt.
"""

from __future__ import annotations

from typing import Any

CASES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ 1
    {
        "id": "torch-segmentation-probabilities-into-crossentropy",
        "source": "https://discuss.pytorch.org/t/cross-entropy-loss-math-under-the-hood/79749/3",
        "title": "Cross Entropy Loss Math under the hood",
        "question": (
            "For a 1x3x2x2 segmentation output whose 3 channels are already probabilities "
            "(each pixel sums to 1) and targets [[2, 2], [0, 1]], nn.CrossEntropyLoss gives "
            "0.9488, which does not match the cross-entropy formula computed by hand."
        ),
        "y_true": [[[2, 2], [0, 1]]],
        "y_pred": [
            [
                [[0.1, 0.3], [0.4, 0.5]],
                [[0.2, 0.3], [0.4, 0.5]],
                [[0.7, 0.4], [0.2, 0.0]],
            ]
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# the answer's demonstration: NLLLoss on log(probs) (mean instead of its sum)\n"
            "expected = float(torch.nn.NLLLoss()(torch.log(torch.from_numpy(y_pred)), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "CrossEntropyLoss expects logits and applies log_softmax itself (KFrank, ptrblck), so "
            "the probabilities are softmaxed a second time. Either output raw scores, or feed "
            "log(probs) to NLLLoss (the answer gets 2.8824 with reduction='sum', i.e. 0.7206 per "
            "pixel)."
        ),
    },
    # ------------------------------------------------------------------ 2
    {
        "id": "mmdet-sigmoid-focal-target-equal-num-classes-is-background",
        "source": "https://github.com/open-mmlab/mmdetection/issues/3228",
        "title": "Different sigmoid_focal_loss value between mmdet1.0 and mmdet2.2.",
        "question": (
            "sigmoid_focal_loss(pred=[[-1.0], [1.0]], target=[1, 1], gamma=2, alpha=0.25, "
            "avg_factor=2) gives 0.0906 in mmdet 1.0 but 0.2717 in mmdet 2.2."
        ),
        "y_true": [1, 1],
        "y_pred": [[-1.0], [1.0]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": None,
        "options": {},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# mmdet 2.x py_sigmoid_focal_loss: label == num_classes means background\n"
            "pred, target = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "num_classes = pred.size(1)\n"
            "t = F.one_hot(target, num_classes=num_classes + 1)[:, :num_classes].type_as(pred)\n"
            "p = pred.sigmoid()\n"
            "pt = (1 - p) * t + p * (1 - t)\n"
            "w = (0.25 * t + 0.75 * (1 - t)) * pt.pow(2.0)\n"
            "loss = F.binary_cross_entropy_with_logits(pred, t, reduction='none') * w\n"
            "observed = float(loss.sum() / 2)"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# mmdet 1.x: labels start at 1 (0 is background), so label 1 is the first class\n"
            "pred, target = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "t = F.one_hot(target - 1, num_classes=pred.size(1)).type_as(pred)\n"
            "p = pred.sigmoid()\n"
            "pt = (1 - p) * t + p * (1 - t)\n"
            "w = (0.25 * t + 0.75 * (1 - t)) * pt.pow(2.0)\n"
            "loss = F.binary_cross_entropy_with_logits(pred, t, reduction='none') * w\n"
            "expected = float(loss.sum() / 2)"
        ),
        "headline": "label_range",
        "acceptable": ["focal"],
        "expert_answer": (
            "In mmdet 2.x the background label is num_classes instead of 0, so with one class a "
            "target of 1 is out of the foreground range and becomes an all-zero one-hot row: both "
            "anchors are scored as negatives (weight 1 - alpha) and the loss rises to 0.2717. "
            "Foreground labels must be 0 .. num_classes - 1 (the reporter's own conclusion)."
        ),
    },
    # ------------------------------------------------------------------ 3
    {
        "id": "tf-keras-softmax-layer-output-takes-clipped-path",
        "source": "https://github.com/tensorflow/tensorflow/issues/32869",
        "title": (
            "sparse_categorical_crossentropy does not use underlying logits of "
            "tf.keras.layers.Softmax"
        ),
        "question": (
            "sparse_categorical_crossentropy is documented to use the logits under a final "
            "softmax for numerical stability, but for a Keras Softmax layer it never does; the "
            "loss is computed from the clipped probabilities instead."
        ),
        "y_true": [0, 1],
        "y_pred": [
            [1.3887943e-11, 1.0261879e-10, 1.0],
            [1.0, 1.3887943e-11, 9.3576230e-14],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.sparse_categorical_crossentropy",
        "options": {},
        "reproduce": (
            "import tf_keras\n"
            "# the softmax output as the loss receives it, without the attached logits\n"
            "observed = [float(v) for v in "
            "tf_keras.losses.sparse_categorical_crossentropy(y_true, y_pred).numpy()]"
        ),
        "reference": (
            "import numpy as np, tf_keras\n"
            "# the logits under the Softmax layer: [0, 2, 25] and [30, 5, 0]\n"
            "z = np.array([[0.0, 2.0, 25.0], [30.0, 5.0, 0.0]], dtype='float32')\n"
            "expected = [float(v) for v in tf_keras.losses.sparse_categorical_crossentropy("
            "y_true, z, from_logits=True).numpy()]"
        ),
        "headline": "clipped",
        "acceptable": ["log_clamped"],
        "expert_answer": (
            "Without the logits the loss clips the probabilities to [1e-7, 1 - 1e-7] before the "
            "log, so a confident mistake costs at most -log(1e-7) = 16.118 instead of the true "
            "25. Output logits and use from_logits=True (or a tf.nn.softmax op, whose logits the "
            "backend does recover, as the report notes)."
        ),
    },
    # ------------------------------------------------------------------ 4
    {
        "id": "deepspeed-chat-sft-loss-includes-prompt-tokens",
        "source": "https://github.com/deepspeedai/DeepSpeedExamples/issues/301",
        "title": "SFT loss",
        "question": (
            "In the SFT stage input_ids and labels are the same, so the loss includes the "
            "prompt's tokens; shouldn't only the chosen response be scored?"
        ),
        "y_true": [[3, 1, 4, 2, 0, 2]],
        "y_pred": [
            [
                [0.1, 0.4, -0.3, 0.2, 0.0],
                [0.3, -0.2, 0.1, 0.0, 0.5],
                [0.0, 0.2, 0.6, -0.1, 0.1],
                [1.5, 0.1, 2.4, 0.0, -0.5],
                [0.2, 0.1, 2.0, 0.3, 0.0],
                [0.0, 0.0, 0.0, 0.0, 0.0],
            ]
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "transformers.loss.loss_utils.ForCausalLMLoss",
        "options": {},
        "reproduce": (
            "import torch\n"
            "from transformers.loss.loss_utils import ForCausalLMLoss\n"
            "# labels = input_ids: the 3 prompt tokens are scored too\n"
            "observed = float(ForCausalLMLoss(torch.from_numpy(y_pred), torch.from_numpy(y_true), "
            "vocab_size=5))"
        ),
        "reference": (
            "import torch\n"
            "from transformers.loss.loss_utils import ForCausalLMLoss\n"
            "labels = torch.from_numpy(y_true).clone()\n"
            "labels[:, :3] = -100  # mask the prompt\n"
            "expected = float(ForCausalLMLoss(torch.from_numpy(y_pred), labels, vocab_size=5))"
        ),
        "headline": "ignore_index",
        "acceptable": [],
        "expert_answer": (
            "With labels equal to input_ids every position after the first is scored, prompt "
            "included; the maintainers call this the usual causal-LM setting. To score only the "
            "response, set the prompt positions of labels to -100, the ignore_index of the loss."
        ),
    },
    # ------------------------------------------------------------------ 5
    {
        "id": "lightning-epoch-mean-skewed-by-small-last-batch",
        "source": "https://github.com/Lightning-AI/pytorch-lightning/issues/2924",
        "title": "Smaller last batch skews Train/EvalResult",
        "question": (
            "The epoch value logged by Lightning is the plain mean of the per-batch values, so "
            "a small last batch counts as much as a full one: (0.7 + 0.8 + 0.9) / 3 instead of "
            "the batch-size-weighted mean."
        ),
        "y_true": [0, 1, 2, 1, 0, 2, 2, 1, 0],
        "y_pred": [
            [2.0, 0.1, -1.0],
            [0.2, 1.5, 0.3],
            [0.0, 0.4, 1.2],
            [0.5, 0.9, 0.1],
            [1.1, 0.2, 0.0],
            [0.3, 0.2, 0.8],
            [0.1, 0.3, 1.9],
            [0.6, 1.0, 0.2],
            [-1.0, 1.5, 2.0],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "x, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "# batches of 4, 4 and 1; the epoch value is torch.mean of the step values\n"
            "steps = [F.cross_entropy(x[a:b], t[a:b]) for a, b in ((0, 4), (4, 8), (8, 9))]\n"
            "observed = float(torch.stack(steps).mean())"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "expected = float(F.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "batch_mean",
        "acceptable": ["reduction"],
        "expert_answer": (
            "The maintainers agreed: averaging step means gives the 1-sample last batch the same "
            "weight as a full batch. The fix (PR #2930, later self.log's batch_size) weights each "
            "step value by its batch size, which equals the loss over all samples."
        ),
    },
    # ------------------------------------------------------------------ 6
    {
        "id": "hf-causal-lm-loss-pools-tokens-across-samples",
        "source": "https://github.com/huggingface/transformers/issues/34510",
        "title": "CrossEntropyLoss has per-token weight that is different from original semantics?",
        "question": (
            "With samples [a..g] (7 tokens) and [x, y] (2 tokens) transformers flattens "
            "everything and averages over the 9 tokens, instead of averaging each sample and "
            "then the two samples; the short sample gets much less weight."
        ),
        "y_true": [1, 0, 3, 2, 2, 1, 0, 3, 1, -100, -100, -100, -100, -100],
        "y_pred": [
            [0.2, 1.1, 0.0, -0.3],
            [1.4, 0.2, 0.1, 0.0],
            [0.0, 0.1, 0.3, 1.6],
            [0.2, 0.0, 1.3, 0.1],
            [0.1, 0.2, 1.7, 0.0],
            [0.3, 1.2, 0.0, 0.2],
            [1.5, 0.0, 0.2, 0.1],
            [1.0, 0.2, 0.5, -0.5],
            [0.8, -0.4, 0.6, 0.3],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "transformers.loss.loss_utils.fixed_cross_entropy",
        "options": {"ignore_index": -100},
        "reproduce": (
            "import torch\n"
            "from transformers.loss.loss_utils import fixed_cross_entropy\n"
            "# rows 0-6: sample 1; rows 7-13: sample 2 (2 tokens, then padding)\n"
            "observed = float(fixed_cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), ignore_index=-100))"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "x, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "per_sample = [F.cross_entropy(x[a:b], t[a:b], ignore_index=-100) "
            "for a, b in ((0, 7), (7, 14))]\n"
            "expected = float(torch.stack(per_sample).mean())"
        ),
        "headline": "batch_mean",
        "acceptable": ["reduction"],
        "expert_answer": (
            "Both numbers are legitimate averages: transformers uses the token-level mean over "
            "all non-ignored tokens of the batch (as GPT-2 training does), while the user wants "
            "the mean of per-sample means. They differ whenever samples have different lengths."
        ),
    },
    # ------------------------------------------------------------------ 7
    {
        "id": "keras-sparse-cce-on-raw-scores-after-removing-softmax",
        "source": "https://github.com/keras-team/keras/issues/6587",
        "title": 'Do we need delete the "softmax" before using sparse_categorical_crossentropy?',
        "question": (
            "Since sparse_categorical_crossentropy is built on "
            "tf.nn.sparse_softmax_cross_entropy_with_logits, the user removed the final softmax; "
            "the model then did not fit."
        ),
        "y_true": [0, 2, 1],
        "y_pred": [[4.0, 1.0, 2.0], [0.5, 0.2, 3.0], [0.1, 2.5, 1.0]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "keras.losses.SparseCategoricalCrossentropy",
        "options": {},
        "reproduce": (
            "import keras\n"
            "observed = float(keras.losses.SparseCategoricalCrossentropy()(y_true, y_pred))"
        ),
        "reference": (
            "import keras\n"
            "expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
            "(y_true, y_pred))"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["renormalized", "clipped"],
        "expert_answer": (
            "sparse_categorical_crossentropy has from_logits=False by default: it treats its input "
            "as probabilities (normalising and clipping them, then taking the log). Keep the "
            "softmax, or remove it and pass from_logits=True."
        ),
    },
    # ------------------------------------------------------------------ 8
    {
        "id": "hf-gpt2-sentence-loss-is-token-mean-not-sum",
        "source": "https://github.com/huggingface/transformers/issues/818",
        "title": "GPT sentence log loss: average or summed loss?",
        "question": (
            "For model(input_ids, labels=input_ids) on 'Hello, my dog is cute', is the returned "
            "loss the sentence's summed log loss or an average?"
        ),
        "y_true": [[4, 1, 3, 0, 2, 5]],
        "y_pred": [
            [
                [0.1, 2.1, 0.0, -0.2, 0.3, 0.0],
                [0.0, 0.2, 0.1, 1.4, 0.0, 0.3],
                [1.8, 0.1, 0.2, 0.3, 0.0, -0.1],
                [0.2, 0.0, 1.1, 0.4, 0.3, 0.0],
                [0.1, 0.3, 0.0, 0.2, -0.2, 1.6],
                [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            ]
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "transformers.loss.loss_utils.ForCausalLMLoss",
        "options": {},
        "reproduce": (
            "import torch\n"
            "from transformers.loss.loss_utils import ForCausalLMLoss\n"
            "observed = float(ForCausalLMLoss(torch.from_numpy(y_pred), torch.from_numpy(y_true), "
            "vocab_size=6))"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# the sentence's summed negative log-likelihood (5 predicted tokens)\n"
            "x, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "expected = float(F.cross_entropy(x[0, :-1], t[0, 1:], reduction='sum'))"
        ),
        "headline": "reduction",
        "acceptable": [],
        "expert_answer": (
            "It is the average (thomwolf): the mean over the predicted tokens (and, for a batch, "
            "over all tokens of all sentences). Multiply by the number of predicted tokens for "
            "the sentence's total log loss."
        ),
    },
    # ------------------------------------------------------------------ 9
    {
        "id": "cpp-cross-entropy-on-raw-outputs-and-minus-one-targets",
        "source": "https://example-a.com/answer/34079074",
        "title": "Cross-entropy error calculation",
        "question": (
            "Network outputs {-0.78, -0.98, 0.78, -0.68} with targets {-1, -1, 1, 1}: "
            "error = ln(0.78) * 1.0 + ln(-0.68) * 1.0 is undefined, so the loss is often NaN."
        ),
        "y_true": [-1.0, -1.0, 1.0, 1.0],
        "y_pred": [-0.78, -0.98, 0.78, -0.68],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": None,
        "options": {},
        "reproduce": (
            "import torch\n"
            "o, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "# the question's formula: sum of ln(output) over the targets equal to 1\n"
            "observed = float(-torch.log(o[t == 1]).sum())"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# the answer: targets in {0, 1}, a softmax over the outputs, then cross-entropy\n"
            "o, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "soft = (t == 1).double()\n"
            "expected = float(-(soft * F.log_softmax(o, dim=0)).sum())"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["soft_labels"],
        "expert_answer": (
            "The log needs probabilities: raw outputs from random weights can be negative. Use "
            "targets 0/1 instead of -1/1 and put a softmax on the output layer, so every output "
            "is a probability in (0, 1)."
        ),
    },
    # ------------------------------------------------------------------ 10
    {
        "id": "lightgbm-probability-exactly-one-gives-capped-log-loss",
        "source": (
            "https://stats.stackexchange.com/questions/484445/"
            "why-does-lightgbm-classifier-gives-some-folks-a-probability-of-1-of-belonging-in"
        ),
        "title": (
            "Why does LightGBM Classifier gives some folks a probability of 1 of belonging in a "
            "class with log-loss?"
        ),
        "question": (
            "LightGBM with the log-loss objective predicts a probability of exactly 1 for some "
            "individuals; if any of them is wrong the log loss should be infinite."
        ),
        "y_true": [0, 1, 1, 0],
        "y_pred": [40.0, 3.0, -1.0, -2.0],
        "dtype": "float64",
        "user_believes_logits": True,
        "against": None,
        "options": {},
        "reproduce": (
            "import numpy as np\n"
            "from scipy.special import expit\n"
            "from sklearn.metrics import log_loss\n"
            "# LightGBM's predict: sigmoid of the raw score in float64; expit(40) == 1.0\n"
            "p = expit(y_pred)\n"
            "observed = float(log_loss(y_true, p, labels=[0, 1]))"
        ),
        "reference": (
            "import torch\n"
            "import torch.nn.functional as F\n"
            "# the same loss from the raw scores, where no probability is rounded\n"
            "expected = float(F.binary_cross_entropy_with_logits(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true).double()))"
        ),
        "headline": "precision",
        "acceptable": ["clipped", "overflow"],
        "expert_answer": (
            "Floating point has limited precision: the logistic function of a large raw score "
            "rounds to exactly 1 (in float64 for z above about 36.7), so the predicted "
            "probability is 1 and only a clip keeps the log loss finite. The exact loss for a "
            "wrong score of 40 is 40 nats; regularisation (L1/L2) keeps scores from growing that "
            "large."
        ),
    },
    # ------------------------------------------------------------------ 11
    {
        "id": "a2c-naive-softmax-exp-overflow-nan",
        "source": "https://github.com/openai/baselines/issues/761",
        "title": "why minus maximum in function entropy in a2c ?",
        "question": (
            "Why does the a2c code subtract the maximum logit before the softmax? The user tries "
            "tf.exp(300.0) / tf.exp(301.0) and gets NaN."
        ),
        "y_true": [1, 0],
        "y_pred": [[300.0, 301.0], [2.0, 1.0]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.sparse_softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "# the policy's -log p(action) from a softmax written without the max shift\n"
            "e = tf.exp(tf.constant(y_pred))\n"
            "p = e / tf.reduce_sum(e, axis=-1, keepdims=True)\n"
            "nll = -tf.math.log(tf.gather(p, y_true, batch_dims=1))\n"
            "observed = [float(v) for v in nll.numpy()]"
        ),
        "reference": (
            "import tensorflow as tf\n"
            "expected = [float(v) for v in tf.nn.sparse_softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred).numpy()]"
        ),
        "headline": "overflow",
        "acceptable": [],
        "expert_answer": (
            "Numerical stability: exp(300) overflows float32 to inf and inf / inf is NaN. "
            "Subtracting the row maximum leaves the softmax unchanged and keeps every exponent "
            "at most 0 (DanielTakeshi's answer); TF's fused cross-entropy ops do this internally."
        ),
    },
    # ------------------------------------------------------------------ 12
    {
        "id": "fcn-bce-on-one-hot-twenty-class-segmentation",
        "source": "https://github.com/pochih/FCN-pytorch/issues/9",
        "title": "Why using BCELoss? That is for binary classification while we have 20 classes",
        "question": (
            "The FCN code trains 20-class semantic segmentation with BCEWithLogitsLoss on one-hot "
            "targets instead of a multi-class cross-entropy."
        ),
        "y_true": [
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
        ],
        "y_pred": [
            [3.0, 0.5, -1.0, 0.1],
            [0.2, 0.1, 2.5, -0.4],
            [-0.3, 2.0, 0.8, 0.0],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.BCEWithLogitsLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true).argmax(1)))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["multi_label"],
        "expert_answer": (
            "BCEWithLogitsLoss treats the 20 channels as independent yes/no problems and averages "
            "over pixels x classes; it is trainable because outputs and targets are 0/1 (the "
            "author's answer), but it is not the multi-class cross-entropy, whose value (softmax "
            "over the classes, one term per pixel) is different."
        ),
    },
    # ------------------------------------------------------------------ 13
    {
        "id": "mosei-multi-hot-emotions-into-crossentropyloss",
        "source": "https://github.com/wenliangdai/Modality-Transferable-MER/issues/3",
        "title": "RuntimeError: multi-target not supported for CrossEntropyLoss",
        "question": (
            "CMU-MOSEI emotion labels are multi-hot (several emotions per clip) and the README "
            "runs it with the ce loss; the reporter argues a multi-label task needs binary "
            "cross-entropy."
        ),
        "y_true": [
            [1.0, 0.0, 1.0, 0.0, 0.0, 1.0],
            [0.0, 1.0, 0.0, 0.0, 1.0, 0.0],
            [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ],
        "y_pred": [
            [1.2, -0.8, 0.9, -1.1, -0.5, 0.7],
            [-0.6, 1.1, -0.9, -0.4, 0.8, -1.0],
            [1.5, -0.3, -0.7, -1.2, -0.2, -0.6],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.binary_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import torch\n"
            "# torch >= 1.10 reads float multi-hot rows as class probabilities instead of raising\n"
            "observed = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.BCEWithLogitsLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "multi_label",
        "acceptable": ["soft_labels", "binary_vs_categorical"],
        "expert_answer": (
            "MOSEI is multi-label, so use binary cross-entropy (BCE with logits) with one sigmoid "
            "per emotion; softmax cross-entropy assumes exactly one class per sample (the "
            "maintainer agreed and fixed the README)."
        ),
    },
    # ------------------------------------------------------------------ 14
    {
        "id": "efficientdet-initial-focal-loss-from-default-bias",
        "source": "https://github.com/zylo117/Yet-Another-EfficientDet-Pytorch/issues/285",
        "title": "Cls loss & Total loss too big",
        "question": (
            "The classification loss at the start of training is about 50, far above what the "
            "user expects from a freshly initialised detector."
        ),
        "y_true": [[1.0]] * 2 + [[0.0]] * 198,
        "y_pred": [[0.0]] * 200,
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.sigmoid_focal_loss(alpha=0.25, gamma=2.0)",
        "options": {"alpha": 0.25, "gamma": 2.0},
        "reproduce": (
            "import jax.numpy as jnp, optax\n"
            "# focal loss summed over 200 anchors, normalised by the 2 positives\n"
            "loss = optax.sigmoid_focal_loss(jnp.asarray(y_pred), jnp.asarray(y_true), "
            "alpha=0.25, gamma=2.0)\n"
            "observed = float(loss.sum() / 2)"
        ),
        "reference": (
            "import jax.numpy as jnp, optax\n"
            "# the answer's fix: classifier bias -4.59, so sigmoid = 0.01 for every anchor\n"
            "z = jnp.full(jnp.shape(jnp.asarray(y_pred)), -4.59)\n"
            "expected = float(optax.sigmoid_focal_loss(z, jnp.asarray(y_true), alpha=0.25, "
            "gamma=2.0).sum() / 2)"
        ),
        "headline": "magnitude",
        "acceptable": ["focal"],
        "expert_answer": (
            "It comes from the classifier initialisation: with zero bias every anchor predicts "
            "0.5, and the many negative anchors each add focal loss, which is then divided by the "
            "few positives. Initialise the bias to -log((1 - 0.01) / 0.01) = -4.59 so every box "
            "starts at 0.01 (yhenon's answer: the epoch-0 loss drops from 50 to 2)."
        ),
    },
    # ------------------------------------------------------------------ 15
    {
        "id": "retinanet-minus-one-targets-are-masked-anchors",
        "source": "https://github.com/yhenon/pytorch-retinanet/issues/246",
        "title": "Possible discrepancy in FocalLoss calculation",
        "question": (
            "targets holds 1, 0 and -1 (anchors with IoU between 0.4 and 0.5), but the BCE term "
            "-(t*log(p) + (1-t)*log(1-p)) should only see targets in [0, 1]."
        ),
        "y_true": [[1.0, 0.0], [0.0, 0.0], [-1.0, -1.0], [0.0, 1.0], [-1.0, -1.0]],
        "y_pred": [[0.7, 0.1], [0.2, 0.1], [0.4, 0.3], [0.1, 0.6], [0.3, 0.5]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": None,
        "options": {"ignore_index": -1},
        "reproduce": (
            "import torch\n"
            "# the BCE-based focal term over every anchor, -1 targets included\n"
            "p, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "alpha = torch.where(t == 1, 0.25, 0.75)\n"
            "w = alpha * torch.where(t == 1, 1 - p, p) ** 2\n"
            "bce = -(t * torch.log(p) + (1 - t) * torch.log(1 - p))\n"
            "observed = float((w * bce).sum() / (t == 1).sum())"
        ),
        "reference": (
            "import torch\n"
            "# the repository's next line: cls_loss = torch.where(targets != -1, cls_loss, 0)\n"
            "p, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "alpha = torch.where(t == 1, 0.25, 0.75)\n"
            "w = alpha * torch.where(t == 1, 1 - p, p) ** 2\n"
            "bce = -(t * torch.log(p) + (1 - t) * torch.log(1 - p))\n"
            "loss = torch.where(t != -1, w * bce, torch.zeros_like(bce))\n"
            "expected = float(loss.sum() / (t == 1).sum())"
        ),
        "headline": "ignore_index",
        "acceptable": ["soft_labels"],
        "expert_answer": (
            "The original code is correct: -1 marks anchors to ignore, and the loss of those "
            "anchors is zeroed (torch.where(torch.ne(targets, -1.0), cls_loss, 0)) before the "
            "sum, so they never contribute (mjun0812's answer)."
        ),
    },
    # ------------------------------------------------------------------ 16
    {
        "id": "basset-bce-first-epoch-above-ln-3",
        "source": "https://github.com/davek44/Basset/issues/41",
        "title": "First Epoch Loss is Bigger than Expected",
        "question": (
            "With 3 classes and binary cross-entropy the first-epoch loss is about 1.9, above "
            "ln(3) = 1.1, which the user took as the maximum to expect."
        ),
        "y_true": [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        "y_pred": [
            [0.05, 0.9, 0.2],
            [0.85, 0.1, 0.7],
            [0.3, 0.15, 0.9],
            [0.6, 0.8, 0.1],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.binary_cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.BCELoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": "import math\nexpected = math.log(3)",
        "headline": "magnitude",
        "acceptable": ["binary_vs_categorical"],
        "expert_answer": (
            "ln(C) is the loss of a uniform softmax prediction under categorical cross-entropy; "
            "it is not an upper bound, and BCE is a mean of per-output binary losses that grows "
            "without limit for confident wrong outputs. The reporter checked this with random "
            "targets and probabilities and withdrew the assumption."
        ),
    },
    # ------------------------------------------------------------------ 17
    {
        "id": "unet-augmented-mask-in-minus-one-one-negative-bce",
        "source": "https://github.com/bigmb/Unet-Segmentation-Pytorch-Nest-of-Unets/issues/18",
        "title": "Negative number occur in 'Loss' ...",
        "question": (
            "After a few epochs the BCE-with-logits loss becomes negative; the reporter later "
            "found that the mask augmentation rescaled the mask to [-1, 1]."
        ),
        "y_true": [[1.0, -1.0, -1.0, 1.0], [-1.0, -1.0, 1.0, 1.0]],
        "y_pred": [[2.5, -3.0, -2.0, 1.5], [-4.0, -1.0, 3.0, 2.0]],
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
            "t = (torch.from_numpy(y_true) + 1) / 2  # the mask back in {0, 1}\n"
            "expected = float(torch.nn.BCEWithLogitsLoss()(torch.from_numpy(y_pred), t))"
        ),
        "headline": "soft_labels",
        "acceptable": ["label_range"],
        "expert_answer": (
            "BCE targets must lie in [0, 1]; with a target of -1 the term (1 - t) * x becomes "
            "2x and the loss is unbounded below, so it goes negative as the logits grow. Apply "
            "the intensity augmentation to the image only, or map the mask back to {0, 1}."
        ),
    },
    # ------------------------------------------------------------------ 18
    {
        "id": "accelerate-fp16-outputs-loss-outside-autocast",
        "source": "https://github.com/huggingface/accelerate/pull/134",
        "title": "Fix fp16 by converting outputs back to FP32",
        "question": (
            "Under mixed precision the model outputs come back in fp16 and the loss, computed "
            "outside autocast, runs entirely in fp16; training is unstable."
        ),
        "y_true": [3, 0, 2, 1],
        "y_pred": [
            [1.25, -0.5, 0.375, 6.5],
            [7.75, 0.125, -1.0, 0.5],
            [0.25, 1.5, 9.0, -2.0],
            [-0.75, 5.5, 0.625, 1.0],
        ],
        "dtype": "float16",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# the fix: outputs converted to float32 before the loss\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred).float(), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "precision",
        "acceptable": [],
        "expert_answer": (
            "A loss computed in fp16 is rounded to fp16 (about 3 significant digits) and the "
            "softmax runs in half precision, which is unstable. Accelerate now converts the "
            "model outputs to fp32 (and offers accelerator.autocast) so the loss is computed in "
            "full precision."
        ),
    },
    # ------------------------------------------------------------------ 19
    {
        "id": "fairseq-signals-bce-with-logits-for-several-labels",
        "source": "https://github.com/Jwoo5/fairseq-signals/issues/38",
        "title": "Binary Cross Entropy With Logits",
        "question": (
            "binary_cross_entropy_with_logits is used with num_labels of 2 or more; the user "
            "thought it only works for binary classification and expected a cross-entropy over "
            "the classes."
        ),
        "y_true": [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]],
        "y_pred": [[1.3, -0.7, 0.4], [-1.1, -0.2, 2.0], [0.1, 0.9, -0.5]],
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
            "# what the user had in mind: softmax cross-entropy over the labels\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "multi_label",
        "acceptable": ["binary_vs_categorical"],
        "expert_answer": (
            "BCE with logits handles binary and multi-label classification: each label is an "
            "independent binary problem with its own sigmoid, which is right for ECG labels that "
            "co-occur. Softmax cross-entropy is for mutually exclusive classes (the maintainer's "
            "answer)."
        ),
    },
    # ------------------------------------------------------------------ 20
    {
        "id": "lstm-tsc-initial-moving-average-is-log-num-classes",
        "source": "https://github.com/RobRomijnders/LSTM_tsc/issues/8",
        "title": "cost_train_ma value",
        "question": (
            "Why is the moving average of the training cost initialised to "
            "-np.log(1 / float(num_classes) + 1e-9)?"
        ),
        "y_true": [0, 3, 1, 2, 2],
        "y_pred": [[0.0, 0.0, 0.0, 0.0]] * 5,
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf.nn.sparse_softmax_cross_entropy_with_logits",
        "options": {},
        "reproduce": (
            "import tensorflow as tf\n"
            "observed = float(tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits("
            "labels=y_true, logits=y_pred)))"
        ),
        "reference": "import math\nexpected = -math.log(1 / 4.0 + 1e-9)",
        "headline": "magnitude",
        "acceptable": [],
        "expert_answer": (
            "For a classifier trained with cross-entropy, a random (uniform) output costs "
            "-log(1/C) per sample, the loss expected at the start of training; the 1e-9 only "
            "guards the log (the author's answer)."
        ),
    },
]
