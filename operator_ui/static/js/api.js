// api.js is the UI's only way to the node: the public REST API (JSON:API
// documents under /v2, POST/DELETE /sessions) and /health. The session is
// the HttpOnly cookie the browser keeps; writes are same-origin fetches,
// which pass the node's CSRF origin check.

// APIError is a failed request: its HTTP status (0 when the node could not
// be reached) and the JSON:API error objects.
export class APIError extends Error {
  constructor(status, errors, message) {
    super(message);
    this.status = status;
    this.errors = errors || [];
  }
}

let onUnauthorized = () => {};

// setUnauthorizedHandler sets what happens when a request answers 401
// (the session ended): app.js sends the operator to the sign-in page.
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function request(method, path, body, { quiet401 = false, allowStatus = [] } = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new APIError(0, [], `cannot reach the node (${e.message})`);
  }
  const text = await res.text();
  let doc = null;
  if (text) {
    try { doc = JSON.parse(text); } catch { doc = null; }
  }
  if (res.ok || allowStatus.includes(res.status)) return doc;
  const errors = (doc && Array.isArray(doc.errors)) ? doc.errors : [];
  const detail = errors.map((e) => e.detail).filter(Boolean).join('; ');
  const err = new APIError(res.status, errors, detail || `${res.status} ${res.statusText || 'error'}`);
  if (res.status === 401 && !quiet401) onUnauthorized(err);
  throw err;
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body, opts) => request('POST', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
  // health answers /health's body whether the node is healthy (200) or
  // not (503).
  health: () => request('GET', '/health', undefined, { allowStatus: [503] }),
};

// query builds "?a=1&b=2" from an object, skipping empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// enc escapes one path segment.
export const enc = encodeURIComponent;
