#!/usr/bin/env python3
"""PyTorch side of the Explain benchmarks, run side by side with bench/Explain.Bench.

Both sides read the same input (bench/out/input.npy, written once by make_models.py) and the same
seeded ResNet-50, and use the same warm-ups and iteration counts. Each headline has two PyTorch
numbers (bench/RESULTS.md says which is which):

  user-facing  ("*_user_ms"): the reference library as people run it — pytorch-grad-cam 1.5 style:
               parameters require grad (PyTorch also computes every weight gradient), hooks, one
               forward + full backward per method and class; Ablation-CAM re-runs the full model
               in batches of 32; Score-CAM scores all channels.
  like-for-like ("*_ms"): PyTorch doing the computation Explain does, at its best: frozen
               parameters and autograd recorded only after the target layer; the 5 classes'
               gradients in one batched backward (Explain stacks 5 seeds); Ablation-CAM re-runs
               only the layers after the target layer; Faster Score-CAM scores the same top-N
               channels (largest activation variance) with the same softmax weights.

engine: ResNet-50 forward (no_grad), and forward + gradient of one logit with respect to the
        layer4 output (frozen parameters).
Prints one JSON object; with --maps DIR also writes DIR/pytorch-gradcam.npy (the top-1 Grad-CAM)
and DIR/pytorch-top5.json so report.py can check both sides explained the same thing.
"""
import argparse, json, os, resource, statistics, time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

METHODS = ["gradcam", "gradcam++", "xgradcam", "layercam"]


def timed(fn, warmup, iterations):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def model_and_input(args):
    torch.manual_seed(0)
    model = torchvision.models.resnet50(weights=None).eval()
    x = torch.from_numpy(np.load(args.input))
    assert x.shape == (1, 3, 224, 224) and x.dtype == torch.float32, (x.shape, x.dtype)
    return model, x


def frozen(model):
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def scale(cam, x):
    """pytorch-grad-cam 1.5 scale_cam_image: ReLU, min-max, bilinear resize, min-max."""
    cam = cam.clamp(min=0)
    cam = cam - cam.min()
    cam = cam / (cam.max() + 1e-7)
    cam = F.interpolate(cam[None, None], size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0]
    cam = cam - cam.min()
    return (cam / (cam.max() + 1e-7)).numpy()


def weights(method, a, g):
    if method == "gradcam":
        return g.mean(dim=(1, 2))
    if method == "gradcam++":
        g2, g3 = g ** 2, g ** 3
        alpha = g2 / (2 * g2 + a.sum(dim=(1, 2))[:, None, None] * g3 + 1e-6)
        alpha = torch.where(g != 0, alpha, torch.zeros_like(alpha))
        return (alpha * g.clamp(min=0)).sum(dim=(1, 2))
    if method == "xgradcam":
        return (g * a).sum(dim=(1, 2)) / (a.sum(dim=(1, 2)) + 1e-7)
    raise ValueError(method)


def cam_map(method, a, g, x):
    if method == "layercam":
        return scale((g.clamp(min=0) * a).sum(0), x)
    return scale((weights(method, a, g)[:, None, None] * a).sum(0), x)


class HookedCam:
    """User-facing: activations and gradients of layer4 through hooks, parameters requiring grad,
    one forward + full backward per method and class (pytorch-grad-cam 1.5)."""

    def __init__(self, model, layer):
        self.model, self.store = model, {}
        layer.register_forward_hook(lambda m, i, o: self.store.__setitem__("a", o))
        layer.register_full_backward_hook(lambda m, gi, go: self.store.__setitem__("g", go[0]))

    def __call__(self, x, method, cls):
        logits = self.model(x)
        self.model.zero_grad()
        logits[0, cls].backward()
        a, g = self.store["a"].detach()[0], self.store["g"].detach()[0]
        return cam_map(method, a, g, x)


class SuffixGrad:
    """Like-for-like: frozen parameters; the layer4 output is detached and becomes the autograd
    leaf, replicated once per class, so the one backward covers only avgpool + fc and all classes
    at once (Explain: one forward, one backward with K stacked seeds)."""

    def __init__(self, model):
        self.model, self.rows, self.store = frozen(model), 0, {}
        model.layer4.register_forward_hook(self.hook)

    def hook(self, _, __, out):
        if not self.rows:
            return out   # not inside __call__: the model runs as it is
        a = out.detach().expand(self.rows, *out.shape[1:]).contiguous().requires_grad_()
        self.store["a"] = a
        return a

    def __call__(self, x, classes):
        self.rows = len(classes)
        try:
            logits = self.model(x)
        finally:
            self.rows = 0
        seed = torch.zeros_like(logits)
        seed[torch.arange(len(classes)), torch.tensor(classes)] = 1
        (g,) = torch.autograd.grad(logits, self.store["a"], seed)
        return self.store["a"].detach()[0], g

    def maps(self, x, methods, classes):
        a, g = self(x, classes)
        return [cam_map(m, a, g[i], x) for m in methods for i in range(len(classes))]


def layer4(model, x):
    store = {}
    handle = model.layer4.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
    with torch.no_grad():
        y = model(x)
    handle.remove()
    return store["a"][0], y[0]


def ablation_cam_user(model, x, cls, batch=32):
    """pytorch-grad-cam 1.5's AblationCAM: full-model re-runs in batches of 32, a forward hook
    zeroing one channel of the target layer's output per batch row."""
    a, y = layer4(model, x)
    scores = []
    with torch.no_grad():
        for start in range(0, a.shape[0], batch):
            idx = list(range(start, min(start + batch, a.shape[0])))

            def ablate(m, i, o, idx=idx):
                o = o.clone()
                for row, k in enumerate(idx):
                    o[row, k] = 0
                return o

            handle = model.layer4.register_forward_hook(ablate)
            scores.append(model(x.repeat(len(idx), 1, 1, 1))[:, cls])
            handle.remove()
    w = (y[cls] - torch.cat(scores)) / y[cls]
    return scale((w[:, None, None] * a).sum(0), x)


