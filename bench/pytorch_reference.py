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
import argparse, json, math, os, resource, statistics, time

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


# ---------------------------------------------------------------------------------------------
# Issue 13's methods (bench/Explain.Bench/MethodsBench.cs has the parameters, the same here).

OCCLUSION_WINDOW, OCCLUSION_STRIDE = 32, 16
RISE_MASKS, RISE_CELLS, RISE_P = 1000, 7, 0.5
SGCPP_SAMPLES, SGCPP_STD = 4, 0.3
ROAD_PERCENTILES = [10, 20, 30, 40, 50, 60, 70, 80, 90]
BATCH = 16   # Explain's ModelProbe chunk; pytorch-grad-cam's ScoreCAM batch


def minmax_channels(t):
    """pytorch-grad-cam scale_accross_batch_and_channels' per-channel (x - min) / (max + 1e-7), t [C, h, w]."""
    flat = t.flatten(1)
    flat = flat - flat.min(1, keepdim=True)[0]
    return (flat / (flat.max(1, keepdim=True)[0] + 1e-7)).view_as(t)


def up(t, size):
    return F.interpolate(t[None], size=size, mode="bilinear", align_corners=False)[0]


def bias_layers(model):
    for m in model.modules():
        if getattr(m, "inplace", False):
            m.inplace = False   # an in-place ReLU would overwrite the hooked BN output
    return [m for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.BatchNorm2d)) and m.bias is not None]


def bias_of(m):
    if isinstance(m, torch.nn.BatchNorm2d):
        return (m.bias - m.running_mean * m.weight / torch.sqrt(m.running_var + m.eps)).detach()
    return m.bias.detach()


def fullgrad(model, x, cls, user):
    """pytorch-grad-cam FullGrad. user: as the library runs (parameters requiring grad, hooks on
    every bias layer, loss.backward(), every channel of every layer min-maxed and resized to the
    input before the channel sum). like-for-like: frozen parameters, one autograd.grad at the input
    and the bias layers' outputs, the channel sum at each layer's own resolution and one resize per
    layer (min-max per channel, then a linear resize and a sum commute: the same map)."""
    layers = bias_layers(model)
    outs = []
    hooks = [m.register_forward_hook(lambda _m, _i, o: outs.append(o)) for m in layers]
    try:
        xg = x.clone().requires_grad_(True)
        if user:
            store = {}
            y = model(xg)
            for i, o in enumerate(outs):
                o.register_hook(lambda g, i=i: store.__setitem__(i, g))
            model.zero_grad()
            y[0, cls].backward()
            grads = [xg.grad] + [store[i] for i in range(len(outs))]
        else:
            y = model(xg)
            grads = torch.autograd.grad(y[0, cls], [xg] + outs)
    finally:
        for h in hooks:
            h.remove()
    size = x.shape[2:]
    with torch.no_grad():
        total = up(minmax_channels((grads[0] * x)[0].abs()), size).sum(0)
        for m, g in zip(layers, grads[1:]):
            t = minmax_channels((bias_of(m)[:, None, None] * g[0]).abs())
            total += up(t, size).sum(0) if user else up(t.sum(0, keepdim=True), size)[0]
    return scale(total, x)


def rest(logits, cls):
    """ClassifierOutputReST: y_c - cross_entropy(y, c)."""
    return logits[0, cls] - F.cross_entropy(logits, torch.tensor([cls]))


def shapleycam(model, x, cls, user):
    """pytorch-grad-cam ShapleyCAM with ClassifierOutputReST, w_k = mean(g - 1/2 H A). user: the
    library's pass (parameters requiring grad, the gradient with create_graph=True through the whole
    model from the input, then the Hessian-vector product at layer4). like-for-like: frozen, layer4's
    output detached as the leaf, both differentiations through avgpool + fc only."""
    if user:
        store = {}
        handle = model.layer4.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
        xg = x.clone().requires_grad_(True)
        logits = model(xg)
        handle.remove()
        a = store["a"]
        (g,) = torch.autograd.grad(rest(logits, cls), a, create_graph=True)
    else:
        a, _ = layer4(model, x)
        a = a[None].detach().requires_grad_(True)
        logits = model.fc(torch.flatten(model.avgpool(a), 1))
        (g,) = torch.autograd.grad(rest(logits, cls), a, create_graph=True)
    (hvp,) = torch.autograd.grad(g, a, grad_outputs=a.detach(), allow_unused=True)
    hvp = torch.zeros_like(g) if hvp is None else hvp
    w = (g - 0.5 * hvp).detach()[0].mean(dim=(1, 2))
    return scale((w[:, None, None] * a.detach()[0]).sum(0), x)


