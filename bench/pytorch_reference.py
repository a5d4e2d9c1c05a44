#!/usr/bin/env python3
"""PyTorch side of the Explain benchmarks, run side by side with bench/Explain.Bench.

engine: ResNet-50 forward (no_grad), and forward + gradient of one logit with respect to the
        layer4 output (parameters frozen; autograd records only what follows layer4, PyTorch's
        best case).
cam:    Grad-CAM the way popular PyTorch tools do it (pytorch-grad-cam 1.5 style): parameters
        require grad, hooks on layer4, one forward + full backward per method and class.
Prints one JSON object. Same seeded random weights and input as the ONNX export in make_models.py.
"""
import argparse, json, resource, statistics, time

import torch
import torchvision


def timed(fn, warmup, iterations):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def model_and_input(size):
    torch.manual_seed(0)
    model = torchvision.models.resnet50(weights=None).eval()
    x = torch.rand(1, 3, size, size) * 2 - 1
    return model, x


def engine(args):
    model, x = model_and_input(args.size)
    for p in model.parameters():
        p.requires_grad_(False)

    def forward():
        with torch.no_grad():
            model(x)

    store = {}

    def hook(_, __, out):
        out = out.detach().requires_grad_()
        store["a"] = out
        return out

    handle = model.layer4.register_forward_hook(hook)

    def forward_grad():
        logits = model(x)
        logits[0, 0].backward()
        return store["a"].grad

    handle.remove()
    fwd, fwd_min = timed(forward, 3, args.iterations)
    handle = model.layer4.register_forward_hook(hook)
    grad, grad_min = timed(forward_grad, 3, args.iterations)
    handle.remove()
    return dict(forward_ms=fwd, forward_min_ms=fwd_min, forward_grad_ms=grad, forward_grad_min_ms=grad_min)


class HookedCam:
    """Activations and gradients of a target layer through hooks, one call per method and class."""

    def __init__(self, model, layer):
        self.model, self.store = model, {}
        layer.register_forward_hook(lambda m, i, o: self.store.__setitem__("a", o))
        layer.register_full_backward_hook(lambda m, gi, go: self.store.__setitem__("g", go[0]))

    def __call__(self, x, method, cls):
        logits = self.model(x)
        self.model.zero_grad()
        logits[0, cls].backward()
        a, g = self.store["a"].detach()[0], self.store["g"].detach()[0]
        if method == "gradcam":
            w = g.mean(dim=(1, 2))
        elif method == "gradcam++":
            g2, g3 = g ** 2, g ** 3
            alpha = g2 / (2 * g2 + a.sum(dim=(1, 2))[:, None, None] * g3 + 1e-6)
            alpha = torch.where(g != 0, alpha, torch.zeros_like(alpha))
            w = (alpha * g.clamp(min=0)).sum(dim=(1, 2))
        elif method == "xgradcam":
            w = (g * a).sum(dim=(1, 2)) / (a.sum(dim=(1, 2)) + 1e-7)
        else:  # layercam
            cam = (g.clamp(min=0) * a).sum(0)
            return self.scale(cam, x)
        return self.scale((w[:, None, None] * a).sum(0), x)

    @staticmethod
    def scale(cam, x):
        cam = cam.clamp(min=0)
        cam = cam - cam.min()
        cam = cam / (cam.max() + 1e-7)
        cam = torch.nn.functional.interpolate(cam[None, None], size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0]
        cam = cam - cam.min()
        return (cam / (cam.max() + 1e-7)).numpy()


def ablation_cam(model, x, cls, batch=32):
    """pytorch-grad-cam 1.5's AblationCAM: full-model re-runs in batches of 32, a forward hook
    zeroing one channel of the target layer's output per batch row."""
    store = {}
    with torch.no_grad():
        handle = model.layer4.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
        y = model(x)[0, cls].item()
        handle.remove()
        a = store["a"][0]
        channels, scores = a.shape[0], []
        for start in range(0, channels, batch):
            idx = list(range(start, min(start + batch, channels)))

            def ablate(m, i, o, idx=idx):
                o = o.clone()
                for row, k in enumerate(idx):
                    o[row, k] = 0
                return o

            handle = model.layer4.register_forward_hook(ablate)
            scores.append(model(x.repeat(len(idx), 1, 1, 1))[:, cls])
            handle.remove()
        w = (y - torch.cat(scores)) / y
        return HookedCam.scale((w[:, None, None] * a).sum(0), x)


def score_cam(model, x, cls, batch=16):
    """pytorch-grad-cam 1.5's ScoreCAM: masks = bilinear (align_corners=True) upsampled activations,
    min-max per channel; batches of 16 masked inputs; softmax of the class scores."""
    store = {}
    with torch.no_grad():
        handle = model.layer4.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
        model(x)
        handle.remove()
        a = store["a"]
        up = torch.nn.UpsamplingBilinear2d(size=x.shape[2:])(a)[0]
        flat = up.view(up.shape[0], -1)
        mins, maxs = flat.min(-1).values, flat.max(-1).values
        up = (up - mins[:, None, None]) / (maxs - mins + 1e-8)[:, None, None]
        scores = []
        for start in range(0, up.shape[0], batch):
            masked = x * up[start:start + batch, None]
            scores.append(model(masked)[:, cls])
        w = torch.softmax(torch.cat(scores), dim=0)
        return HookedCam.scale((w[:, None, None] * a[0]).sum(0), x)


def cam(args):
    model, x = model_and_input(args.size)
    hooked = HookedCam(model, model.layer4)
    with torch.no_grad():
        top5 = model(x)[0].topk(5).indices.tolist()
    one, _ = timed(lambda: hooked(x, "gradcam", top5[0]), 2, args.iterations)
    methods = ["gradcam", "gradcam++", "xgradcam", "layercam"]
    many, _ = timed(lambda: [hooked(x, m, c) for m in methods for c in top5], 1, max(3, args.iterations // 3))
    result = dict(gradcam_ms=one, four_methods_top5_ms=many)
    if args.heavy == "yes":
        result["ablationcam_ms"], _ = timed(lambda: ablation_cam(model, x, top5[0]), 0, 1)
        result["scorecam_ms"], _ = timed(lambda: score_cam(model, x, top5[0]), 0, 1)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["engine", "cam"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--heavy", default="yes", help="also Ablation-CAM and Score-CAM (minutes)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = engine(args) if args.mode == "engine" else cam(args)
    result.update(impl="pytorch", threads=args.threads, torch=torch.__version__,
                  peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
