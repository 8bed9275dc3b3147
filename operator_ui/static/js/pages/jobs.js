// The jobs list: newest first, paginated by the API; a search filters by
// ID, initiator, task type or any parameter value. The API has no search,
// so a search reads every job (at most 2,000) and filters here.
import { api, query } from '../api.js';
import { empty, field, h, liveIndicator, notice, replace, short, table, timeEl } from '../dom.js';
import { pager, positiveInt } from './shared.js';

const size = 25;
const searchLimit = 20; // pages of 100

export async function render(ctx) {
  ctx.title('Jobs');
  const q = (ctx.query.get('q') || '').trim();
  const pageNo = positiveInt(ctx.query.get('page'));
  const live = liveIndicator();
  const input = h('input', { type: 'search', name: 'q', value: q, placeholder: 'ID, type or parameter', id: 'job-search' });
  const form = h('form', { class: 'toolbar', role: 'search' },
    field('Search jobs', input),
    h('button', { type: 'submit', class: 'btn' }, 'Search'),
    q ? h('a', { class: 'btn', href: '/jobs' }, 'Clear') : null);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`/jobs${query({ q: input.value.trim() })}`);
  });
  const body = h('div', {});
  replace(ctx.root,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Jobs'), live.el),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '/jobs/new' }, 'New job'))),
    form, body);

  const load = async () => {
    const { jobs, count, truncated } = q ? await search(q, pageNo) : await onePage(pageNo);
    if (!ctx.alive()) return false;
    live.ok();
    const href = (n) => `/jobs${query({ q, page: n })}`;
    if (jobs.length === 0) {
      replace(body, q
        ? empty(`No job matches "${q}".`, h('a', { class: 'btn', href: '/jobs' }, 'Show all jobs'))
        : count > 0 ? empty('No jobs on this page.', h('a', { class: 'btn', href: '/jobs' }, 'First page'))
          : empty('No jobs yet. A job tells the node what to fetch and where to answer.', h('a', { class: 'btn btn-primary', href: '/jobs/new' }, 'Create your first job')));
      return true;
    }
    replace(body,
      truncated ? notice('warn', `Only the newest ${searchLimit * 100} jobs were searched.`) : null,
      h('div', { class: 'card' }, jobsTable(jobs), pager(pageNo, size, count, href)));
    return true;
  };
  await load();
  ctx.poll(load, 10000, (e) => live.fail(e));
}

async function onePage(pageNo) {
  const doc = await api.get(`/v2/specs${query({ page: pageNo, size })}`);
  return { jobs: doc.data.map((r) => r.attributes), count: doc.meta.count };
}

async function search(q, pageNo) {
  const needle = q.toLowerCase();
  const all = [];
  let truncated = false;
  for (let p = 1; ; p += 1) {
    const doc = await api.get(`/v2/specs${query({ page: p, size: 100 })}`);
    all.push(...doc.data.map((r) => r.attributes));
    if (!doc.links || !doc.links.next) break;
    if (p >= searchLimit) { truncated = true; break; }
  }
  const hits = all.filter((j) => matches(j, needle));
  return { jobs: hits.slice((pageNo - 1) * size, pageNo * size), count: hits.length, truncated };
}

function matches(job, needle) {
  if (job.id.includes(needle.replaceAll('-', ''))) return true;
  const parts = [...job.initiators, ...job.tasks];
  return parts.some((p) => p.type.toLowerCase().includes(needle) || JSON.stringify(p.params || {}).toLowerCase().includes(needle));
}

function jobsTable(jobs) {
  return table([
    { label: 'Job', cell: (j) => h('a', { href: `/jobs/${j.id}`, class: 'mono' }, short(j.id, 8)) },
    { label: 'Initiators', cell: (j) => j.initiators.map((i) => i.type).join(', ') },
    { label: 'Tasks', cell: (j) => h('span', { class: 'break' }, j.tasks.map((t) => t.type).join(' → ')) },
    { label: 'Created', cell: (j) => timeEl(j.createdAt) },
  ], jobs, { rowProps: (j) => ({ 'data-job-id': j.id }) });
}