def smoothgradcampp(model, x, cls, user, seed=0):
    """TorchCAM SmoothGradCAMpp at layer4 (its default for ResNet): D^p = mean over noisy inputs
    x + N(0, std^2) of (dy/dA)^p, alpha = D2 / (2 D2 + sum(A) D3 + 1e-8), w = sum(alpha relu(D1)),
    on the clean activations. user: TorchCAM's loop, the clean forward then one forward + backward
    per sample (parameters requiring grad); like-for-like: frozen, the samples in one batch."""
    gen = torch.Generator().manual_seed(seed)
    noisy = x + SGCPP_STD * torch.randn((SGCPP_SAMPLES,) + tuple(x.shape[1:]), generator=gen)
    store = {}
    handle = model.layer4.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
    try:
        with torch.no_grad():
            model(x)
        a = store["a"][0]
        if user:
            grads = []
            for i in range(SGCPP_SAMPLES):
                xi = noisy[i:i + 1].clone().requires_grad_(True)
                logits = model(xi)
                store["a"].register_hook(lambda g: grads.append(g))
                model.zero_grad()
                logits[0, cls].backward()
            g = torch.cat(grads)
        else:
            # The noisy batch's layer4 output as the autograd leaf: the backward runs avgpool + fc only.
            handle.remove()
            handle = model.layer4.register_forward_hook(lambda m, i, o: store.__setitem__("a", o.detach().requires_grad_()) or store["a"])
            logits = model(noisy)
            (g,) = torch.autograd.grad(logits[:, cls].sum(), store["a"])
    finally:
        handle.remove()
    d1, d2, d3 = g.mean(0), (g ** 2).mean(0), (g ** 3).mean(0)
    alpha = d2 / (2 * d2 + a.sum(dim=(1, 2))[:, None, None] * d3 + 1e-8)
    w = (alpha * d1.clamp(min=0)).sum(dim=(1, 2))
    return scale((w[:, None, None] * a).sum(0), x)


def occlusion(model, x, cls, batch):
    """Captum Occlusion, sliding window (3, w, w), strides (3, s, s), baseline 0: each pixel's mean
    over the windows covering it of y_c(x) - y_c(x occluded). batch = perturbations_per_eval
    (Captum's default 1 is the user-facing row)."""
    h, w = x.shape[2:]
    ny = math.ceil((h - OCCLUSION_WINDOW) / OCCLUSION_STRIDE) + 1
    nx = math.ceil((w - OCCLUSION_WINDOW) / OCCLUSION_STRIDE) + 1
    boxes = [(i * OCCLUSION_STRIDE, j * OCCLUSION_STRIDE) for i in range(ny) for j in range(nx)]
    total, count = torch.zeros(h, w), torch.zeros(h, w)
    with torch.no_grad():
        base = model(x)[0, cls]
        for start in range(0, len(boxes), batch):
            chunk = boxes[start:start + batch]
            rows = x.repeat(len(chunk), 1, 1, 1)
            for r, (i, j) in enumerate(chunk):
                rows[r, :, i:i + OCCLUSION_WINDOW, j:j + OCCLUSION_WINDOW] = 0
            scores = model(rows)[:, cls]
            for r, (i, j) in enumerate(chunk):
                total[i:i + OCCLUSION_WINDOW, j:j + OCCLUSION_WINDOW] += base - scores[r]
                count[i:i + OCCLUSION_WINDOW, j:j + OCCLUSION_WINDOW] += 1
    return scale(total / count, x)


def rise(model, x, cls, seed=0):
    """RISE (Petsiuk et al.; the authors' generate_masks + explain): N binary s x s grids kept with
    probability p, bilinear up to (s + 1) cells, a random crop; sum_i softmax(y(x * M_i))_c M_i / (N p),
    masked inputs in batches."""
    h, w = x.shape[2:]
    gen = torch.Generator().manual_seed(seed)
    ch, cw = math.ceil(h / RISE_CELLS), math.ceil(w / RISE_CELLS)
    grids = (torch.rand(RISE_MASKS, 1, RISE_CELLS, RISE_CELLS, generator=gen) < RISE_P).float()
    big = F.interpolate(grids, size=((RISE_CELLS + 1) * ch, (RISE_CELLS + 1) * cw), mode="bilinear", align_corners=False)
    shifts = torch.randint(0, ch, (RISE_MASKS, 2), generator=gen)
    masks = torch.stack([big[i, 0, dy:dy + h, dx:dx + w] for i, (dy, dx) in enumerate(shifts.tolist())])
    sal = torch.zeros(h, w)
    with torch.no_grad():
        for s in range(0, RISE_MASKS, BATCH):
            m = masks[s:s + BATCH]
            p = torch.softmax(model(x * m[:, None]), 1)[:, cls]
            sal += (p[:, None, None] * m).sum(0)
    return scale(sal / (RISE_MASKS * RISE_P), x)


