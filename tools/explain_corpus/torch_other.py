"""Real-question corpus: PyTorch, scikit-learn, optax and Hugging Face cross-entropy confusion.

Each case rebuilds, with small arrays, the situation of one public thread, and carries
the snippet that reproduces (with the real framework) the number the user saw.
``reproduce`` / ``reference`` run with ``y_true`` and ``y_pred`` bound to NumPy arrays
(``y_pred`` in ``dtype``; integer class ids as int64) and assign ``observed`` /
``expected``.  See NOTES_torch_other.md for how the threads were found and what
crossent answered when the corpus was written.
"""

CASES = [
    # ------------------------------------------------------------------ 1
    {
        "id": "torch-probabilities-into-f-cross-entropy",
        "source": "https://kezhi.tech/en/e295e676.html",
        "title": "The CrossEntropyLoss in PyTorch is Inconsistent With The Calculation of Cross-Entropy.",
        "question": (
            "For a policy-gradient loss the author fed action probabilities [[0.4, 0.6], [0.7, 0.3]] "
            "to F.cross_entropy(reduction='none') and compared with -log(p[y]) by hand; the two "
            "per-sample losses disagreed."
        ),
        "y_true": [0, 1],
        "y_pred": [[0.4, 0.6], [0.7, 0.3]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "exact.categorical",
        "options": {"reduction": "none"},
        "reproduce": (
            "import torch\n"
            "observed = torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), reduction='none').tolist()"
        ),
        "reference": (
            "import torch\n"
            "p = torch.from_numpy(y_pred)\n"
            "expected = (-torch.log(p.gather(1, torch.from_numpy(y_true).view(-1, 1)))).squeeze(1).tolist()"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "F.cross_entropy applies log_softmax to its input itself, so probabilities are treated "
            "as logits and softmaxed a second time; pass log-probabilities to nll_loss (or the raw "
            "logits to cross_entropy) to get -log p."
        ),
    },
    # ------------------------------------------------------------------ 2
    {
        "id": "torch-sigmoid-before-bcewithlogitsloss",
        "source": "https://github.com/Turoad/lanedet/issues/32",
        "title": "it seems that the sigmoid function used twice",
        "question": (
            "The lane-existence head ends with a sigmoid, and its output is then given to "
            "BCEWithLogitsLoss; the reporter asks whether the sigmoid is applied twice."
        ),
        "y_true": [[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 1.0]],
        "y_pred": [[0.95, 0.8, 0.1, 0.05], [0.9, 0.2, 0.15, 0.85]],
        "dtype": "float32",
        "user_believes_logits": None,
        "against": "torch.nn.functional.binary_cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.BCEWithLogitsLoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.BCELoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "probs_as_logits",
        "acceptable": [],
        "expert_answer": (
            "Yes: BCEWithLogitsLoss applies the sigmoid itself, so the sigmoid output is squashed "
            "again into [0.5, 0.73]; the maintainer points to the fix of feeding raw scores (or using "
            "BCELoss on the probabilities)."
        ),
    },
    # ------------------------------------------------------------------ 3
    {
        "id": "torch-nllloss-on-softmax-probabilities",
        "source": "https://github.com/jamesli1618/Obj-GAN/issues/30",
        "title": "Question about NLLLoss",
        "question": (
            "The box-generation model computes its label loss with NLLLoss on softmax outputs "
            "(no log), and the label loss is always a negative number; the user asks why."
        ),
        "y_true": [0, 2, 1],
        "y_pred": [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]],
        "dtype": "float32",
        "user_believes_logits": False,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.NLLLoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.NLLLoss()(torch.log(torch.from_numpy(y_pred)), torch.from_numpy(y_true)))"
        ),
        "headline": "logits_as_log_probs",
        "acceptable": ["magnitude"],
        "expert_answer": (
            "NLLLoss only picks -input[y]; it expects log-probabilities, so on softmax output it "
            "returns -p and the loss is negative. The label loss must be -log P (log_softmax before "
            "NLLLoss), which is what fixed the reproduction."
        ),
    },
    # ------------------------------------------------------------------ 4
    {
        "id": "torch-nll-loss-on-raw-logits",
        "source": "https://github.com/yanx27/Pointnet_Pointnet2_pytorch/issues/30",
        "title": "wrong label loss in PointNetLoss",
        "question": (
            "PointNetLoss calls F.nll_loss on the classifier output, which is not a log_softmax, and "
            "the label loss comes out negative."
        ),
        "y_true": [1, 0, 2, 2],
        "y_pred": [
            [0.3, 2.1, -0.5],
            [1.7, 0.2, -1.1],
            [-0.4, 0.9, 2.6],
            [0.8, 0.1, 1.2],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.nll_loss(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "logits_as_log_probs",
        "acceptable": ["magnitude"],
        "expert_answer": (
            "nll_loss does not normalise: it returns the mean of -logit[y], which is negative for "
            "positive logits. Apply log_softmax before nll_loss, or use cross_entropy on the logits."
        ),
    },
    # ------------------------------------------------------------------ 5
    {
        "id": "torch-class-weight-mean-divides-by-sum-of-weights",
        "source": "https://discuss.pytorch.org/t/weight-in-cross-entropy-loss/78256",
        "title": "Weight in cross entropy loss",
        "question": (
            "With CrossEntropyLoss(weight=[0.4, 0.36]) on logits [[3, 4], [6, 9]] and targets [1, 0] "
            "PyTorch prints 1.7529, but weighting -log p by hand and dividing by the batch size 2 "
            "gives 0.6662."
        ),
        "y_true": [1, 0],
        "y_pred": [[3.0, 4.0], [6.0, 9.0]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": None,
        "options": {"weight": [0.4, 0.36]},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss(weight=torch.tensor([0.4, 0.36]))"
            "(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "w = torch.tensor([0.4, 0.36])\n"
            "t = torch.from_numpy(y_true)\n"
            "l = torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), t, reduction='none')\n"
            "expected = float((w[t] * l).sum() / len(t))"
        ),
        "headline": "weighting",
        "acceptable": ["reduction"],
        "expert_answer": (
            "With class weights the default 'mean' is a weighted average: the weighted losses are "
            "divided by the sum of the weights of the targets (0.36 + 0.4 = 0.76), not by the number "
            "of samples; 1.7529 × 0.76 / 2 = 0.6662."
        ),
    },
    # ------------------------------------------------------------------ 6
    {
        "id": "torch-one-hot-target-with-class-weights",
        "source": "https://github.com/pytorch/pytorch/issues/107680",
        "title": "torch.nn.functional.cross_entropy different loss when providing one_hot_target and class weights",
        "question": (
            "The same logits and class weights [25, 25, 100] give 0.8705 with class-index targets "
            "[1, 2] but 54.4052 with the equivalent one-hot float targets; 'sum' and 'none' agree."
        ),
        "y_true": [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        "y_pred": [[2.3, 2.1, 4.5], [4.2, 3.2, 5.1]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"weight": [25.0, 25.0, 100.0]},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), weight=torch.tensor([25., 25., 100.])))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true).argmax(1), weight=torch.tensor([25., 25., 100.])))"
        ),
        "headline": "weighting",
        "acceptable": ["soft_labels", "reduction"],
        "expert_answer": (
            "With class-index targets the weighted 'mean' divides by the sum of the targets' weights "
            "(25 + 100); with probability (one-hot) targets it divides by the batch size N, so the two "
            "forms differ by Σw/N whenever weights are given."
        ),
    },
    # ------------------------------------------------------------------ 7
    {
        "id": "torch-bcewithlogits-on-two-class-logits-vs-crossentropy",
        "source": "https://discuss.pytorch.org/t/why-is-beclosswithlogits-compute-different-value-from-crossentropyloss/40818",
        "title": "Why is BECLossWithLogits compute different value from CrossEntropyLoss",
        "question": (
            "The user one-hot encodes binary labels over a 2-channel logit map and expects "
            "BCEWithLogitsLoss(logits, one_hot) to equal CrossEntropyLoss(logits, labels) since both "
            "are 'binary' losses, but gets 0.77 vs 2.01."
        ),
        "y_true": [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]],
        "y_pred": [[0.5, -1.2], [-0.3, 0.8], [1.4, 0.2], [-0.7, 0.9], [0.1, 2.0]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.BCEWithLogitsLoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true).argmax(1)))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["multi_label"],
        "expert_answer": (
            "BCEWithLogitsLoss treats each of the two channels as an independent yes/no logit and "
            "averages over all elements; CrossEntropyLoss softmaxes the two channels together. To "
            "recover the CrossEntropyLoss value give BCEWithLogitsLoss one logit per sample, the "
            "difference z1 − z0."
        ),
    },
    # ------------------------------------------------------------------ 8
    {
        "id": "sklearn-log-loss-vs-handwritten-log2-cross-entropy",
        "source": "https://example-a.com/answer/66203211",
        "title": "Not the same result for log loss and cross entropy loss",
        "question": (
            "log_loss([0, 0, 0, 0], [0.5]*4, labels=[0, 1]) gives 0.6931, but the user's own "
            "cross_entropy -sum(p*log2(q)) on the same arrays gives -0.0."
        ),
        "y_true": [0, 0, 0, 0],
        "y_pred": [0.5, 0.5, 0.5, 0.5],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": "sklearn.metrics.log_loss",
        "options": {"labels": [0, 1]},
        "reproduce": (
            "import numpy as np\nobserved = float(-np.sum(y_true * np.log2(y_pred)))"
        ),
        "reference": (
            "from sklearn.metrics import log_loss\n"
            "expected = float(log_loss(y_true, y_pred, labels=[0, 1]))"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["log_base", "reduction"],
        "expert_answer": (
            "For binary labels the log loss has two terms, -(y log p + (1-y) log(1-p)); the "
            "one-term formula multiplies every log by y = 0 and gives 0. log_loss also uses the "
            "natural log and averages over the samples."
        ),
    },
    # ------------------------------------------------------------------ 9
    {
        "id": "torch-ignore-index-none-then-mean",
        "source": "https://github.com/open-mmlab/mmsegmentation/issues/886",
        "title": "Error in Cross entropy",
        "question": (
            "With ignore_index=255 the user gets one value from F.cross_entropy(reduction='mean') and "
            "a smaller one from F.cross_entropy(reduction='none').mean(), which is what MMSeg's loss "
            "does."
        ),
        "y_true": [0, 255, 2, 1, 255, 2],
        "y_pred": [
            [1.2, 0.3, -0.5],
            [0.2, 0.4, 0.1],
            [-0.3, 0.1, 1.9],
            [0.4, 0.6, 0.3],
            [2.0, -1.0, 0.0],
            [0.1, 0.2, 0.3],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"ignore_index": 255},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), ignore_index=255, reduction='none').mean())"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true), ignore_index=255, reduction='mean'))"
        ),
        "headline": "ignore_index",
        "acceptable": ["reduction"],
        "expert_answer": (
            "reduction='none' returns 0 for ignored pixels, so .mean() divides by all pixels; "
            "PyTorch's 'mean' divides only by the non-ignored ones. MMSeg fixed its avg_factor to "
            "count only valid pixels."
        ),
    },
    # ------------------------------------------------------------------ 10
    {
        "id": "hf-labels-minus-100-vs-pad-token",
        "source": "https://github.com/huggingface/community-events/issues/182",
        "title": "Padding conflict in loss computation",
        "question": (
            "In the Whisper fine-tuning notebook label padding is replaced by -100; the user finds "
            "that a prediction that correctly emits the pad token gets a higher loss with -100 "
            "padding than with the pad token id as label."
        ),
        "y_true": [1, 3, 2, -100, -100],
        "y_pred": [
            [0.2, 1.5, 0.1, 0.3, -0.4],
            [0.0, 0.4, 0.2, 1.1, 0.3],
            [0.3, 0.2, 0.9, 0.1, 0.0],
            [-1.0, -0.5, -0.8, -0.2, 4.0],
            [-1.2, -0.9, -0.6, -0.4, 4.5],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": None,
        "options": {"ignore_index": -100},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "t = torch.from_numpy(y_true).clone()\n"
            "t[t == -100] = 4  # pad token id\n"
            "expected = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), t))"
        ),
        "headline": "ignore_index",
        "acceptable": ["reduction"],
        "expert_answer": (
            "-100 is the default ignore_index of PyTorch's cross-entropy: those positions are "
            "dropped from the loss and from the mean's denominator, so the easy pad positions no "
            "longer pull the average down (the user's own conclusion after the maintainers pinged)."
        ),
    },
    # ------------------------------------------------------------------ 11
    {
        "id": "torch-label-smoothing-minimum-is-half",
        "source": "https://github.com/pytorch/pytorch/issues/148884",
        "title": "CrossEntropy with label smoothing does not apply the correct label smoothing",
        "question": (
            "Training a free 2-class logit with CrossEntropyLoss(label_smoothing=0.1) converges to "
            "softmax [0.95, 0.05] and the loss minus the user's theoretical minimum (target "
            "[0.9, 0.1]) is not zero; the user concludes PyTorch applies half the smoothing."
        ),
        "y_true": [0],
        "y_pred": [[2.9444389791664403, 0.0]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": None,
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss(label_smoothing=0.1)"
            "(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import math\n"
            "ls, K = 0.1, 2\n"
            "expected = -(1 - ls) * math.log(1 - ls) - ls * (math.log(ls) - math.log(K - 1))"
        ),
        "headline": "label_smoothing",
        "acceptable": [],
        "expert_answer": (
            "PyTorch follows the paper's q' = (1 − ε)δ + ε/K: with K = 2 the smoothed target is "
            "[0.95, 0.05], not [0.9, 0.1] (that is the ε/(K−1) convention), so the converged loss is "
            "the entropy of [0.95, 0.05]."
        ),
    },
    # ------------------------------------------------------------------ 12
    {
        "id": "hf-evaluate-perplexity-base-2",
        "source": "https://github.com/huggingface/evaluate/pull/242",
        "title": "Change perplexity to be calculated with base e",
        "question": (
            "The evaluate perplexity metric reported 19.12 for a sentence where the transformers "
            "recipe gives 70.61: it exponentiated the natural-log (nats) cross-entropy with exp2. "
            "Here observed is the cross-entropy the reported perplexity implies, ln(2**CE)."
        ),
        "y_true": [3, 0, 4, 1],
        "y_pred": [
            [0.1, 0.3, -0.2, 0.4, 0.0],
            [-0.5, 0.2, 0.6, 0.1, 0.9],
            [0.3, 0.8, -0.1, 0.2, 0.0],
            [0.7, -0.3, 0.5, 0.1, 0.4],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import math, torch\n"
            "nll = torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true))\n"
            "observed = math.log(float(torch.exp2(nll)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "log_base",
        "acceptable": [],
        "expert_answer": (
            "The loss from CrossEntropyLoss is in nats, so perplexity must be exp(loss), not "
            "2**loss; the metric was changed to base e (19.12 → 70.61 on the example sentence)."
        ),
    },
    # ------------------------------------------------------------------ 13
    {
        "id": "hf-evaluate-mean-of-per-sequence-perplexities",
        "source": "https://github.com/huggingface/evaluate/issues/551",
        "title": "Add geometric mean of per-token-Perplexities",
        "question": (
            "evaluate's perplexity returns the arithmetic mean of per-sequence perplexities, while "
            "the transformers guide computes exp of the mean NLL over all tokens; the numbers differ "
            "for sequences of different lengths. Here observed is ln(mean_perplexity)."
        ),
        "y_true": [[2, 0, 1, 3], [1, 2, -100, -100]],
        "y_pred": [
            [
                [0.2, 0.1, 1.5, -0.3],
                [1.1, 0.2, 0.0, -0.4],
                [0.3, 0.9, 0.1, 0.2],
                [0.0, 0.1, -0.2, 1.3],
            ],
            [
                [0.5, -1.0, 0.2, 1.8],
                [1.4, 0.3, -0.6, 0.7],
                [0.0, 0.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, 0.0],
            ],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"ignore_index": -100},
        "reproduce": (
            "import math, torch\n"
            "z = torch.from_numpy(y_pred).permute(0, 2, 1)\n"
            "t = torch.from_numpy(y_true)\n"
            "l = torch.nn.functional.cross_entropy(z, t, reduction='none')\n"
            "m = (t != -100).float()\n"
            "ppl = torch.exp((l * m).sum(1) / m.sum(1))\n"
            "observed = math.log(float(ppl.mean()))"
        ),
        "reference": (
            "import torch\n"
            "z = torch.from_numpy(y_pred).permute(0, 2, 1)\n"
            "expected = float(torch.nn.functional.cross_entropy(z, torch.from_numpy(y_true)))"
        ),
        "headline": "batch_mean",
        "acceptable": ["reduction"],
        "expert_answer": (
            "The usual perplexity is the geometric mean over all tokens, exp(Σ NLL / #tokens); the "
            "arithmetic mean of per-sequence perplexities weights short sequences as much as long "
            "ones and is always at least as large."
        ),
    },
    # ------------------------------------------------------------------ 14
    {
        "id": "torch-epoch-loss-running-mean-of-batch-means",
        "source": "https://datascience.stackexchange.com/questions/60613/explanation-behind-the-calculation-of-training-loss-in-deep-learning-model/60614",
        "title": "Explanation behind the calculation of training loss in deep learning model",
        "question": (
            "A training loop keeps train_loss += (loss - train_loss) / (batch_idx + 1), the running "
            "mean of CrossEntropyLoss batch means, while other code accumulates "
            "loss.item() * data.size(0) and divides by the dataset size; with a smaller last batch "
            "the two epoch losses differ."
        ),
        "y_true": [0, 1, 2, 0, 1, 1, 2, 0, 2, 1],
        "y_pred": [
            [2.0, 0.1, -1.0],
            [0.3, 1.1, 0.2],
            [-0.5, 0.2, 1.4],
            [0.9, 0.8, 0.1],
            [0.0, 0.4, 0.3],
            [1.2, 0.1, 0.0],
            [0.2, 0.3, 0.1],
            [-0.2, 1.5, 0.4],
            [0.1, 0.2, 3.0],
            [0.0, 2.5, -0.3],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "train_loss = 0.0\n"
            "for i, s in enumerate(range(0, len(t), 4)):\n"
            "    loss = float(torch.nn.functional.cross_entropy(z[s:s + 4], t[s:s + 4]))\n"
            "    train_loss = train_loss + (1 / (i + 1)) * (loss - train_loss)\n"
            "observed = train_loss"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "batch_mean",
        "acceptable": ["reduction"],
        "expert_answer": (
            "The update is the incremental average of the batch losses, i.e. the mean of per-batch "
            "means; it equals the per-sample mean only when all batches have the same size, which is "
            "why the other snippet weights each batch by data.size(0)."
        ),
    },
    # ------------------------------------------------------------------ 15
    {
        "id": "sklearn-log-loss-default-eps-clipping",
        "source": "https://github.com/scikit-learn/scikit-learn/issues/17399",
        "title": "Issue with the default eps parameter value for log_loss calculation",
        "question": (
            "log_loss([1, 0, 0, 0], [[0, 1], [0, 1], [1, 0], [1, 0]]) returned 8.6347 with the old "
            "default eps=1e-15 but 1.1588 with eps=0.01, and the user argues the default is wrong. "
            "(scikit-learn ≥ 1.5 clips at float64 eps and returns 9.0109.)"
        ),
        "y_true": [1, 0, 0, 0],
        "y_pred": [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]],
        "dtype": "float64",
        "user_believes_logits": False,
        "against": None,
        "options": {},
        "reproduce": (
            "from sklearn.metrics import log_loss\n"
            "observed = float(log_loss(y_true, y_pred))"
        ),
        "reference": (
            "import numpy as np\n"
            "from sklearn.metrics import log_loss\n"
            "expected = float(log_loss(y_true, np.clip(y_pred, 0.01, 0.99)))"
        ),
        "headline": "clipped",
        "acceptable": [],
        "expert_answer": (
            "The second sample puts probability 0 on its true class, so the true log loss is +inf; "
            "the clip only keeps it finite, and the smaller eps is the less wrong of two wrong "
            "values (a larger eps just hides the error)."
        ),
    },
    # ------------------------------------------------------------------ 16
    {
        "id": "torch-sequence-logits-class-axis-not-permuted",
        "source": "https://whosebug.com/question/6539086/How-to-compute-Cross-Entropy-Loss-for-sequences",
        "title": "How to compute Cross Entropy Loss for sequences",
        "question": (
            "The network returns (batch, seq_len, num_classes) logits and targets are (batch, seq_len); "
            "the user asks how to feed them to CrossEntropyLoss. Here seq_len equals num_classes, so "
            "passing the tensor unpermuted runs silently with a different value."
        ),
        "y_true": [[0, 2, 1], [1, 1, 0]],
        "y_pred": [
            [[2.0, 0.1, -1.0], [0.2, -0.3, 1.7], [0.4, 1.2, 0.0]],
            [[-0.5, 1.9, 0.3], [0.1, 0.8, 0.2], [1.5, 0.0, -0.2]],
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred).permute(0, 2, 1), "
            "torch.from_numpy(y_true)))"
        ),
        "headline": "axis",
        "acceptable": [],
        "expert_answer": (
            "CrossEntropyLoss wants the class dimension second, (N, C, d1); with (N, T, C) input "
            "permute to (N, C, T) (input.permute(0, 2, 1) or transpose(1, 2))."
        ),
    },
    # ------------------------------------------------------------------ 17
    {
        "id": "optax-bfloat16-logits-quantized-loss",
        "source": "https://github.com/google-deepmind/optax/issues/1020",
        "title": "Precision bug in `optax.softmax_cross_entropy_with_integer_labels`",
        "question": (
            "With bfloat16 logits softmax_cross_entropy_with_integer_labels returns losses on a "
            "coarse grid (4.75, 5, 4.59375, ...) while the same logits cast to float32 give "
            "4.7477, 4.9904, 4.5920, ... Rebuilt with 4 rows of 100 classes."
        ),
        "y_true": [7, 42, 0, 99],
        "y_pred": [
            [round(((i * 37 + r * 11) % 97) / 97.0, 2) for i in range(100)]
            for r in range(4)
        ],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.softmax_cross_entropy_with_integer_labels",
        "options": {},
        "reproduce": (
            "import jax.numpy as jnp, optax\n"
            "observed = [float(v) for v in optax.softmax_cross_entropy_with_integer_labels("
            "jnp.asarray(y_pred, dtype=jnp.bfloat16), jnp.asarray(y_true))]"
        ),
        "reference": (
            "import jax.numpy as jnp, optax\n"
            "expected = [float(v) for v in optax.softmax_cross_entropy_with_integer_labels("
            "jnp.asarray(y_pred, dtype=jnp.bfloat16).astype(jnp.float32), jnp.asarray(y_true))]"
        ),
        "headline": "precision",
        "acceptable": [],
        "expert_answer": (
            "The log-normaliser is stored in bfloat16 (8 significant bits), so losses near 5 are "
            "quantised to steps of 1/32; cast the logits to float32 before the loss."
        ),
    },
    # ------------------------------------------------------------------ 18
    {
        "id": "torch-crossentropy-stuck-at-log-10",
        "source": "https://discuss.pytorch.org/t/cross-entropy-loss-is-not-decreasing/43814/16",
        "title": "Cross Entropy loss is not decreasing",
        "question": (
            "A 10-class classifier's CrossEntropyLoss stays at about 2.30 every epoch (2.3086, "
            "2.2973, 2.3083, ...); the poster asks what this stuck value means."
        ),
        "y_true": [3, 7, 1],
        "y_pred": [[0.0] * 10, [0.0] * 10, [0.0] * 10],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": None,
        "options": {},
        "reproduce": (
            "import torch\n"
            "observed = float(torch.nn.CrossEntropyLoss()(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "magnitude",
        "acceptable": ["probs_as_logits"],
        "expert_answer": (
            "2.30 = ln 10 is the loss of a uniform prediction over 10 classes: the network outputs "
            "the same score for every class (here dead ReLUs with all-negative parameters), i.e. it "
            "is guessing at random; also check that no softmax is applied before CrossEntropyLoss."
        ),
    },
    # ------------------------------------------------------------------ 19
    {
        "id": "fairseq-label-smoothed-nll-on-logits-vs-keras",
        "source": "https://github.com/facebookresearch/fairseq/issues/2273",
        "title": "❓ Understanding smoothed CrossEntropyLoss",
        "question": (
            "The user fed raw logits to fairseq's label_smoothed_nll_loss and compared it with TF2 "
            "CategoricalCrossentropy(from_logits=True, label_smoothing=ε) on the same inputs; the "
            "results differ."
        ),
        "y_true": [[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]],
        "y_pred": [[0.2, 2.1, -0.4, 0.3], [1.3, 0.1, 0.2, -0.8], [0.0, 0.5, 0.4, 1.6]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)",
        "options": {"label_smoothing": 0.1},
        "reproduce": (
            "import torch\n"
            "lprobs = torch.from_numpy(y_pred)  # the mistake: logits used as log-probabilities\n"
            "target = torch.from_numpy(y_true).argmax(1, keepdim=True)\n"
            "eps = 0.1\n"
            "nll = -lprobs.gather(-1, target).squeeze(-1)\n"
            "smooth = -lprobs.sum(-1)\n"
            "observed = float(((1 - eps) * nll + eps / lprobs.size(-1) * smooth).sum())"
        ),
        "reference": (
            "import tf_keras\n"
            "expected = float(tf_keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)"
            "(y_true, y_pred))"
        ),
        "headline": "logits_as_log_probs",
        "acceptable": ["reduction", "label_smoothing"],
        "expert_answer": (
            "The user's own resolution: fairseq's loss is an NLL loss that expects log-probabilities "
            "(add log_softmax), and fairseq sums the loss over tokens instead of averaging."
        ),
    },
    # ------------------------------------------------------------------ 20
    {
        "id": "torch-kl-div-vs-cross-entropy-size-average",
        "source": "https://github.com/pytorch/pytorch/issues/3322",
        "title": "[docfix] Parameter size_average=False behaves differently for mse_loss and cross_entropy",
        "question": (
            "On zero logits for 3 samples and 5 classes with one-hot targets the user compares "
            "F.kl_div(log_softmax(logit), target) with F.cross_entropy; kl_div's average is over "
            "every element (N·C) while cross_entropy averages over the batch, so the numbers differ "
            "by a factor C."
        ),
        "y_true": [
            [1.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0, 0.0],
        ],
        "y_pred": [[0.0] * 5, [0.0] * 5, [0.0] * 5],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {},
        "reproduce": (
            "import torch\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "observed = float(torch.nn.functional.kl_div(torch.log_softmax(z, 1), t, reduction='mean'))"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.functional.cross_entropy(torch.from_numpy(y_pred), "
            "torch.from_numpy(y_true).argmax(1)))"
        ),
        "headline": "reduction",
        "acceptable": [],
        "expert_answer": (
            "Intended: size_average (reduction='mean') divides by the number of loss elements; for "
            "kl_div and mse_loss that is every element, for cross_entropy it is the number of "
            "samples. The docs were clarified (and kl_div later got reduction='batchmean')."
        ),
    },
    # ------------------------------------------------------------------ 21
    {
        "id": "optax-softmax-cross-entropy-on-single-logit",
        "source": "https://github.com/vllm-project/vllm/pull/18313",
        "title": "[Model] Use sigmoid for single-label classification",
        "question": (
            "A binary classifier with a single output logit is scored with a softmax, which is "
            "always 1 for one class; rebuilt with optax.softmax_cross_entropy on (N, 1) logits and "
            "labels, which returns 0 for every example whatever the logit."
        ),
        "y_true": [[1.0], [0.0], [1.0], [0.0]],
        "y_pred": [[2.0], [1.5], [-0.7], [-2.2]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "optax.sigmoid_binary_cross_entropy",
        "options": {},
        "reproduce": (
            "import jax.numpy as jnp, optax\n"
            "observed = float(optax.softmax_cross_entropy(jnp.asarray(y_pred), jnp.asarray(y_true)).mean())"
        ),
        "reference": (
            "import jax.numpy as jnp, optax\n"
            "expected = float(optax.sigmoid_binary_cross_entropy(jnp.asarray(y_pred), jnp.asarray(y_true)).mean())"
        ),
        "headline": "binary_vs_categorical",
        "acceptable": ["axis"],
        "expert_answer": (
            "With a single output, softmax gives e^x / e^x = 1 for every input; a one-logit binary "
            "head must use the sigmoid (sigmoid_binary_cross_entropy), softmax needs at least two "
            "classes."
        ),
    },
    # ------------------------------------------------------------------ 22
    {
        "id": "torch-focal-gamma0-alpha-vs-weighted-crossentropy",
        "source": "https://github.com/clcarwin/focal_loss_pytorch/issues/2",
        "title": "FocalLoss vs CrossEntropyLoss",
        "question": (
            "With gamma=0 and alpha=[0.366, 1] the repository's FocalLoss gives a much lower loss "
            "than CrossEntropyLoss(weight=[0.366, 1]) on the same inputs (max error 0.12)."
        ),
        "y_true": [0, 1, 0, 0, 1],
        "y_pred": [[1.2, -0.3], [0.4, 0.9], [0.1, 0.6], [2.0, 0.0], [-0.5, 1.5]],
        "dtype": "float32",
        "user_believes_logits": True,
        "against": "torch.nn.functional.cross_entropy",
        "options": {"weight": [0.366, 1.0]},
        "reproduce": (
            "import torch\n"
            "z, t = torch.from_numpy(y_pred), torch.from_numpy(y_true)\n"
            "alpha = torch.tensor([0.366, 1.0])\n"
            "logpt = torch.log_softmax(z, 1).gather(1, t.view(-1, 1)).view(-1)\n"
            "pt = logpt.exp()\n"
            "gamma = 0.0\n"
            "observed = float((-1 * (1 - pt) ** gamma * logpt * alpha[t]).mean())"
        ),
        "reference": (
            "import torch\n"
            "expected = float(torch.nn.CrossEntropyLoss(weight=torch.tensor([0.366, 1.0]))"
            "(torch.from_numpy(y_pred), torch.from_numpy(y_true)))"
        ),
        "headline": "weighting",
        "acceptable": ["focal", "reduction"],
        "expert_answer": (
            "With gamma = 0 both compute α_y·(−log p_y) per sample; the focal loss averages over the "
            "N samples while the weighted CrossEntropyLoss divides by Σ α_y, so with α < 1 the focal "
            "loss is smaller."
        ),
    },
]
