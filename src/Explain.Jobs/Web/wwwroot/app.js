// The Explain web UI: plain browser JavaScript over the JSON API of the host that serves it
// (GET /v1/models, GET /v1/models/{name}, POST /v1/jobs, GET /v1/jobs/{id}/events). No network
// beyond that origin, no build step. With authentication on, every API call carries the key the
// user typed as `authorization: Bearer …` (kept in this tab's sessionStorage only).
'use strict';
const $ = id => document.getElementById(id);
const ui = {
  key: sessionStorage.getItem('explain-key') || '',
  description: null, card: null,
  image: null, // { name, type, bytes, base64, bitmap }
  predictions: [], predictRun: 0,
  job: null, heatmaps: [], jobPredictions: null, metrics: null, timings: null,
};

class AuthError extends Error {}

function setState(state) { document.body.dataset.state = state; }

function showError(message) {
  $('error').textContent = message;
  if (message) setState('error');
}

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (ui.key) headers.authorization = 'Bearer ' + ui.key;
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401 || response.status === 403) {
    showAuth(ui.key ? (response.status === 403 ? 'this key may not use the service' : 'the server refused this key') : '');
    throw new AuthError('authentication needed');
  }
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).message || message; } catch { /* not JSON */ }
    throw new Error(`${response.status} ${message}`);
  }
  return response;
}

const postJson = (path, body) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// A server-streaming JSON response: one JSON object per message, one after another.
async function* jsonStream(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '', scanned = 0, depth = 0, start = 0, inString = false, escaped = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let i = scanned; i < buffer.length; i++) {
      const c = buffer[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') { if (depth++ === 0) start = i; }
      else if (c === '}' && --depth === 0) {
        yield JSON.parse(buffer.slice(start, i + 1));
        buffer = buffer.slice(i + 1);
        i = -1;
      }
    }
    scanned = buffer.length;
  }
}

function showAuth(message) {
  $('auth').hidden = false;
  $('auth-error').textContent = message;
  setState('auth');
}

$('auth').addEventListener('submit', event => {
  event.preventDefault();
  ui.key = $('api-key').value.trim();
  sessionStorage.setItem('explain-key', ui.key);
  $('auth').hidden = true;
  loadModels();
});

async function loadModels() {
  try {
    const { models = [] } = await (await api('/v1/models')).json();
    const select = $('model');
    select.replaceChildren(...models.map(m => {
      const option = new Option(m.available === false ? `${m.name} (unavailable)` : m.name, m.name);
      option.disabled = m.available === false;
      option.title = m.description || m.unavailableReason || '';
      return option;
    }));
    const preferred = models.find(m => m.name === 'mobilenet_v2' && m.available !== false) || models.find(m => m.available !== false);
    if (preferred) select.value = preferred.name;
    await loadModel();
  } catch (e) {
    if (!(e instanceof AuthError)) showError('Could not list the models: ' + e.message);
  }
}

async function loadModel() {
  const name = $('model').value;
  if (!name) return;
  ui.description = await (await api('/v1/models/' + encodeURIComponent(name))).json();
  ui.card = JSON.parse(ui.description.cardJson || '{}');
  const input = ui.card.input || {};
  const about = (ui.description.description || '').replace(/([^.!?])$/, '$1.');
  $('model-info').textContent = `${about} Input ${input.width}×${input.height}, ${ui.description.labelsCount} classes, maps at ${ui.description.defaultTargetLayer}.`;
  const methods = $('methods');
  const chosen = new Set([...methods.querySelectorAll('input:checked')].map(i => i.value));
  if (chosen.size === 0) chosen.add('gradcam');
  methods.replaceChildren(methods.firstElementChild ?? document.createElement('legend'), ...(ui.description.methods || []).map(m => {
    const label = document.createElement('label');
    label.innerHTML = `<input type="checkbox" name="method" value="${m}"> ${m}`;
    label.firstChild.checked = chosen.has(m);
    return label;
  }));
  methods.firstElementChild.textContent = 'Methods';
  setState('model');
  if (ui.image) await predict();
}

$('model').addEventListener('change', () => loadModel().catch(e => e instanceof AuthError || showError(e.message)));

