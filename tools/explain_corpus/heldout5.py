"""Fifth held-out real-question corpus: cases the ``explain`` developers have not seen.

Built blind, like ``heldout.py`` … ``heldout4.py`` (nothing under
``src/crossent/explain`` was read except the code list in ``_cause.py``, and
``explain`` was not run on these inputs), from threads that none of the earlier
corpus files, ``docs/``, ``src/``, ``tests/`` or the goldens cite.  Same schema
and harness: ``reproduce`` / ``reference`` run with ``y_true`` and ``y_pred``
bound to NumPy arrays (``y_pred`` in ``dtype``; integer class ids as int64,
anything else in ``dtype``) and assign ``observed`` / ``expected``.  See
NOTES_heldout5.md for how each thread was found and rebuilt, and which inputs
were invented because the thread gives none.
"""

from __future__ import annotations

from typing import Any

CASES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ 1
    {
        "id": "jax-mnist-example-mean-over-classes-scales-loss-by-one-over-c",
        "source": "https://github.com/jax-ml/jax/issues/1023",
        "title": "Example cross entropy loss, wrong scaling",
        "question": (
            "The JAX MNIST example computes its cross-entropy as -np.mean(preds * targets) on "
            "log-softmax outputs and one-hot targets; the mean runs over the classes as well as "
            "the batch, so the loss is scaled by 1/num_classes compared with the usual "
            "-mean(sum(preds * targets, axis=1))."
        ),
        "y_true": [
            [1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0],
            [0.0, 1.0, 0.0],
            [1.0, 0.0, 0.0],
        ],
        "y_pred": [
            [1.6, -0.2, 0.4],
            [0.3, 0.1, 1.2],
            [-0.5, 0.9, 0.2],
            [0.7, 0.8, -1.1],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.softmax_cross_entropy",
        "options": {},
        "reproduce": (
            "import jax, jax.numpy as jnp\n"
            "# the example: predict() ends in log_softmax, the loss is a plain mean\n"
            "preds = jax.nn.log_softmax(jnp.asarray(y_pred))\n"
            "observed = float(-jnp.mean(preds * jnp.asarray(y_true)))"
        ),
        "reference": (
            "import jax.numpy as jnp, optax\n"
            "# the sum over classes, then the mean over the batch\n"
            "expected = float(jnp.mean(optax.softmax_cross_entropy(jnp.asarray(y_pred), "
            "jnp.asarray(y_true))))"
        ),
        "headline": "reduction",
        "acceptable": ["batch_mean"],
        "expert_answer": (
            "np.mean over the (batch, classes) product averages over the classes too: only one "
            "entry per row is non-zero, so the loss is the per-sample cross-entropy divided by "
            "the number of classes (here 3). Sum over the class axis first and then average "
            "over the batch, -np.mean(np.sum(preds * targets, axis=1)), or pick the target's "
            "log-probability with take_along_axis (the fix the maintainers asked for)."
        ),
    },
    # ------------------------------------------------------------------ 2
    {
        "id": "torch-distillation-soft-target-mean-over-classes",
        "source": "https://github.com/GMvandeVen/continual-learning/issues/5",
        "title": "Knowledge Distillation Loss",
        "question": (
            "The distillation loss is written KD_loss = (-targets_norm * log_scores_norm).mean() "
            "with targets_norm the teacher's softmax and log_scores_norm the student's "
            "log-softmax; the reporter says the cross-entropy averaged over the batch needs "
            ".sum(dim=1).mean(), which gives a value num_classes times larger."
        ),
        "y_true": [
            [0.70, 0.20, 0.05, 0.05],
            [0.10, 0.60, 0.20, 0.10],
            [0.25, 0.25, 0.25, 0.25],
        ],
        "y_pred": [
            [2.0, 0.5, -1.0, -0.3],
            [-0.4, 1.5, 0.6, 0.0],
            [0.3, -0.2, 0.8, 0.1],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "log_scores = torch.log_softmax(torch.from_numpy(y_pred), dim=1)\n"
            "# the repository's line: a mean over every (sample, class) entry\n"
            "observed = float((-torch.from_numpy(y_true) * log_scores).mean())"
        ),
        "reference": (
            "import torch\n"
            "# cross-entropy with probability targets: sum over classes, mean over the batch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "reduction",
        "acceptable": ["batch_mean", "soft_labels"],
        "expert_answer": (
            "The maintainer agrees: there must be a sum over the classes before the mean over "
            "the batch. .mean() over the whole (N, C) tensor divides the cross-entropy by the "
            "number of classes as well; the code was changed to "
            "(-targets_norm * log_scores_norm).sum(dim=1).mean() (the same fix was needed for "
            "the binary loss)."
        ),
    },
    # ------------------------------------------------------------------ 3
    {
        "id": "pesto-shift-cross-entropy-passes-probabilities-to-crossentropyloss",
        "source": "https://github.com/SonyCSLParis/pesto-full/issues/4",
        "title": "`ShiftCrossEntropy` passing probabilities to `nn.CrossEntropyLoss` instead of logits",
        "question": (
            "PESTO's ShiftCrossEntropy gives nn.CrossEntropyLoss the model's output "
            "probabilities as input and another probability distribution as target; "
            "CrossEntropyLoss expects unnormalised logits, so the value is not the "
            "cross-entropy of equation (7) of the paper."
        ),
        "y_true": [
            [0.05, 0.80, 0.10, 0.05],
            [0.10, 0.10, 0.70, 0.10],
            [0.60, 0.20, 0.10, 0.10],
        ],
        "y_pred": [
            [0.10, 0.70, 0.15, 0.05],
            [0.05, 0.15, 0.75, 0.05],
            [0.50, 0.30, 0.10, 0.10],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "# what the loss does: the probabilities go through a second log_softmax\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# equation (7): -sum(target * log(prediction)), averaged over the batch\n"
            "p, q = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "expected = float((-(q * torch.log(p)).sum(dim=1)).mean())"
        ),
        "headline": "probs_as_logits",
        "acceptable": ["soft_labels"],
        "expert_answer": (
            "nn.CrossEntropyLoss applies log_softmax to its input, so feeding it probabilities "
            "computes the cross-entropy against softmax(p), a distribution squeezed towards "
            "uniform, instead of against p. Pass the logits (the activations before the "
            "softmax) to CrossEntropyLoss, or compute -(target * log(p)).sum(-1).mean() on the "
            "probabilities."
        ),
    },
    # ------------------------------------------------------------------ 4
    {
        "id": "d2l-tf2-rnn-sparse-cce-on-dense-outputs-without-from-logits",
        "source": "https://github.com/TrickyGo/Dive-into-DL-TensorFlow2.0/issues/64",
        "title": "6.4 和 6.5 小结中，损失函数缺少一个参数，导致训练结果不正确",
        "question": (
            "The RNN language model of the TensorFlow 2 port of Dive into Deep Learning computes "
            "tf.reduce_mean(tf.losses.sparse_categorical_crossentropy(y, outputs)) on the "
            "outputs of a Dense layer without softmax; the loss is wrong and the perplexity "
            "climbs to about the vocabulary size. The reporter says from_logits=True is missing."
        ),
        "y_true": [2, 0, 4, 1, 3, 2],
        "y_pred": [
            [-0.8, 0.4, 1.9, -1.2, 0.3],
            [1.1, -0.6, 0.2, 0.5, -2.0],
            [0.2, -1.4, -0.3, 0.6, 2.2],
            [-0.5, 0.9, -0.1, -0.7, 0.4],
            [0.0, -0.9, -1.6, 1.3, 0.8],
            [-1.3, -0.2, 0.7, 0.1, -0.4],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "tf_keras.losses.sparse_categorical_crossentropy",
        "options": {},
        "reproduce": (
            "import tensorflow as tf, tf_keras\n"
            "# the book's line: the Dense outputs are read as probabilities\n"
            "observed = float(tf.reduce_mean(tf_keras.losses.sparse_categorical_crossentropy("
            "y_true, y_pred)))"
        ),
        "reference": (
            "import tensorflow as tf, tf_keras\n"
            "expected = float(tf.reduce_mean(tf_keras.losses.sparse_categorical_crossentropy("
            "y_true, y_pred, from_logits=True)))"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["clipped"],
        "expert_answer": (
            "The output layer has no softmax, so its outputs are logits, but "
            "sparse_categorical_crossentropy assumes probabilities unless from_logits=True: it "
            "clips them to [1e-7, 1 - 1e-7] and takes their log, so negative and large logits "
            "all collapse to the clip bounds and the loss no longer trains the model. Pass "
            "from_logits=True (the maintainers fixed the book this way)."
        ),
    },
    # ------------------------------------------------------------------ 5
    {
        "id": "dls-compute-total-cost-categorical-crossentropy-on-logits",
        "source": (
            "https://community.deeplearning.ai/t/"
            "math-behind-tf-keras-metrics-categorical-crossentropy/209213"
        ),
        "title": 'Math behind "tf.keras.metrics.categorical_crossentropy"',
        "question": (
            "For a (2 samples, 6 classes) output of the last linear layer (no activation), the "
            "learner computes the cost by hand as 1/2(-log 6.148 - log 5.033) and it does not "
            "match the expected cost 0.810287 of tf.keras.metrics.categorical_crossentropy; "
            "they ask what from_logits and 'encodes a probability distribution' mean."
        ),
        "y_true": [
            [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        ],
        "y_pred": [
            [0.5, 6.148, -1.2, 0.3, 2.0, -0.7],
            [1.1, -0.4, 0.2, 5.033, -2.3, 0.9],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.categorical_crossentropy",
        "options": {},
        "reproduce": (
            "import tensorflow as tf, tf_keras\n"
            "# the call without from_logits: the logits are taken for a distribution\n"
            "observed = float(tf.reduce_mean(tf_keras.metrics.categorical_crossentropy("
            "y_true, y_pred)))"
        ),
        "reference": (
            "import tensorflow as tf, tf_keras\n"
            "# the course's solution: the outputs are logits\n"
            "expected = float(tf.reduce_mean(tf_keras.metrics.categorical_crossentropy("
            "y_true, y_pred, from_logits=True)))"
        ),
        "headline": "logits_as_probs",
        "acceptable": ["renormalized", "clipped"],
        "expert_answer": (
            "The output layer has no activation, so its values (6.148, 5.033, ...) are logits, "
            "not a probability distribution (the output of a softmax); taking their log as if "
            "they were probabilities gives nonsense. Tell the loss the inputs are logits with "
            "from_logits=True so that it applies the softmax itself, which is also more "
            "efficient and numerically stable than a softmax layer followed by the log."
        ),
    },
    # ------------------------------------------------------------------ 6
    {
        "id": "torch-label-smoothing-loss-minimum-is-not-zero",
        "source": "https://github.com/pytorch/pytorch/issues/130342",
        "title": "Rescale to zero torch.nn.CrossEntropyLoss with label_smoothing > 0",
        "question": (
            "With label_smoothing > 0, nn.CrossEntropyLoss does not reach 0 even when the "
            "predicted distribution equals the smoothed target, which makes losses with "
            "different label_smoothing hard to compare and the log of the loss useless for "
            "judging convergence; the user asks for a loss rescaled so that its minimum is 0."
        ),
        "y_true": [3, 0, 7],
        "y_pred": [
            [
                -4.6052,
                -4.6052,
                -4.6052,
                -0.0943,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
            ],
            [
                -0.0943,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
            ],
            [
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -4.6052,
                -0.0943,
                -4.6052,
                -4.6052,
            ],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy(label_smoothing=0.1)",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "# the logits are log q' with q' = 0.9 * one_hot + 0.1 / 10: the loss's minimiser\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), label_smoothing=0.1))"
        ),
        "reference": (
            "import torch\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "q = 0.9 * torch.nn.functional.one_hot(t, z.shape[1]).float() + 0.1 / z.shape[1]\n"
            "# the rescaled loss asked for: the loss minus the entropy of the smoothed target\n"
            "expected = float(torch.nn.functional.kl_div(torch.log_softmax(z, dim=1), q, "
            "reduction='batchmean'))"
        ),
        "headline": "label_smoothing",
        "acceptable": ["magnitude"],
        "expert_answer": (
            "This is expected: label smoothing mixes a uniform distribution into the target, "
            "so the smallest possible loss is the entropy of the smoothed target, reached when "
            "the prediction equals it, not 0. Subtracting that entropy (i.e. using the KL "
            "divergence to the smoothed target) gives a loss whose minimum is 0; the maintainer "
            "points out that the non-zero minimum follows from the definition."
        ),
    },
    # ------------------------------------------------------------------ 7
    {
        "id": "yi-sft-pad-tokens-not-masked-in-causal-lm-loss",
        "source": "https://github.com/01-ai/Yi/issues/110",
        "title": "No ignore index for pad tokens",
        "question": (
            "In Yi's SFT code the labels of the pad tokens are not set to the ignore index, so "
            "YiForCausalLM's loss also scores the padding; the reporter asks how the pad "
            "tokens are kept out of the loss."
        ),
        "y_true": [[4, 2, 3, 1, 0, 0, 0]],
        "y_pred": [
            [
                [0.1, 0.2, 0.3, 0.4, 0.5],
                [-0.3, 0.2, 1.4, 0.1, -0.5],
                [0.0, -0.2, 0.3, 1.1, 0.4],
                [0.2, 1.3, -0.4, 0.5, 0.0],
                [2.5, -0.6, -0.3, -0.8, -0.2],
                [3.0, -0.9, -0.5, -0.7, -1.0],
                [3.1, -0.8, -0.6, -0.9, -1.1],
            ]
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "transformers.loss.loss_utils.ForCausalLMLoss",
        "options": {},
        "reproduce": (
            "import torch\n"
            "from transformers.loss.loss_utils import ForCausalLMLoss\n"
            "# labels = input_ids, padded with pad_token_id 0 and not masked\n"
            "observed = float(ForCausalLMLoss(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), vocab_size=y_pred.shape[-1]))"
        ),
        "reference": (
            "import torch\n"
            "from transformers.loss.loss_utils import ForCausalLMLoss\n"
            "labels = torch.from_numpy(y_true).clone()\n"
            "labels[labels == 0] = -100  # the pad positions set to the ignore index\n"
            "expected = float(ForCausalLMLoss(torch.from_numpy(y_pred), labels, "
            "vocab_size=y_pred.shape[-1]))"
        ),
        "headline": "ignore_index",
        "acceptable": [],
        "expert_answer": (
            "The reporter is right (a reply confirms that YiForCausalLM does not drop the "
            "padding): the causal-LM loss only skips labels equal to -100, not the pad token "
            "id, so padded positions count as targets, and since predicting more padding is "
            "easy they pull the mean loss down. Set the labels of pad positions (attention "
            "mask 0) to -100 before calling the model."
        ),
    },
    # ------------------------------------------------------------------ 8
    {
        "id": "keras-last-epoch-train-loss-vs-sklearn-log-loss-after-fit",
        "source": "https://github.com/keras-team/keras/issues/12274",
        "title": (
            "Loss on last training step and sklearn calculated log_loss differ, "
            "but validation_loss doesn't"
        ),
        "question": (
            "On an iris network (softmax output, categorical_crossentropy), the loss that "
            "model.fit prints for the training data in its last step differs from "
            "sklearn.metrics.log_loss on model.predict of the same training data, while "
            "val_loss and log_loss on the validation data agree."
        ),
        "y_true": [
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
        ],
        "y_pred": [
            [0.630765, 0.258324, 0.110912],
            [0.153994, 0.426028, 0.419978],
            [0.044828, 0.381856, 0.573316],
            [0.585999, 0.27534, 0.138662],
            [0.160297, 0.419974, 0.419729],
            [0.076843, 0.410009, 0.513148],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "tf_keras.losses.CategoricalCrossentropy",
        "options": {},
        "reproduce": (
            "import numpy as np, tf_keras\n"
            "# six iris rows, a softmax layer with fixed initial weights, one epoch of SGD in\n"
            "# batches of 2; y_pred above is model.predict(x) after this fit\n"
            "x = np.array([[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5], "
            "[4.9, 3.0, 1.4, 0.2], [5.7, 2.8, 4.1, 1.3], [7.2, 3.0, 5.8, 1.6]], 'float32')\n"
            "m = tf_keras.Sequential([tf_keras.Input(shape=(4,)), "
            "tf_keras.layers.Dense(3, activation='softmax')])\n"
            "m.set_weights([np.array([[0.2, -0.1, 0.0], [0.3, 0.1, -0.2], [-0.4, 0.1, 0.2], "
            "[-0.2, 0.0, 0.3]], 'float32'), np.zeros(3, 'float32')])\n"
            "m.compile(loss='categorical_crossentropy', optimizer=tf_keras.optimizers.SGD(0.05))\n"
            "h = m.fit(x, y_true, epochs=1, batch_size=2, shuffle=False, verbose=0)\n"
            "# the training loss fit reports for the epoch\n"
            "observed = float(h.history['loss'][-1])"
        ),
        "reference": (
            "from sklearn.metrics import log_loss\n"
            "# log_loss on the predictions of the trained model\n"
            "expected = float(log_loss(y_true, y_pred))"
        ),
        "headline": "fit_vs_call",
        "acceptable": [],
        "expert_answer": (
            "The training loss shown by fit is a running average over the batches of the "
            "epoch, each computed with the weights as they were before that batch's update "
            "(and, with dropout or other training-only layers, in training mode); "
            "log_loss on predict() uses the final weights on all samples at once. The "
            "validation loss is computed after the epoch with the final weights, which is "
            "why it matches. To compare, call model.evaluate on the training data."
        ),
    },
    # ------------------------------------------------------------------ 9
    {
        "id": "fairseq-logged-loss-divided-by-log-2-is-in-bits",
        "source": "https://github.com/facebookresearch/fairseq/issues/1566",
        "title": "Logging the training loss in sentence_prediction.py",
        "question": (
            "fairseq's sentence_prediction criterion logs loss_sum / sample_size / math.log(2); "
            "the user asks why the logged training loss is divided by log(2), since it is "
            "larger than the cross-entropy the model computes."
        ),
        "y_true": [1, 0, 2, 2, 1],
        "y_pred": [
            [0.2, 1.5, -0.3],
            [1.1, 0.4, -0.8],
            [-0.6, 0.3, 0.9],
            [0.5, 0.2, 0.1],
            [-0.2, 0.7, 0.6],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import math, torch\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "# the criterion sums the NLL, the logger divides by sample_size and by ln 2\n"
            "loss_sum = float(torch.nn.functional.cross_entropy(z, t, reduction='sum'))\n"
            "observed = loss_sum / len(y_true) / math.log(2)"
        ),
        "reference": (
            "import torch\n"
            "# the mean cross-entropy in nats, as the loss function returns it\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "log_base",
        "acceptable": [],
        "expert_answer": (
            "The division by math.log(2) converts the loss from base e (nats, what the "
            "natural-log cross-entropy computes) to base 2 (bits), the unit perplexity is "
            "usually reported in; the optimised loss itself is unchanged. Multiply the logged "
            "value by ln 2 to compare it with the cross-entropy in nats."
        ),
    },
    # ------------------------------------------------------------------ 10
    {
        "id": "penguins-exercise-softmax-then-bce-on-one-hot-targets",
        "source": "https://github.com/Cambridge-ICCS/practical-ml-with-pytorch/pull/84",
        "title": "Move to simpler CrossEntropyLoss",
        "question": (
            "The penguin-classification exercise (3 species, exactly one per sample) ends the "
            "model in a softmax and trains it with nn.BCELoss on one-hot targets; issue #83 and "
            "this PR replace it with nn.CrossEntropyLoss on class indices, explaining that "
            "softmax followed by BCELoss is a mismatch and gives a different loss."
        ),
        "y_true": [
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [0.0, 1.0, 0.0],
        ],
        "y_pred": [
            [0.70, 0.20, 0.10],
            [0.25, 0.45, 0.30],
            [0.15, 0.25, 0.60],
            [0.50, 0.35, 0.15],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.binary_cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "# the exercise: softmax outputs, BCELoss against the one-hot targets\n"
            "observed = float(torch.nn.functional.binary_cross_entropy("
            "torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# the multi-class cross-entropy of the same probabilities: -mean(log p[target])\n"
            "t = torch.from_numpy(y_true).argmax(dim=1)\n"
            "expected = float(torch.nn.functional.nll_loss(torch.log(torch.from_numpy(y_pred)), t))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["multi_label"],
        "expert_answer": (
            "BCELoss treats every class as an independent yes/no problem and averages over "
            "all N x C entries, which suits multi-label problems; with a softmax (a coupled "
            "distribution) and one single correct class it is a mismatch, and its value is "
            "not the multi-class cross-entropy. For exactly one class per sample use "
            "CrossEntropyLoss on the logits with class indices (no softmax layer, no one-hot "
            "targets): it computes -log softmax(z)[target]."
        ),
    },
    # ------------------------------------------------------------------ 11
    {
        "id": "captum-titanic-tutorial-softmax-before-crossentropyloss",
        "source": "https://github.com/meta-pytorch/captum/issues/1010",
        "title": "Potential Issue of CrossEntropyLoss in Tutorial Titanic Data Analysis",
        "question": (
            "Captum's Titanic tutorial model ends in nn.Softmax and is trained with "
            "nn.CrossEntropyLoss on the survived / not-survived labels; the reporter points out "
            "that CrossEntropyLoss already is LogSoftmax + NLLLoss, so the last softmax is "
            "redundant and the loss is computed on a second softmax."
        ),
        "y_true": [1, 0, 0, 1, 0],
        "y_pred": [
            [0.20, 0.80],
            [0.90, 0.10],
            [0.65, 0.35],
            [0.45, 0.55],
            [0.97, 0.03],
        ],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "# the tutorial: softmax outputs fed to nn.CrossEntropyLoss\n"
            "observed = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "# the cross-entropy of these probabilities (what CrossEntropyLoss gives on the\n"
            "# logits before the softmax): -mean(log p[label])\n"
            "expected = float(torch.nn.functional.nll_loss(torch.log(torch.from_numpy(y_pred)), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "CrossEntropyLoss expects unnormalised logits and applies log_softmax itself, so a "
            "softmax layer in front of it makes the loss the cross-entropy of softmax(p): with "
            "two classes the probabilities in [0, 1] are squeezed to between 0.27 and 0.73, the "
            "loss cannot go to 0 and the gradients shrink. A maintainer agrees the softmax can "
            "be dropped; a later PR (#1839) removes it and feeds the logits to the loss."
        ),
    },
]
