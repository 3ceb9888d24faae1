"""Linear cross-entropy, forward + backward: crossent against PyTorch, in one run.

For each size ``N x d -> V`` (float32 hidden states ``h``, head ``W`` of shape
``(V, d)``, integer labels), every implementation runs in a fresh subprocess (so
its peak resident memory is its own), warms up once, then runs ``--repeat`` times;
the median wall time and the peak RSS growth over the inputs are reported, with
the time ratio to crossent:

- ``crossent``: :func:`crossent.linear_cross_entropy` (value and the gradients of
  ``h`` and ``W``; 32 MiB of logits at a time);
- ``torch two-step``: ``F.cross_entropy(h @ W.T, y)`` then ``backward()``;
- ``torch linear_cross_entropy``: ``F.linear_cross_entropy`` (its reference path,
  the default);
- ``torch linear_cross_entropy chunked``: the same with
  ``options=LinearCrossEntropyOptions()`` (its memory-frugal chunked path).

Usage::

    .venv-parity/bin/python benchmarks/bench_linear.py --repeat 3 \\
        --sizes 2048x1024x32000,4096x512x128256
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

TRAIN_IMPLS = (
    "train: crossent.torch.linear_cross_entropy",
    "train: torch F.cross_entropy",
    "train: torch F.linear_cross_entropy",
    "train: crossent.jax.linear_cross_entropy",
    "train: jax optax two-step",
)

IMPLS = (
    "crossent",
    "torch two-step",
    "torch linear_cross_entropy",
    "torch linear_cross_entropy chunked",
)


def _inputs(n: int, d: int, v: int):  # type: ignore[no-untyped-def]
    import numpy as np

    rng = np.random.default_rng(0)
    h = (rng.standard_normal((n, d), dtype=np.float32) * 0.5).astype(np.float32)
    w = (rng.standard_normal((v, d), dtype=np.float32) / d**0.5).astype(np.float32)
    y = rng.integers(0, v, size=n)
    return h, w, y


def _train_step(impl: str, n: int, d: int, v: int):  # type: ignore[no-untyped-def]
    """One AdamW step of embedding + 2-layer MLP + LM head (batch of n tokens)."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.integers(0, v, size=n)
    y = rng.integers(0, v, size=n)
    if "jax" in impl:
        import jax
        import jax.numpy as jnp
        import optax

        import crossent.jax as cj

        k = jax.random.split(jax.random.PRNGKey(0), 4)
        params = {
            "emb": jax.random.normal(k[0], (v, d)) * 0.02,
            "w1": jax.random.normal(k[1], (d, 4 * d)) / d**0.5,
            "w2": jax.random.normal(k[2], (4 * d, d)) / (4 * d) ** 0.5,
            "head": jax.random.normal(k[3], (v, d)) * 0.02,
        }
        opt = optax.adamw(1e-3)
        state = opt.init(params)
        xj, yj = jnp.asarray(x), jnp.asarray(y)

        def loss(p):  # type: ignore[no-untyped-def]
            hid = jax.nn.gelu(p["emb"][xj] @ p["w1"]) @ p["w2"]
            if impl.startswith("train: crossent"):
                return cj.linear_cross_entropy(hid, p["head"], yj)
            logits = hid @ p["head"].T
            return optax.softmax_cross_entropy_with_integer_labels(logits, yj).mean()

        @jax.jit
        def update(p, s):  # type: ignore[no-untyped-def]
            g = jax.grad(loss)(p)
            upd, s = opt.update(g, s, p)
            return optax.apply_updates(p, upd), s

        box = [params, state]

        def step() -> float:
            box[0], box[1] = update(box[0], box[1])
            return float(box[0]["head"][0, 0])

        return step
    import torch

    import crossent.torch as ct

    torch.manual_seed(0)
    emb = torch.nn.Embedding(v, d)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(d, 4 * d), torch.nn.GELU(), torch.nn.Linear(4 * d, d)
    )
    head = torch.nn.Linear(d, v, bias=False)
    params = [*emb.parameters(), *mlp.parameters(), *head.parameters()]
    opt = torch.optim.AdamW(params, lr=1e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    F = torch.nn.functional

    def step() -> float:
        hid = mlp(emb(xt))
        if impl.startswith("train: crossent"):
            loss = ct.linear_cross_entropy(hid, head.weight, yt)
        elif impl.endswith("F.cross_entropy"):
            loss = F.cross_entropy(head(hid), yt)
        else:
            loss = F.linear_cross_entropy(hid, head.weight, yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss)

    return step


def _child(impl: str, n: int, d: int, v: int, repeat: int) -> dict[str, float]:
    """Run one implementation in this (fresh) process and report time and memory."""
    if impl.startswith("train:"):
        step = _train_step(impl, n, d, v)
        return _measure(step, repeat)
    h, w, y = _inputs(n, d, v)
    if impl == "crossent":
        from crossent import linear_cross_entropy

        def step() -> float:
            r = linear_cross_entropy(h, w, y)
            return float(r.value) + float(r.grad_h[0, 0]) + float(r.grad_W[0, 0])

    else:
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        F = torch.nn.functional
        ht0, wt0, yt = torch.from_numpy(h), torch.from_numpy(w), torch.from_numpy(y)
        options = None
        if impl.endswith("chunked"):
            from torch.nn.modules.linear_cross_entropy_options import (
                LinearCrossEntropyOptions,
            )

            options = LinearCrossEntropyOptions()

        def step() -> float:
            ht = ht0.clone().requires_grad_(True)
            wt = wt0.clone().requires_grad_(True)
            if impl == "torch two-step":
                loss = F.cross_entropy(ht @ wt.T, yt)
            else:
                loss = F.linear_cross_entropy(ht, wt, yt, options=options)
            loss.backward()
            return float(loss) + float(ht.grad[0, 0]) + float(wt.grad[0, 0])

    return _measure(step, repeat)


def _measure(step, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    step()  # warm up (numba compilation, torch's first call, jit)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": statistics.median(times), "peak_mb": (peak - base) / 1024}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="2048x1024x32000,4096x512x128256")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument(
        "--train",
        metavar="NxDxV",
        help="also time a training step (embedding + 2-layer MLP + LM head, AdamW), "
        "e.g. 2048x256x32000",
    )
    p.add_argument("--child", nargs=5, metavar=("IMPL", "N", "D", "V", "REPEAT"))
    args = p.parse_args()
    if args.child:
        impl, n, d, v, repeat = args.child
        print(json.dumps(_child(impl, int(n), int(d), int(v), int(repeat))))
        return 0
    import numpy as np
    import torch

    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"torch {torch.__version__}"
    )
    runs = [(s, IMPLS) for s in args.sizes.split(",") if s]
    if args.train:
        runs.append((args.train, TRAIN_IMPLS))
    for size, impls in runs:
        n, d, v = (int(x) for x in size.split("x"))
        logits_mb = n * v * 4 / 2**20
        print(f"\n## N={n} d={d} V={v} (full logits {logits_mb:,.0f} MiB float32)")
        results = {}
        for impl in impls:
            out = subprocess.run(
                [sys.executable, __file__, "--child", impl, str(n), str(d), str(v),
                 str(args.repeat)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if out.returncode != 0:
                print(f"{impl:44s} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            results[impl] = json.loads(out.stdout.strip().splitlines()[-1])
        first = next(iter(results.values()), {})
        ours = first.get("seconds")
        print(
            f"{'implementation':44s} {'seconds':>8s} {'vs first':>11s} {'peak MiB':>9s}"
        )
        for impl, r in results.items():
            ratio = r["seconds"] / ours if ours else float("nan")
            print(f"{impl:44s} {r['seconds']:8.3f} {ratio:10.2f}x {r['peak_mb']:9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
