// shared.js holds pieces several pages show: run tables, run status
// groups and pagination.
import { badge, duration, h, short, table, timeEl } from '../dom.js';

// statusGroups are the run statuses the dashboard and the runs filter
// count together.
export const statusGroups = [
  { key: 'running', label: 'In progress', statuses: ['unstarted', 'in_progress'] },
  { key: 'pending', label: 'Pending', statuses: ['pending_incoming_confirmations', 'pending_bridge', 'pending_sleep', 'pending_outgoing_confirmations', 'pending_connection'] },
  { key: 'completed', label: 'Completed', statuses: ['completed'] },
  { key: 'errored', label: 'Errored', statuses: ['errored'] },
  { key: 'cancelled', label: 'Cancelled', statuses: ['cancelled'] },
];

export const allStatuses = statusGroups.flatMap((g) => g.statuses);

// runsTable lists runs (resources or RunSummary attributes).
export function runsTable(runs, { showJob = true } = {}) {
  const cols = [
    { label: 'Run', cell: (r) => h('a', { href: `/runs/${r.id}`, class: 'mono' }, short(r.id, 8)) },
    showJob ? { label: 'Job', cell: (r) => (r.jobId ? h('a', { href: `/jobs/${r.jobId}`, class: 'mono' }, short(r.jobId, 8)) : '—') } : null,
    { label: 'Status', cell: (r) => badge(r.status) },
    runs.some((r) => r.initiatorType) ? { label: 'Initiator', cell: (r) => r.initiatorType || '—' } : null,
    { label: 'Started', cell: (r) => timeEl(r.createdAt) },
    { label: 'Duration', cell: (r) => duration(r.createdAt, r.finishedAt), class: 'num' },
  ].filter(Boolean);
  return table(cols, runs, { rowProps: (r) => ({ 'data-run-id': r.id }) });
}

// pager shows "Page n of m" with previous and next links built by href(n).
export function pager(pageNo, size, count, href) {
  const pages = Math.max(1, Math.ceil(count / size));
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    pageNo > 1 ? h('a', { class: 'btn', href: href(pageNo - 1), rel: 'prev' }, '← Previous') : h('span', {}),
    h('span', { class: 'muted' }, `Page ${Math.min(pageNo, pages)} of ${pages} · ${count} in all`),
    pageNo < pages ? h('a', { class: 'btn', href: href(pageNo + 1), rel: 'next' }, 'Next →') : h('span', {}));
}

// positiveInt reads a query parameter as a page number.
export function positiveInt(s, dflt = 1) {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : dflt;
}
