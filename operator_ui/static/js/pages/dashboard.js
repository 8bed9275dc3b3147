// The dashboard: the node's key and balances, the chain connection and
// latest head, services' health, jobs and runs by status, recent runs;
// polled every few seconds.
import { api, query } from '../api.js';
import { ago, badge, empty, h, liveIndicator, mono, notice, replace, short, units } from '../dom.js';
import { runsTable, statusGroups } from './shared.js';

const every = 3000;

export async function render(ctx) {
  ctx.title('Dashboard');
  const live = liveIndicator();
  const nodeCard = h('section', { class: 'card', 'aria-labelledby': 'node-h', id: 'node-card' });
  const chainCard = h('section', { class: 'card', 'aria-labelledby': 'chain-h', id: 'chain-card' });
  const jobsCard = h('section', { class: 'card', 'aria-labelledby': 'jobs-h', id: 'jobs-card' });
  const runsCard = h('section', { class: 'card', 'aria-labelledby': 'runs-h', id: 'runs-card' });
  const servicesCard = h('section', { class: 'card', 'aria-labelledby': 'services-h', id: 'services-card' });
  const recent = h('section', { class: 'card', 'aria-labelledby': 'recent-h', id: 'recent-runs' });
  replace(ctx.root,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Dashboard'), live.el),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '/jobs/new' }, 'New job'))),
    h('div', { class: 'grid' }, nodeCard, chainCard),
    h('div', { class: 'grid' }, jobsCard, runsCard, servicesCard),
    recent);

  const load = async () => {
    const countOf = (statuses) => api.get(`/v2/runs${query({ status: statuses.join(','), size: 1 })}`).then((d) => d.meta.count);
    const [keys, health, specs, recentRuns, ...counts] = await Promise.allSettled([
      api.get('/v2/keys'),
      api.health(),
      api.get('/v2/specs?size=1'),
      api.get('/v2/runs?size=8'),
      ...statusGroups.map((g) => countOf(g.statuses)),
    ]);
    if (!ctx.alive()) return false;
    renderNode(nodeCard, keys);
    renderChain(chainCard, servicesCard, health);
    renderJobs(jobsCard, specs);
    renderRuns(runsCard, counts);
    renderRecent(recent, recentRuns);
    const failed = [keys, health, specs, recentRuns, ...counts].find((r) => r.status === 'rejected');
    if (failed && failed.reason.status === 0) live.fail(failed.reason);
    else live.ok();
    return true;
  };
  await load();
  ctx.poll(load, every, (e) => live.fail(e));
}

function failure(card, title, id, res) {
  replace(card, h('h2', { id }, title), notice('error', res.reason.message));
}

function renderNode(card, res) {
  if (res.status === 'rejected') return failure(card, 'Node', 'node-h', res);
  const keys = res.value.data;
  if (keys.length === 0) {
    replace(card, h('h2', { id: 'node-h' }, 'Node'), empty('This node has no key yet.', h('a', { class: 'btn', href: '/keys' }, 'Create a key')));
    return;
  }
  const k = keys[0].attributes;
  replace(card,
    h('h2', { id: 'node-h' }, 'Node'),
    h('p', { class: 'stat-label' }, 'Address'),
    h('p', { style: 'margin:0 0 10px' }, h('a', { href: '/keys', class: 'mono break', id: 'node-address' }, k.address)),
    h('dl', { class: 'props' },
      h('dt', {}, 'ETH'), h('dd', { id: 'eth-balance' }, units(k.ethBalance, 'ETH')),
      h('dt', {}, 'LINK'), h('dd', { id: 'link-balance' }, units(k.linkBalance, 'LINK'))),
    keys.length > 1 ? h('p', { class: 'muted' }, h('a', { href: '/keys' }, `and ${keys.length - 1} more key${keys.length > 2 ? 's' : ''}`)) : null);
}

function renderChain(card, servicesCard, res) {
  if (res.status === 'rejected') {
    failure(card, 'Chain', 'chain-h', res);
    failure(servicesCard, 'Services', 'services-h', res);
    return;
  }
  const body = res.value || {};
  const services = body.services || [];
  const chain = services.find((s) => s.name === 'ChainClient');
  const head = body.head;
  replace(card,
    h('h2', { id: 'chain-h' }, 'Chain'),
    h('dl', { class: 'props' },
      h('dt', {}, 'Connection'),
      h('dd', { id: 'chain-status' }, chain ? (chain.healthy ? badge('healthy', 'connected') : [badge('unhealthy', 'disconnected'), ' ', h('span', { class: 'muted' }, chain.error || '')]) : h('span', { class: 'muted' }, 'not reported')),
      h('dt', {}, 'Latest head'),
      h('dd', { id: 'latest-head' }, head ? [h('strong', {}, `#${head.number.toLocaleString('en-US')}`), ' ', h('span', { class: 'muted' }, ago(head.timestamp))] : h('span', { class: 'muted' }, 'none seen yet')),
      head ? [h('dt', {}, 'Head hash'), h('dd', {}, mono(short(head.hash, 10), head.hash))] : null));
  replace(servicesCard,
    h('h2', { id: 'services-h' }, 'Services'),
    services.length === 0 ? h('p', { class: 'muted' }, 'No service reports its health.')
      : h('ul', { class: 'counts', style: 'flex-direction:column;gap:6px' },
        services.map((s) => h('li', { style: 'flex-direction:row;gap:8px;align-items:center', title: s.error || '' },
          badge(s.healthy ? 'healthy' : 'unhealthy', s.healthy ? 'ok' : 'down'), h('span', {}, s.name),
          s.error ? h('span', { class: 'muted break' }, s.error) : null))));
}

function renderJobs(card, res) {
  if (res.status === 'rejected') return failure(card, 'Jobs', 'jobs-h', res);
  replace(card,
    h('h2', { id: 'jobs-h' }, 'Jobs'),
    h('p', { class: 'stat', id: 'jobs-count' }, String(res.value.meta.count)),
    h('p', { class: 'muted', style: 'margin:4px 0 0' }, 'active (not archived) · ', h('a', { href: '/jobs' }, 'all jobs')));
}

function renderRuns(card, counts) {
  const bad = counts.find((r) => r.status === 'rejected');
  if (bad) return failure(card, 'Runs', 'runs-h', bad);
  replace(card,
    h('h2', { id: 'runs-h' }, 'Runs by status'),
    h('ul', { class: 'counts' }, statusGroups.map((g, i) => h('li', { 'data-group': g.key },
      h('a', { href: `/runs?status=${g.key}` }, h('span', { class: 'n' }, String(counts[i].value)), h('br'), h('span', { class: 'muted' }, g.label))))));
}

function renderRecent(card, res) {
  if (res.status === 'rejected') return failure(card, 'Recent runs', 'recent-h', res);
  const runs = res.value.data.map((r) => r.attributes);
  replace(card,
    h('div', { class: 'page-head' }, h('h2', { id: 'recent-h' }, 'Recent runs'), h('a', { href: '/runs' }, 'All runs')),
    runs.length === 0 ? empty('No runs yet. Runs appear here when a job starts, for example with "Run now" on a web job.', h('a', { class: 'btn', href: '/jobs' }, 'Go to jobs')) : runsTable(runs));
}
