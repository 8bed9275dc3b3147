// app.js starts the UI: it finds out whether the browser holds a session,
// routes paths to pages with the history API, and gives each page a
// context whose polling stops when the operator leaves the page.
import { api, APIError, setUnauthorizedHandler } from './api.js';
import { h, notice, replace, toast } from './dom.js';
import * as signin from './pages/signin.js';
import * as dashboard from './pages/dashboard.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as jobNew from './pages/job_new.js';
import * as runs from './pages/runs.js';
import * as run from './pages/run.js';
import * as bridges from './pages/bridges.js';
import * as bridge from './pages/bridge.js';
import * as transactions from './pages/transactions.js';
import * as transaction from './pages/transaction.js';
import * as keys from './pages/keys.js';
import * as config from './pages/config.js';

const routes = [
  ['/', dashboard],
  ['/signin', signin],
  ['/jobs', jobs],
  ['/jobs/new', jobNew],
  ['/jobs/:id', job],
  ['/runs', runs],
  ['/runs/:id', run],
  ['/bridges', bridges],
  ['/bridges/:name', bridge],
  ['/transactions', transactions],
  ['/transactions/:hash', transaction],
  ['/keys', keys],
  ['/config', config],
].map(([pattern, page]) => ({ pattern, page, parts: pattern.split('/').slice(1) }));

function match(path) {
  const segs = path.replace(/\/+$/, '').split('/').slice(1);
  if (segs.length === 0) segs.push('');
  for (const r of routes) {
    if (r.parts.length !== segs.length) continue;
    const params = {};
    let ok = true;
    r.parts.forEach((p, i) => {
      if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(segs[i]);
      else if (p !== segs[i]) ok = false;
    });
    if (ok) return { page: r.page, params };
  }
  return null;
}

const state = { user: null, current: null, first: true };
const main = document.getElementById('main');

// navigate shows the page at path (with its query), adding a history
// entry unless replace.
export function navigate(path, { replace: rep = false } = {}) {
  if (rep) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

function pageContext(params) {
  const ac = new AbortController();
  const timers = new Set();
  const ctx = {
    root: main,
    params,
    query: new URLSearchParams(location.search),
    signal: ac.signal,
    user: state.user,
    navigate,
    signedIn,
    title(t) { document.title = t ? `${t} · Pythia` : 'Pythia operator'; },
    // poll runs fn every ms milliseconds after the previous call ended,
    // until the page is left or fn returns false. A failing call is
    // retried; onError is told.
    poll(fn, ms, onError) {
      const tick = async () => {
        timers.delete(handle);
        if (ac.signal.aborted) return;
        let again = true;
        try {
          again = (await fn()) !== false;
        } catch (e) {
          if (ac.signal.aborted) return;
          if (e instanceof APIError && e.status === 401) return;
          if (onError) onError(e);
        }
        if (again && !ac.signal.aborted) {
          handle = setTimeout(tick, ms);
          timers.add(handle);
        }
      };
      let handle = setTimeout(tick, ms);
      timers.add(handle);
    },
    // alive reports whether the page is still shown: async work checks it
    // before touching the DOM.
    alive() { return !ac.signal.aborted; },
  };
  ctx.dispose = () => {
    ac.abort();
    for (const t of timers) clearTimeout(t);
  };
  return ctx;
}

async function render() {
  const path = location.pathname;
  if (state.current) state.current.dispose();
  closeNav();
  const m = match(path);
  const shell = document.getElementById('topbar');
  if (!state.user && (!m || m.page !== signin)) {
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path + location.search)}`;
    history.replaceState(null, '', `/signin${next}`);
    return render();
  }
  if (state.user && m && m.page === signin) {
    history.replaceState(null, '', '/');
    return render();
  }
  shell.hidden = !state.user;
  markNav(path);
  const ctx = pageContext(m ? m.params : {});
  state.current = ctx;
  if (!state.first) main.focus({ preventScroll: true });
  state.first = false;
  window.scrollTo(0, 0);
  if (!m) {
    ctx.title('Not found');
    replace(main, h('h1', {}, 'Page not found'), notice('', `Nothing lives at ${path}. `, h('a', { href: '/' }, 'Go to the dashboard')));
    return;
  }
  replace(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    await m.page.render(ctx);
  } catch (e) {
    if (!ctx.alive()) return;
    if (e instanceof APIError && e.status === 401) return;
    showPageError(ctx, e);
  }
}

function showPageError(ctx, e) {
  const is404 = e instanceof APIError && e.status === 404;
  ctx.title(is404 ? 'Not found' : 'Error');
  replace(main,
    h('h1', {}, is404 ? 'Not found' : 'Something went wrong'),
    notice('error', e.message),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => render() }, 'Try again'),
      h('a', { class: 'btn', href: '/' }, 'Dashboard')));
}

function markNav(path) {
  for (const a of document.querySelectorAll('#nav a')) {
    const href = a.getAttribute('href');
    const current = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function closeNav() {
  document.getElementById('nav').classList.remove('open');
  document.getElementById('nav-toggle').setAttribute('aria-expanded', 'false');
}

// signedIn records the user after POST /sessions and leaves the sign-in
// page for next (a path on this node) or the dashboard.
export function signedIn(email, next) {
  state.user = { email };
  document.getElementById('user-email').textContent = email;
  const safe = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  navigate(safe, { replace: true });
}

async function signOut() {
  try {
    await api.del('/sessions', { quiet401: true });
  } catch (e) {
    if (!(e instanceof APIError && e.status === 401)) {
      toast(`Signing out failed: ${e.message}`, 'error');
      return;
    }
  }
  state.user = null;
  toast('Signed out.');
  navigate('/signin', { replace: true });
}

function sessionEnded() {
  if (!state.user) return;
  state.user = null;
  toast('Your session ended: sign in again.', 'error');
  const here = location.pathname + location.search;
  navigate(`/signin?next=${encodeURIComponent(here)}`, { replace: true });
}

function wire() {
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/v2/') || url.pathname === '/health') return;
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => render());
  document.getElementById('sign-out').addEventListener('click', signOut);
  const toggle = document.getElementById('nav-toggle');
  toggle.addEventListener('click', () => {
    const open = document.getElementById('nav').classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
  setUnauthorizedHandler(sessionEnded);
}

async function start() {
  wire();
  try {
    const doc = await api.get('/v2/user', { quiet401: true });
    state.user = { email: doc.data.attributes.email };
    document.getElementById('user-email').textContent = state.user.email;
  } catch (e) {
    if (!(e instanceof APIError && e.status === 401)) {
      replace(main, h('h1', {}, 'Cannot reach the node'), notice('error', e.message),
        h('button', { type: 'button', class: 'btn', onclick: () => location.reload() }, 'Try again'));
      return;
    }
  }
  render();
}

start();