// ---- the photo ----
async function useFile(file) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bitmap;
  try { bitmap = await createImageBitmap(file); } catch { showError(`${file.name} is not a picture this browser can decode`); return; }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  ui.image = { name: file.name, type: file.type, bytes, base64: btoa(binary), bitmap };
  const preview = $('preview');
  preview.width = bitmap.width; preview.height = bitmap.height;
  preview.getContext('2d').drawImage(bitmap, 0, 0);
  preview.hidden = false;
  await predict();
}

$('image').addEventListener('change', () => useFile($('image').files[0]));
const drop = $('drop');
drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', e => { e.preventDefault(); drop.classList.remove('over'); useFile(e.dataTransfer.files[0]); });

// The top predictions come from a quick job: Grad-CAM of the top class with only the small
// layer-resolution map and no overlay; its PREDICTIONS event holds the model's top 5.
async function predict() {
  const run = ++ui.predictRun;
  setState('predicting');
  showError('');
  $('run').disabled = true;
  $('predictions').replaceChildren();
  $('predictions-note').textContent = 'Asking the model…';
  try {
    const ticket = await (await postJson('/v1/jobs', {
      model: $('model').value, image: ui.image.base64, methods: ['gradcam'],
      options: { omitOverlay: true, resolution: 'MAP_RESOLUTION_LAYER' },
    })).json();
    const stop = new AbortController();
    const response = await api(`/v1/jobs/${ticket.jobId}/events`, { signal: stop.signal });
    for await (const event of jsonStream(response)) {
      if (event.predictions) {
        stop.abort();
        if (run === ui.predictRun) showPredictions(event.predictions.predictions || []);
        return;
      }
      if (event.failed) throw new Error(event.failed.status.message);
    }
    throw new Error('the quick job ended without predictions');
  } catch (e) {
    if (!(e instanceof AuthError) && run === ui.predictRun) showError('Prediction failed: ' + e.message);
  }
}

function showPredictions(predictions) {
  ui.predictions = predictions;
  $('predictions-note').textContent = 'Top predictions (softmax probability). Tick the classes to explain.';
  $('predictions').replaceChildren(...predictions.map((p, i) => {
    const li = document.createElement('li');
    const percent = (p.probability * 100).toFixed(1);
    li.dataset.class = p.classIndex ?? 0;
    li.dataset.probability = p.probability;
    li.innerHTML = `<label><input type="checkbox" name="class" value="${p.classIndex ?? 0}"${i === 0 ? ' checked' : ''}>
      <span class="name"></span><span class="bar"><span style="width:${percent}%"></span></span><span class="p">${percent} %</span></label>`;
    li.querySelector('.name').textContent = `${p.label} (${p.classIndex ?? 0})`;
    return li;
  }));
  $('run').disabled = false;
  setState('ready');
}

function chosenClasses() {
  const classes = [...document.querySelectorAll('#predictions input:checked')].map(i => Number(i.value));
  const count = ui.description.labelsCount;
  for (const part of $('extra-classes').value.split(/[\s,]+/).filter(Boolean)) {
    const k = Number(part);
    if (!Number.isInteger(k) || k < 0 || k >= count) throw new Error(`class '${part}' is not an index from 0 to ${count - 1}`);
    classes.push(k);
  }
  return [...new Set(classes)];
}

