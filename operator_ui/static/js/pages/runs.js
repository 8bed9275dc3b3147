// The runs list: newest first, filtered by job and status, paginated,
// polled.
import { api, query } from '../api.js';
import { empty, field, h, humanize, liveIndicator, replace } from '../dom.js';
import { allStatuses, pager, positiveInt, runsTable, statusGroups } from './shared.js';

const size = 25;

export async function render(ctx) {
  ctx.title('Runs');
  const jobId = (ctx.query.get('jobId') || '').trim();
  const status = ctx.query.get('status') || '';
  const pageNo = positiveInt(ctx.query.get('page'));
  const group = statusGroups.find((g) => g.key === status);
  const statuses = group ? group.statuses : allStatuses.includes(status) ? [status] : [];

  const live = liveIndicator();
  const statusSelect = h('select', { name: 'status', id: 'runs-status' },
    h('option', { value: '' }, 'Any status'),
    h('optgroup', { label: 'Groups' }, statusGroups.map((g) => h('option', { value: g.key, selected: g.key === status }, g.label))),
    h('optgroup', { label: 'Statuses' }, allStatuses.map((s) => h('option', { value: s, selected: s === status }, humanize(s)))));
  const jobInput = h('input', { type: 'text', name: 'jobId', value: jobId, placeholder: '32 hex characters', class: 'mono', id: 'runs-job' });
  const form = h('form', { class: 'toolbar', role: 'search' },
    field('Status', statusSelect),
    field('Job ID', jobInput),
    h('button', { type: 'submit', class: 'btn' }, 'Filter'),
    jobId || status ? h('a', { class: 'btn', href: '/runs' }, 'Clear') : null);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`/runs${query({ status: statusSelect.value, jobId: jobInput.value.trim() })}`);
  });
  const body = h('div', {});
  replace(ctx.root, h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Runs'), live.el)), form, body);

  const load = async () => {
    const doc = await api.get(`/v2/runs${query({ jobId, status: statuses.join(','), page: pageNo, size })}`);
    if (!ctx.alive()) return false;
    live.ok();
    const runs = doc.data.map((r) => r.attributes);
    const href = (n) => `/runs${query({ status, jobId, page: n })}`;
    replace(body, runs.length === 0
      ? empty(jobId || status ? 'No run matches these filters.' : 'No runs yet. They appear when a job starts.')
      : h('div', { class: 'card' }, runsTable(runs), pager(pageNo, size, doc.meta.count, href)));
    return true;
  };
  await load();
  ctx.poll(load, 3000, (e) => live.fail(e));
}
