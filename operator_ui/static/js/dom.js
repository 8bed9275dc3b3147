// dom.js builds elements and formats values. Text always goes in as text
// nodes, never as HTML, so nothing the API returns can inject markup.

// h creates an element: h('a', {href: '/x', class: 'btn'}, 'text', child).
// Props starting with "on" add event listeners; null, undefined and false
// children are skipped; arrays are flattened.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' || k === 'checked' || k === 'selected') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// replace swaps the children of el for the given ones.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
// nextID returns a fresh element id with the prefix, for label/for pairs.
export function nextID(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

// field is a labelled control: field('Name', input, 'hint').
export function field(label, control, hint) {
  if (!control.id) control.id = nextID('f');
  const parts = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hid = nextID('hint');
    control.setAttribute('aria-describedby', hid);
    parts.push(h('span', { class: 'hint', id: hid }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

// notice is a message box; kind is '', 'error', 'success' or 'warn'.
export function notice(kind, ...children) {
  const role = kind === 'error' ? 'alert' : null;
  return h('div', { class: `notice ${kind}`, role }, children);
}

// empty is an empty state: a sentence and an optional action.
export function empty(text, action) {
  return h('div', { class: 'empty card' }, h('p', {}, text), action || null);
}

// table builds a responsive table: columns [{label, cell(row) -> node|string, class}].
export function table(columns, rows, { caption, rowProps } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'responsive' },
      caption ? h('caption', { class: 'muted', style: 'text-align:left' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', rowProps ? rowProps(r) : {},
        columns.map((c) => h('td', { 'data-label': c.label, class: c.class }, c.cell(r))))))));
}

// jsonBlock shows a value as formatted JSON.
export function jsonBlock(value, extraClass = '') {
  return h('pre', { class: `json ${extraClass}`, tabindex: '0' }, formatJSON(value));
}

export function formatJSON(value) {
  if (value === undefined) return '—';
  return JSON.stringify(value, null, 2);
}

const statusKinds = {
  completed: 'ok', confirmed: 'ok', healthy: 'ok', active: 'ok',
  errored: 'bad', reverted: 'bad', unhealthy: 'bad',
  cancelled: '', archived: '',
  in_progress: 'info', unstarted: 'info', mined: 'info',
};

// badge shows a status with its colour; unknown statuses and pending_*
// pauses are amber.
export function badge(status, label) {
  const kind = status in statusKinds ? statusKinds[status] : 'warn';
  return h('span', { class: `badge ${kind}`, 'data-status': status }, label || humanize(status));
}

export function humanize(s) {
  return String(s ?? '').replaceAll('_', ' ');
}

// finished reports whether a run status is final.
export function finished(status) {
  return status === 'completed' || status === 'errored' || status === 'cancelled';
}

const pad = (n) => String(n).padStart(2, '0');

// timeEl shows an ISO time in local time, the full value in its title.
export function timeEl(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', {}, iso);
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return h('time', { datetime: iso, title: `${iso} (${ago(iso)})`, class: 'nowrap' }, text);
}

// ago is a short relative time: "12 s ago".
export function ago(iso) {
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(s)) return '';
  if (s < 0) return 'in the future';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

// duration formats the time between two ISO times (or until now).
export function duration(fromISO, toISO) {
  if (!fromISO) return '—';
  const ms = (toISO ? new Date(toISO) : new Date()) - new Date(fromISO);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60000);
  if (m < 60) return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

// units formats an integer amount in the smallest unit (wei, juels) as a
// decimal with the given places shown, exactly (BigInt, no float).
export function units(amount, symbol, decimals = 18, shown = 4) {
  if (amount === null || amount === undefined || amount === '') return h('span', { class: 'muted', title: 'unknown: the chain could not be asked' }, `— ${symbol}`);
  let v;
  try { v = BigInt(amount); } catch { return `${amount} ${symbol}`; }
  const neg = v < 0n;
  if (neg) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let frac = (v % base).toString().padStart(decimals, '0').slice(0, shown).replace(/0+$/, '');
  const text = `${neg ? '-' : ''}${whole.toLocaleString('en-US')}${frac ? '.' + frac : ''} ${symbol}`;
  return h('span', { class: 'nowrap', title: `${amount} (smallest unit)` }, text);
}

// short abbreviates a long hex string: 0x1234…cdef.
export function short(hex, keep = 6) {
  if (!hex || hex.length <= keep * 2 + 3) return hex || '';
  return `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}`;
}

// mono shows a hex value in a monospace span that may break anywhere.
export function mono(text, title) {
  return h('span', { class: 'mono break', title: title || null }, text);
}

// toast shows a short message in the live region for a few seconds.
export function toast(message, kind = '') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const t = h('div', { class: `toast ${kind}` }, message);
  box.appendChild(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

// liveIndicator is the "updated hh:mm:ss" label polling pages show.
export function liveIndicator() {
  const el = h('span', { class: 'live', 'aria-live': 'off' }, 'Live');
  return {
    el,
    ok() { el.className = 'live'; el.textContent = `Live · updated ${new Date().toLocaleTimeString()}`; },
    fail(err) { el.className = 'live stale'; el.textContent = `Updates paused: ${err.message}; retrying`; },
    stop(text) { el.className = 'live stopped'; el.textContent = text; },
  };
}