// ---- colour ----
// Jet as OpenCV's COLORMAP_JET (the server's overlays): dark blue at 0, dark red at 1.
function jet(v) {
  const c = x => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - x))));
  return [c(3), c(2), c(1)];
}
$('legend-bar').style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(v => `rgb(${jet(v)})`).join(', ')})`;

// The photo as the model saw it: resized (shorter side) and centre-cropped as model.json says.
function drawModelView(canvas) {
  const { bitmap } = ui.image, input = ui.card.input, pre = ui.card.preprocess || {};
  const scale = pre.resize_shorter_to ? pre.resize_shorter_to / Math.min(bitmap.width, bitmap.height) : 1;
  const [cropH, cropW] = pre.center_crop || [input.height, input.width];
  const left = (bitmap.width * scale - cropW) / 2, top = (bitmap.height * scale - cropH) / 2;
  canvas.width = input.width; canvas.height = input.height;
  canvas.getContext('2d').drawImage(bitmap, left / scale, top / scale, cropW / scale, cropH / scale, 0, 0, input.width, input.height);
}

function drawHeat(canvas, heatmap) {
  const [a, b, c] = heatmap.shape;
  const guided = heatmap.shape.length === 3;
  const height = guided ? b : a, width = guided ? c : b, map = heatmap.map, plane = height * width;
  canvas.width = width; canvas.height = height;
  const ctx = canvas.getContext('2d'), image = ctx.createImageData(width, height);
  let lo = 0, hi = 1;
  if (guided) {
    // Guided maps are faint around 0.5: stretch the 1st..99th percentile to the full range.
    const sorted = Float32Array.from(map).sort();
    lo = sorted[Math.floor(sorted.length * 0.01)]; hi = sorted[Math.ceil(sorted.length * 0.99) - 1];
    if (hi <= lo) hi = lo + 1e-6;
  }
  for (let i = 0; i < plane; i++) {
    const rgb = guided ? [0, 1, 2].map(ch => Math.round(255 * Math.min(1, Math.max(0, (map[ch * plane + i] - lo) / (hi - lo))))) : jet(map[i]);
    image.data.set([...rgb, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}

// ---- the explanation job ----
function buildGrid(methods, classes) {
  const labels = ui.description.labels || [];
  const grid = $('grid');
  const head = document.createElement('tr');
  head.innerHTML = '<th></th>';
  for (const k of classes) {
    const th = document.createElement('th');
    th.textContent = `${labels[k] ?? 'class'} (${k})`;
    head.append(th);
  }
  const rows = methods.map(m => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = m;
    tr.append(th);
    for (const k of classes) {
      const td = document.createElement('td');
      td.innerHTML = `<div class="cell pending" id="cell-${m}-c${k}" data-method="${m}" data-class="${k}"><canvas class="photo"></canvas><canvas class="heat"></canvas></div>`;
      drawModelView(td.querySelector('canvas.photo'));
      tr.append(td);
    }
    return tr;
  });
  grid.replaceChildren(head, ...rows);
  applyOpacity();
}

function applyOpacity() {
  const value = Number($('opacity').value);
  $('opacity-value').textContent = `${value} %`;
  for (const heat of document.querySelectorAll('.cell:not(.guided) canvas.heat')) heat.style.opacity = value / 100;
}
$('opacity').addEventListener('input', applyOpacity);

function showProgress(stage, done, total, etaMs) {
  let row = document.querySelector(`.stage[data-stage="${CSS.escape(stage)}"]`);
  if (!row) {
    row = document.createElement('div');
    row.className = 'stage';
    row.dataset.stage = stage;
    row.innerHTML = '<div class="text"></div><div class="track"><div class="fill"></div></div>';
    $('progress').append(row);
  }
  row.dataset.done = done;
  row.dataset.total = total;
  row.querySelector('.fill').style.width = `${(100 * done / Math.max(total, 1)).toFixed(1)}%`;
  const eta = etaMs > 0 ? `, about ${Math.ceil(etaMs / 1000)} s left` : '';
  row.querySelector('.text').textContent = done >= total ? `${stage}: done` : `${stage}: ${done} of ${total}${eta}`;
}

async function explain() {
  let classes;
  const methods = [...document.querySelectorAll('#methods input:checked')].map(i => i.value);
  try {
    classes = chosenClasses();
    if (classes.length === 0) throw new Error('tick at least one class');
    if (methods.length === 0) throw new Error('tick at least one method');
  } catch (e) { showError(e.message); return; }
  showError('');
  setState('running');
  $('run').disabled = true;
  $('download').disabled = true;
  Object.assign(ui, { heatmaps: [], jobPredictions: null, metrics: null, timings: null });
  $('progress').replaceChildren();
  $('timings').textContent = '';
  $('step-progress').hidden = false;
  $('step-results').hidden = false;
  buildGrid(methods, classes);
  const started = performance.now();
  try {
    const ticket = await (await postJson('/v1/jobs', {
      model: $('model').value, image: ui.image.base64, methods, targets: { classes },
      options: { progress: true, resolution: 'MAP_RESOLUTION_BOTH' },
    })).json();
    ui.job = ticket.jobId;
    document.body.dataset.job = ticket.jobId;
    $('job-line').textContent = `job ${ticket.jobId.slice(0, 8)}… queued`;
    const response = await api(`/v1/jobs/${ticket.jobId}/events`);
    for await (const e of jsonStream(response)) {
      if (e.started) $('job-line').textContent = `job ${ui.job.slice(0, 8)}… running on ${e.started.worker}`;
      else if (e.progress) showProgress(e.progress.stage, e.progress.done ?? 0, e.progress.total ?? 0, Number(e.progress.stageEtaMs ?? 0));
      else if (e.predictions) ui.jobPredictions = e.predictions;
      else if (e.heatmap) addHeatmap(e.heatmap);
      else if (e.metrics) ui.metrics = e.metrics;
      else if (e.completed) {
        ui.timings = e.completed.timingsMs || {};
        const total = Object.values(ui.timings).reduce((s, v) => s + v, 0);
        $('timings').textContent = `Compute ${total.toFixed(0)} ms (${Object.entries(ui.timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}); round trip ${(performance.now() - started).toFixed(0)} ms.`;
        $('job-line').textContent = `job ${ui.job.slice(0, 8)}… completed`;
        $('download').disabled = false;
        setState('done');
      } else if (e.failed) throw new Error(`the job failed: ${e.failed.status.message}`);
      else if (e.cancelled) throw new Error(`the job was cancelled: ${e.cancelled.reason}`);
    }
  } catch (e) {
    if (!(e instanceof AuthError)) showError(e.message);
  } finally {
    $('run').disabled = false;
  }
}
$('run').addEventListener('click', explain);

function addHeatmap(heatmap) {
  heatmap.classIndex ??= 0;
  ui.heatmaps.push(heatmap);
  showProgress('heatmaps', ui.heatmaps.length, heatmap.count ?? ui.heatmaps.length, 0);
  const cell = document.getElementById(`cell-${heatmap.method}-${heatmap.target}`);
  if (!cell) return;
  drawHeat(cell.querySelector('canvas.heat'), heatmap);
  cell.classList.toggle('guided', heatmap.shape.length === 3);
  cell.classList.remove('pending');
  cell.dataset.drawn = 'true';
  applyOpacity();
}

// ---- the bundle: overlays (the server's PNGs at the photo's resolution), the photo, result.json ----
function base64Bytes(text) {
  const binary = atob(text);
  return Uint8Array.from(binary, ch => ch.charCodeAt(0));
}

function bundleFiles() {
  const encoder = new TextEncoder();
  const extension = ui.image.type === 'image/jpeg' ? 'jpg' : 'png';
  const files = [{ name: `input.${extension}`, bytes: ui.image.bytes }];
  for (const h of ui.heatmaps)
    if (h.overlayPng) files.push({ name: `${h.method}-${h.target}.png`, bytes: base64Bytes(h.overlayPng) });
  const result = {
    job_id: ui.job, model: $('model').value, image: ui.image.name,
    predictions: ui.jobPredictions?.predictions ?? [], layers: ui.jobPredictions?.layers ?? [],
    maps: ui.heatmaps.map(h => ({ method: h.method, target: h.target, class: h.classIndex, label: h.label, layer: h.layer, shape: h.shape, map: h.map, raw_shape: h.rawShape, raw: h.raw, file: `${h.method}-${h.target}.png` })),
    metrics: ui.metrics?.scores ?? null, timings_ms: ui.timings,
  };
  files.push({ name: 'result.json', bytes: encoder.encode(JSON.stringify(result, null, 1)) });
  return files;
}

$('download').addEventListener('click', () => {
  const url = URL.createObjectURL(Zip.build(bundleFiles()));
  const a = document.createElement('a');
  a.href = url;
  a.download = `explain-${ui.job.slice(0, 8)}.zip`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});

loadModels();