NEIGHBOURS = [((1, 1), 1 / 12), ((0, 1), 1 / 6), ((-1, 1), 1 / 12), ((1, -1), 1 / 12),
              ((0, -1), 1 / 6), ((-1, -1), 1 / 12), ((1, 0), 1 / 6), ((-1, 0), 1 / 6)]


def impute(img, keep):
    """pytorch-grad-cam NoisyLinearImputer with noise 0: each removed pixel the weighted mean of its
    in-bounds neighbours, one sparse system (lil_matrix, then scipy's spsolve on its CSC form)."""
    from scipy.sparse import lil_matrix, csc_matrix
    from scipy.sparse.linalg import spsolve
    c, h, w = img.shape
    flat = keep.reshape(-1)
    missing = np.flatnonzero(flat == 0)
    index = np.zeros(flat.size, dtype=int)
    index[missing] = np.arange(len(missing))
    a = lil_matrix((len(missing), len(missing)))
    b = np.zeros((len(missing), c))
    total = np.ones(len(missing))
    pixels = img.reshape(c, -1)
    for (dy, dx), weight in NEIGHBOURS:
        y, xx = missing // w + dy, missing % w + dx
        valid = (y >= 0) & (xx >= 0) & (y < h) & (xx < w)
        target = missing + dy * w + dx
        rows, cols = np.flatnonzero(valid), target[valid]
        known = flat[cols] > 0.5
        b[rows[known], :] -= weight * pixels[:, cols[known]].T
        a[rows[~known], index[cols[~known]]] = weight
        total[~valid] -= weight
    a[np.arange(len(missing)), np.arange(len(missing))] = -total
    out = pixels.copy()
    out[:, missing] = spsolve(csc_matrix(a), b).reshape(len(missing), -1).T
    return out.reshape(img.shape)


def road(model, x, cam, cls, user):
    """pytorch-grad-cam ROADCombined: per percentile, MoRF keeps cam < percentile(cam), LeRF
    1 - cam; the logit after imputation minus before. user: the library's calls (each percentile and
    order re-runs the model on the input too, then on its one imputed image); like-for-like: the
    input once and the 18 imputed images in batches."""
    img = x[0].numpy()
    images, before = [], None
    with torch.no_grad():
        for morf in (True, False):
            for p in ROAD_PERCENTILES:
                m = cam if morf else 1 - cam
                keep = np.float32(m < np.percentile(m, p))
                imputed = torch.from_numpy(impute(img, keep)).float()[None]
                if user:
                    before = float(model(x)[0, cls])
                    images.append(float(model(imputed)[0, cls]) - before)
                else:
                    images.append(imputed)
        if user:
            changes = images
        else:
            before = float(model(x)[0, cls])
            rows = torch.cat(images)
            changes = [float(v) - before for v in torch.cat([model(rows[s:s + BATCH])[:, cls] for s in range(0, len(rows), BATCH)])]
    n = len(ROAD_PERCENTILES)
    return dict(morf=changes[:n], lerf=changes[n:])


def methods(args):
    """Issue 13's methods on the predicted class: a user-facing row (the reference library as
    people run it) and a like-for-like row (PyTorch doing what Explain does) where they differ."""
    user_model, x = model_and_input(args)
    lean_model, _ = model_and_input(args)
    frozen(lean_model)
    _, y = layer4(lean_model, x)
    cls = int(y.argmax())
    few = max(1, args.iterations)
    r, maps = {}, {}
    only = [m for m in args.only.split(",") if m]
    if only:   # a quick re-check of some rows (the fast methods only), as MethodsBench's --only
        for name, fn in (("fullgrad", fullgrad), ("shapleycam", shapleycam), ("smoothgradcampp", smoothgradcampp)):
            if name in only or name.replace("pp", "++") in only:
                r[name + "_user_ms"], _ = timed(lambda: fn(user_model, x, cls, True), 1, few)
                r[name + "_ms"], _ = timed(lambda: fn(lean_model, x, cls, False), 1, few)
        return r
    for name, fn in (("fullgrad", fullgrad), ("shapleycam", shapleycam), ("smoothgradcampp", smoothgradcampp)):
        r[name + "_user_ms"], _ = timed(lambda: fn(user_model, x, cls, True), 1, few)
        r[name + "_ms"], _ = timed(lambda: fn(lean_model, x, cls, False), 1, few)
        maps[name] = fn(lean_model, x, cls, False)
        if name != "smoothgradcampp":   # the user-facing pass computes the same map (a check of this script)
            np.testing.assert_allclose(fn(user_model, x, cls, True), maps[name], atol=1e-3)
    frozen(user_model)   # the perturbation methods run under no_grad on both rows
    r["occlusion_user_ms"], _ = timed(lambda: occlusion(user_model, x, cls, 1), 0, 1)
    r["occlusion_ms"], _ = timed(lambda: occlusion(lean_model, x, cls, BATCH), 1, 1)
    maps["occlusion"] = occlusion(lean_model, x, cls, BATCH)
    r["rise_ms"], _ = timed(lambda: rise(lean_model, x, cls), 0, 1)
    maps["rise"] = rise(lean_model, x, cls)
    cam = SuffixGrad(lean_model).maps(x, ["gradcam"], [cls])[0]
    out = {}
    r["road_user_ms"], _ = timed(lambda: out.setdefault("user", road(user_model, x, cam, cls, True)), 0, 1)
    r["road_ms"], _ = timed(lambda: out.setdefault("lean", road(lean_model, x, cam, cls, False)), 0, 1)
    if args.maps:
        os.makedirs(args.maps, exist_ok=True)
        for name, m in maps.items():
            np.save(os.path.join(args.maps, f"pytorch-{name}.npy"), m.astype(np.float32))
        np.save(os.path.join(args.maps, "pytorch-gradcam.npy"), cam.astype(np.float32))
        json.dump(dict(cls=cls, **out["lean"]), open(os.path.join(args.maps, "pytorch-road.json"), "w"))
    return r


