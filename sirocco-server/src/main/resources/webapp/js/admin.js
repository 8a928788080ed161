// The admin pages (an admin key): API keys (create, revoke), usage per key and model over the last 14 days as an
// inline SVG chart and a table, the models with what they are doing now and their memory, and the fine-tuning jobs
// with their loss curves.
import {ApiError, call} from './api.js';
import {$, el} from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAYS = 14;
const COLOURS = ['#c2410c', '#2563eb', '#16a34a', '#9333ea', '#ca8a04', '#0891b2', '#db2777', '#4b5563'];

function status(text, isError = false) {
  const s = $('admin-status');
  s.textContent = text || '';
  s.classList.toggle('error', isError);
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function when(seconds) {
  return seconds == null ? '—' : new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function cell(text, cls) {
  return el('td', {class: cls, text: String(text)});
}

async function loadKeys() {
  const keys = await call('GET', '/api/admin/keys');
  $('keys-table').tBodies[0].replaceChildren(...keys.data.map(k => {
    const revoke = k.revoked_at ? null : el('button', {type: 'button', text: 'Revoke', 'aria-label': 'Revoke ' + k.name,
      onclick: () => revokeKey(k)});
    const limits = [k.rpm ? k.rpm + ' req/min' : null, k.tpm ? k.tpm + ' tok/min' : null].filter(Boolean).join(', ') || 'none';
    const limitsCell = cell(limits, 'limits');
    const edit = k.revoked_at ? null : el('button', {type: 'button', text: 'Limits', 'aria-label': 'Change the limits of ' + k.name,
      onclick: () => editLimits(limitsCell, k)});
    return el('tr', {class: k.revoked_at ? 'revoked' : '', 'data-id': k.id},
        cell(k.name), cell(k.id), cell(k.prefix + '…'), cell(k.admin ? 'admin' : 'inference'), limitsCell,
        cell(when(k.last_used_at)), cell(k.revoked_at ? 'revoked ' + when(k.revoked_at) : 'active'), el('td', {}, edit, revoke));
  }));
  return keys.data;
}

async function createKey(event) {
  event.preventDefault();
  const body = {name: $('key-name').value.trim(), admin: $('key-admin').checked};
  if ($('key-rpm').value) {
    body.rpm = Number($('key-rpm').value);
  }
  if ($('key-tpm').value) {
    body.tpm = Number($('key-tpm').value);
  }
  try {
    const key = await call('POST', '/api/admin/keys', body);
    $('new-secret-value').textContent = key.secret;
    $('new-secret').hidden = false;
    $('key-form').reset();
    status('Created key “' + key.name + '”. Copy it now: it is not shown again.');
    await loadKeys();
  } catch (e) {
    status(e.message, true);
  }
}

function editLimits(td, k) {
  const number = (label, value) => {
    const input = el('input', {type: 'number', min: 1, step: 1, placeholder: 'no limit', 'aria-label': label + ' for ' + k.name});
    input.value = value ?? '';
    return input;
  };
  const rpm = number('Requests per minute', k.rpm);
  const tpm = number('Tokens per minute', k.tpm);
  const save = el('button', {type: 'button', class: 'primary', text: 'Save', onclick: async () => {
    try {
      await call('PATCH', '/api/admin/keys/' + encodeURIComponent(k.id),
          {rpm: rpm.value ? Number(rpm.value) : null, tpm: tpm.value ? Number(tpm.value) : null});
      status('Limits of “' + k.name + '” saved.');
      await loadKeys();
    } catch (e) {
      status(e.message, true);
    }
  }});
  td.replaceChildren(rpm, ' req/min ', tpm, ' tok/min ', save);
  rpm.focus();
}

async function revokeKey(k) {
  if (!confirm('Revoke the key “' + k.name + '”? Requests with it fail from now on.')) {
    return;
  }
  try {
    await call('POST', '/api/admin/keys/' + encodeURIComponent(k.id) + '/revoke');
    status('Revoked “' + k.name + '”.');
    await loadKeys();
  } catch (e) {
    status(e.message, true);
  }
}

function days() {
  const out = [];
  const today = new Date();
  for (let i = DAYS - 1; i >= 0; i--) {
    out.push(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i)).toISOString().slice(0, 10));
  }
  return out;
}