def ablation_cam_suffix(model, x, cls, batch=128):
    """Like-for-like Ablation-CAM: one forward to layer4, then only the suffix (avgpool + fc) on
    every ablated copy, in batches (Explain re-runs the graph suffix after the target tensor)."""
    a, y = layer4(model, x)
    n, scores = a.shape[0], []
    with torch.no_grad():
        for start in range(0, n, batch):
            idx = torch.arange(start, min(start + batch, n))
            ablated = a.expand(len(idx), *a.shape).clone()
            ablated[torch.arange(len(idx)), idx] = 0
            scores.append(model.fc(torch.flatten(model.avgpool(ablated), 1))[:, cls])
    w = (y[cls] - torch.cat(scores)) / y[cls]
    return scale((w[:, None, None] * a).sum(0), x)


def score_cam(model, x, cls, channels=0, batch=16):
    """pytorch-grad-cam 1.5's ScoreCAM: masks = bilinear (align_corners=True) upsampled activations,
    min-max per channel; batches of 16 masked inputs; softmax of the class scores. With channels > 0
    only the channels of largest activation variance (Faster Score-CAM, as Explain chooses them);
    the others weigh 0."""
    a, _ = layer4(model, x)
    chosen = torch.arange(a.shape[0])
    if 0 < channels < a.shape[0]:
        chosen = a.flatten(1).var(dim=1).topk(channels).indices.sort().values
    with torch.no_grad():
        up = torch.nn.UpsamplingBilinear2d(size=x.shape[2:])(a[chosen][None])[0]
        flat = up.view(up.shape[0], -1)
        mins, maxs = flat.min(-1).values, flat.max(-1).values
        up = (up - mins[:, None, None]) / (maxs - mins + 1e-8)[:, None, None]
        scores = [model(x * up[s:s + batch, None])[:, cls] for s in range(0, up.shape[0], batch)]
    w = torch.zeros(a.shape[0])
    w[chosen] = torch.softmax(torch.cat(scores), dim=0)
    return scale((w[:, None, None] * a).sum(0), x)


def engine(args):
    model, x = model_and_input(args)
    frozen(model)

    def forward():
        with torch.no_grad():
            model(x)

    store = {}

    def hook(_, __, out):
        out = out.detach().requires_grad_()
        store["a"] = out
        return out

    def forward_grad():
        logits = model(x)
        logits[0, 0].backward()
        return store["a"].grad

    fwd, fwd_min = timed(forward, 3, args.iterations)
    handle = model.layer4.register_forward_hook(hook)
    grad, grad_min = timed(forward_grad, 3, args.iterations)
    handle.remove()
    return dict(forward_ms=fwd, forward_min_ms=fwd_min, forward_grad_ms=grad, forward_grad_min_ms=grad_min)


def cam(args):
    # Warm-ups and iterations mirror bench/Explain.Bench/CamBench.cs exactly.
    user_model, x = model_and_input(args)
    lean_model, _ = model_and_input(args)
    _, y = layer4(lean_model, x)
    top5 = y.topk(5).indices.tolist()
    hooked, lean = HookedCam(user_model, user_model.layer4), SuffixGrad(lean_model)
    few = max(3, args.iterations // 3)
    r = {}
    r["gradcam_user_ms"], _ = timed(lambda: hooked(x, "gradcam", top5[0]), 2, args.iterations)
    r["gradcam_ms"], _ = timed(lambda: lean.maps(x, ["gradcam"], top5[:1]), 2, args.iterations)
    r["four_methods_top5_user_ms"], _ = timed(lambda: [hooked(x, m, c) for m in METHODS for c in top5], 1, few)
    r["four_methods_top5_ms"], _ = timed(lambda: lean.maps(x, METHODS, top5), 1, few)
    if args.maps:
        os.makedirs(args.maps, exist_ok=True)
        np.save(os.path.join(args.maps, "pytorch-gradcam.npy"), lean.maps(x, ["gradcam"], top5[:1])[0].astype(np.float32))
        np.testing.assert_allclose(hooked(x, "gradcam", top5[0]), lean.maps(x, ["gradcam"], top5[:1])[0], atol=1e-4)
        json.dump(top5, open(os.path.join(args.maps, "pytorch-top5.json"), "w"))
    frozen(user_model)   # the perturbation methods run under no_grad on both PyTorch rows
    r["ablationcam_ms"], _ = timed(lambda: ablation_cam_suffix(lean_model, x, top5[0]), 1, 3)
    r["scorecam_top64_ms"], _ = timed(lambda: score_cam(lean_model, x, top5[0], channels=64), 1, 3)
    if args.heavy == "yes":
        # Minutes each: one run, no warm-up beyond the runs above, on both sides.
        r["ablationcam_user_ms"], _ = timed(lambda: ablation_cam_user(user_model, x, top5[0]), 0, 1)
        r["scorecam_ms"], _ = timed(lambda: score_cam(lean_model, x, top5[0]), 0, 1)
    return r


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["engine", "cam"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--input", required=True, help="the shared input .npy (make_models.py)")
    parser.add_argument("--maps", default="", help="folder for the top-1 Grad-CAM map and top-5 classes")
    parser.add_argument("--heavy", default="yes", help="also full Ablation-CAM and Score-CAM (minutes)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = engine(args) if args.mode == "engine" else cam(args)
    result.update(impl="pytorch", threads=args.threads, torch=torch.__version__,
                  peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