# ---------------------------------------------------------------------------------------------
# Issue 14's batch: 8 images, 8 different targets (image i: its class of rank i), Grad-CAM at layer4.

def batch(args):
    """pytorch-grad-cam's batched call (user-facing: GradCAM(model, [layer4])(input_tensor=batch,
    targets=[ClassifierOutputTarget(c_i)]) — parameters requiring grad, hooks, one forward of the 8,
    the sum of the 8 targets backpropagated once) and PyTorch doing the same at its best (frozen
    parameters, the layer4 output as the autograd leaf, one backward)."""
    user_model, _ = model_and_input(args)
    lean_model, _ = model_and_input(args)
    frozen(lean_model)
    x = torch.from_numpy(np.load(args.batch))
    assert x.shape == (8, 3, 224, 224), x.shape
    with torch.no_grad():
        classes = [int(lean_model(x[i:i + 1])[0].argsort(descending=True)[i]) for i in range(8)]
    rows = torch.arange(8)
    store = {}
    user_model.layer4.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
    user_model.layer4.register_full_backward_hook(lambda m, gi, go: store.__setitem__("g", go[0]))

    def user():
        logits = user_model(x)
        user_model.zero_grad()
        logits[rows, torch.tensor(classes)].sum().backward()
        a, g = store["a"].detach(), store["g"].detach()
        return [cam_map("gradcam", a[i], g[i], x) for i in range(8)]

    def lean():
        leaf = {}

        def hook(_, __, out):
            leaf["a"] = out.detach().requires_grad_()
            return leaf["a"]
        handle = lean_model.layer4.register_forward_hook(hook)
        try:
            logits = lean_model(x)
        finally:
            handle.remove()
        (g,) = torch.autograd.grad(logits[rows, torch.tensor(classes)].sum(), leaf["a"])
        a = leaf["a"].detach()
        return [cam_map("gradcam", a[i], g[i], x) for i in range(8)]

    r = {}
    r["batch_gradcam_user_ms"], _ = timed(user, 2, args.iterations)
    r["batch_gradcam_ms"], _ = timed(lean, 2, args.iterations)
    if args.maps:
        os.makedirs(args.maps, exist_ok=True)
        maps = np.stack(lean()).astype(np.float32)
        np.testing.assert_allclose(np.stack(user()), maps, atol=1e-4)
        np.save(os.path.join(args.maps, "pytorch-batch-gradcam.npy"), maps)
        json.dump(classes, open(os.path.join(args.maps, "pytorch-batch-classes.json"), "w"))
    return r


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["engine", "cam", "methods", "batch"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--input", required=True, help="the shared input .npy (make_models.py)")
    parser.add_argument("--maps", default="", help="folder for the top-1 Grad-CAM map and top-5 classes")
    parser.add_argument("--only", default="", help="methods: a comma-separated subset of fullgrad, shapleycam, smoothgradcam++")
    parser.add_argument("--heavy", default="yes", help="also full Ablation-CAM and Score-CAM (minutes)")
    parser.add_argument("--batch", default="", help="batch: the 8 images (make_batch.py)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = {"engine": engine, "cam": cam, "methods": methods, "batch": batch}[args.mode](args)
    result.update(impl="pytorch", threads=args.threads, torch=torch.__version__,
                  peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