/** Stacked bars: tokens per day, one colour per key (or model: `field` is the row field to group by). */
function chart(rows, field, names) {
  const span = days();
  const keys = [...new Set(rows.map(r => r[field]))];
  const totals = span.map(d => rows.filter(r => r.date === d).reduce((s, r) => s + r.total_tokens, 0));
  const max = Math.max(1, ...totals);
  const W = 560, H = 180, left = 48, bottom = 20, top = 8;
  const bar = (W - left) / span.length;
  const y = v => top + (H - top - bottom) * (1 - v / max);
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `Tokens per day and ${field === 'model' ? 'model' : 'key'}, last ${DAYS} days`});
  for (const frac of [0, 0.5, 1]) {
    const v = Math.round(max * frac);
    root.append(svg('line', {x1: left, x2: W, y1: y(v), y2: y(v), class: 'grid'}),
        svg('text', {x: left - 4, y: y(v) + 3, 'text-anchor': 'end', class: 'axis'}, String(v)));
  }
  span.forEach((d, i) => {
    let base = 0;
    keys.forEach((k, ki) => {
      const v = rows.filter(r => r.date === d && r[field] === k).reduce((s, r) => s + r.total_tokens, 0);
      if (v > 0) {
        root.append(svg('rect', {x: left + i * bar + 2, width: bar - 4, y: y(base + v), height: y(base) - y(base + v),
          fill: COLOURS[ki % COLOURS.length]}, svg('title', {}, `${d} · ${names(k)}: ${v} tokens`)));
        base += v;
      }
    });
    if (i % 2 === 0 || span.length <= 7) {
      root.append(svg('text', {x: left + i * bar + bar / 2, y: H - 5, 'text-anchor': 'middle', class: 'axis'}, d.slice(5)));
    }
  });
  const legend = el('ul', {class: 'legend'}, ...keys.map((k, ki) =>
      el('li', {}, svg('svg', {viewBox: '0 0 10 10', 'aria-hidden': 'true'}, svg('rect', {width: 10, height: 10, fill: COLOURS[ki % COLOURS.length]})),
          names(k))));
  return [root, legend];
}

async function loadUsage(keys) {
  const span = days();
  const usage = await call('GET', `/v1/usage?start=${span[0]}&end=${span[span.length - 1]}`);
  const names = new Map(keys.map(k => [k.id, k.name]));
  const keyName = id => names.get(id) || id;
  const field = $('usage-group').value;
  $('usage-chart').replaceChildren(...chart(usage.data, field, field === 'model' ? (m => m) : keyName));
  const sums = new Map();
  for (const r of usage.data) {
    const id = r.key_id + '\u0000' + r.model;
    const s = sums.get(id) || {key: r.key_id, model: r.model, requests: 0, prompt: 0, completion: 0};
    s.requests += r.requests;
    s.prompt += r.prompt_tokens;
    s.completion += r.completion_tokens;
    sums.set(id, s);
  }
  $('usage-table').tBodies[0].replaceChildren(...[...sums.values()].map(s =>
      el('tr', {'data-key': s.key, 'data-model': s.model}, cell(keyName(s.key)), cell(s.model),
          cell(s.requests, 'num requests'), cell(s.prompt, 'num'), cell(s.completion, 'num'))));
}

function mib(bytes) {
  return bytes == null ? '—' : (bytes / (1 << 20)).toFixed(bytes < (10 << 20) ? 1 : 0) + ' MiB';
}

