// The node dashboard: reads the node's own JSON APIs every POLL_MS and redraws. Read-only.
// Data is written with textContent only (model names and error messages are user input).
// An API key, when the node has one, is kept in this tab's sessionStorage and sent as a
// Bearer header; it never goes into the URL, the page or the console.
'use strict';

const POLL_MS = 2000;
const KEY_ITEM = 'byzerllm.apiKey';

function apiKey() {
  return sessionStorage.getItem(KEY_ITEM) || '';
}

// One GET of a JSON API: {status, body}; body is null unless the answer was 2xx JSON.
// A node that cannot be reached gives status 0. Never throws, so nothing reaches the console.
async function getJson(path) {
  const headers = { 'Accept': 'application/json' };
  const key = apiKey();
  if (key) {
    headers['Authorization'] = 'Bearer ' + key;
  }
  try {
    const response = await fetch(path, { headers: headers, cache: 'no-store' });
    if (!response.ok) {
      return { status: response.status, body: null };
    }
    return { status: response.status, body: await response.json() };
  } catch (e) {
    return { status: 0, body: null };
  }
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (className) {
    e.className = className;
  }
  return e;
}

function row(cells, numeric) {
  const tr = el('tr');
  cells.forEach((c, i) => tr.appendChild(el('td', c, numeric && numeric[i] ? 'num' : undefined)));
  return tr;
}

function number(v, digits) {
  if (typeof v !== 'number') {
    return '';
  }
  return Number.isInteger(v) ? String(v) : v.toFixed(digits === undefined ? 3 : digits).replace(/\.?0+$/, '');
}

function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function drawNodes(cluster) {
  const tbody = document.querySelector('#nodes tbody');
  if (!cluster) {
    replaceRows(tbody, []);
    return;
  }
  document.getElementById('node-name').textContent = cluster.self || '';
  replaceRows(tbody, (cluster.nodes || []).map(n => {
    const marks = [];
    if (n.address === cluster.self) marks.push('this node');
    if (n.address === cluster.leader) marks.push('leader');
    const r = n.resources || {};
    const u = n.used || {};
    return row([
      n.address + (marks.length ? ' (' + marks.join(', ') + ')' : ''),
      n.http || '',
      n.status,
      number(u.cpus) + '/' + number(r.cpus),
      number(u.gpus) + '/' + number(r.gpus)]);
  }));
}

function workerTable(workers) {
  const table = el('table');
  const head = el('tr');
  ['Worker', 'Node', 'State', 'In flight/permits', 'Queued', 'Requests', 'Errors', 'p50 ms', 'p99 ms']
    .forEach(h => head.appendChild(el('th', h)));
  table.appendChild(el('thead')).appendChild(head);
  const body = table.appendChild(el('tbody'));
  workers.forEach(w => body.appendChild(row([
    w.index + ' (gen ' + w.generation + ')', w.node, w.state, w.in_flight + '/' + w.permits, w.queued,
    w.requests, w.errors, number(w.p50_ms, 1), number(w.p99_ms, 1)],
    [false, false, false, true, true, true, true, true, true])));
  return table;
}

function drawDeployments(list) {
  const box = document.getElementById('deployments');
  if (!list) {
    box.replaceChildren(el('p', 'no data', 'muted'));
    return;
  }
  const deployments = list.deployments || [];
  if (deployments.length === 0) {
    box.replaceChildren(el('p', 'no models deployed', 'muted'));
    return;
  }
  box.replaceChildren(...deployments.map(d => {
    const part = el('div', undefined, 'deployment');
    part.dataset.model = d.model;
    const workers = d.workers || [];
    const ready = workers.filter(w => w.state === 'ready').length;
    const title = el('h3', d.model);
    title.appendChild(el('span', ' ' + d.pretrained_model_type + ', ' + d.state + ', ' + ready + '/' + d.num_workers
      + ' workers ready, concurrency ' + d.worker_concurrency
      + (d.missing_workers > 0 ? ', ' + d.missing_workers + ' waiting for room' : ''), 'muted'));
    part.appendChild(title);
    part.appendChild(workers.length ? workerTable(workers) : el('p', 'no workers running', 'muted'));
    return part;
  }));
}

function drawErrors(answer) {
  const tbody = document.querySelector('#errors tbody');
  const note = document.getElementById('errors-note');
  if (answer.status === 404) {
    replaceRows(tbody, []);
    note.textContent = 'no error data (this node does not record recent errors)';
    return;
  }
  if (!answer.body) {
    replaceRows(tbody, []);
    note.textContent = 'no error data';
    return;
  }
  const errors = answer.body.errors || [];
  note.textContent = errors.length ? '' : 'no recent errors';
  replaceRows(tbody, errors.map(e => row([e.time, e.model, e.endpoint, e.status, e.message],
    [false, false, false, true, false])));
}

function drawStatus(answers) {
  const status = document.getElementById('status');
  const refused = answers.find(a => a.status === 401 || a.status === 403);
  const unreachable = answers.every(a => a.status === 0);
  const failed = answers.find(a => a.status >= 500);
  if (unreachable) {
    status.textContent = 'the node does not answer; retrying every ' + POLL_MS / 1000 + ' s';
    status.className = 'problem';
  } else if (refused) {
    status.textContent = apiKey() ? 'the node refused this API key (' + refused.status + '); enter another above'
      : 'this node needs an API key: enter it above (kept in this browser tab only)';
    status.className = 'problem';
  } else if (failed) {
    status.textContent = 'the node answered ' + failed.status + '; retrying';
    status.className = 'problem';
  } else {
    status.textContent = 'updated ' + new Date().toLocaleTimeString() + ', every ' + POLL_MS / 1000 + ' s';
    status.className = 'muted';
  }
}

async function refresh() {
  const [cluster, deployments, errors] = await Promise.all([
    getJson('/api/cluster'), getJson('/api/deployments'), getJson('/api/errors/recent')]);
  drawNodes(cluster.body);
  drawDeployments(deployments.body);
  drawErrors(errors);
  drawStatus([cluster, deployments]);
}

async function poll() {
  await refresh();
  setTimeout(poll, POLL_MS);
}

function useKey(event) {
  event.preventDefault();
  const input = document.getElementById('api-key');
  if (input.value) {
    sessionStorage.setItem(KEY_ITEM, input.value);
  }
  input.value = '';
  refresh();
}

document.getElementById('key-form').addEventListener('submit', useKey);

document.getElementById('forget-key').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_ITEM);
  refresh();
});

poll();