async function loadModels() {
  const models = await call('GET', '/api/admin/models');
  $('models-table').tBodies[0].replaceChildren(...models.data.map(m =>
      el('tr', {}, cell(m.id), cell(m.context_size, 'num'), cell(m.loaded ? 'loaded' : 'on disk'),
          cell(m.active_sequences ?? '—', 'num'), cell(m.queued ?? '—', 'num'), cell(mib(m.memory_bytes), 'num memory'))));
}

/** A job's training loss (solid) and validation loss (dashed) over its checkpoints' steps. */
function lossCurve(job, checkpoints) {
  const points = checkpoints.map(c => ({step: c.step_number, train: c.metrics?.train_loss, valid: c.metrics?.valid_loss}))
      .filter(p => p.train != null).sort((a, b) => a.step - b.step);
  if (!points.length) {
    return document.createTextNode('no checkpoint yet');
  }
  const W = 220, H = 64, pad = 4;
  const values = points.flatMap(p => p.valid != null ? [p.train, p.valid] : [p.train]);
  const lo = Math.min(...values), hi = Math.max(...values);
  const last = points[points.length - 1].step, first = points[0].step;
  const x = s => pad + (W - 2 * pad) * (last === first ? 1 : (s - first) / (last - first));
  const y = v => pad + (H - 2 * pad) * (hi === lo ? 0.5 : 1 - (v - lo) / (hi - lo));
  const line = (key, cls) => svg('polyline', {class: cls, fill: 'none',
    points: points.filter(p => p[key] != null).map(p => `${x(p.step).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ')});
  const end = points[points.length - 1];
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, class: 'loss', role: 'img',
    'aria-label': `Loss of ${job.id}: ${points[0].train.toFixed(3)} at step ${first}, ${end.train.toFixed(3)} at step ${last}`},
    line('train', 'train-loss'), line('valid', 'valid-loss'));
  return root;
}

async function loadJobs() {
  let jobs;
  try {
    jobs = await call('GET', '/v1/fine_tuning/jobs?limit=20');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      $('jobs-empty').textContent = 'This server runs no fine-tuning jobs.';
      $('jobs-empty').hidden = false;
      $('jobs-table').tBodies[0].replaceChildren();
      return;
    }
    throw e;
  }
  $('jobs-empty').hidden = jobs.data.length > 0;
  $('jobs-empty').textContent = 'No fine-tuning jobs yet.';
  const rows = await Promise.all(jobs.data.map(async job => {
    const checkpoints = await call('GET', `/v1/fine_tuning/jobs/${encodeURIComponent(job.id)}/checkpoints?limit=100`);
    return el('tr', {'data-job': job.id}, cell(job.id), cell(job.model), cell(job.status, 'status'),
        cell(job.fine_tuned_model || '—'), el('td', {class: 'curve'}, lossCurve(job, checkpoints.data)));
  }));
  $('jobs-table').tBodies[0].replaceChildren(...rows);
}

export async function refreshAdmin() {
  status('');
  try {
    const keys = await loadKeys();
    await Promise.all([loadUsage(keys), loadModels(), loadJobs()]);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 401)) {
      status('The admin pages need an admin key (sirocco keys create --admin): sign in with one.', true);
    } else {
      status(e.message, true);
    }
  }
}

export function showAdmin() {
  document.querySelector('main.chat').hidden = true;
  $('admin-view').hidden = false;
  $('new-secret').hidden = true;
  refreshAdmin();
}

export function hideAdmin() {
  $('admin-view').hidden = true;
  document.querySelector('main.chat').hidden = false;
}

$('key-form').addEventListener('submit', createKey);
$('admin-refresh').addEventListener('click', refreshAdmin);
$('usage-group').addEventListener('change', refreshAdmin);
$('new-secret-copy').addEventListener('click', () => navigator.clipboard.writeText($('new-secret-value').textContent)
    .then(() => status('Copied.'), e => status('The browser refused to copy: ' + e.message, true)));
