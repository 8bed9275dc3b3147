// A job: its spec as formatted JSON, initiators, tasks and recent runs
// (polled), "Run now" for web jobs and archiving.
import { api, enc } from '../api.js';
import { badge, empty, field, h, jsonBlock, liveIndicator, notice, replace, table, timeEl, toast, units } from '../dom.js';
import { runsTable } from './shared.js';

export async function render(ctx) {
  const id = ctx.params.id;
  const doc = await api.get(`/v2/specs/${enc(id)}`);
  if (!ctx.alive()) return;
  let job = doc.data.attributes;
  ctx.title(`Job ${job.id.slice(0, 8)}`);
  const live = liveIndicator();
  const status = h('span', { id: 'job-status' });
  const actions = h('div', { class: 'actions' });
  const msg = h('div', {});
  const runsCard = h('section', { class: 'card', 'aria-labelledby': 'runs-h', id: 'job-runs' });

  // The status and buttons are redrawn only when the job's state
  // changes, so polling never wipes a half-typed run input.
  let shownState = null;
  const paint = () => {
    const state = job.archivedAt ? 'archived' : 'active';
    if (state !== shownState) {
      shownState = state;
      replace(status, badge(state));
      replace(actions, ...actionButtons(ctx, job, msg, (j) => { job = j; paint(); }));
    }
    const runs = job.runs || [];
    replace(runsCard,
      h('div', { class: 'page-head' }, h('h2', { id: 'runs-h' }, 'Recent runs'), h('a', { href: `/runs?jobId=${job.id}` }, 'All runs of this job')),
      runs.length === 0 ? empty(isWebJob(job) ? 'No runs yet. Start one with "Run now".' : 'No runs yet. They start when an initiator fires.') : runsTable(runs, { showJob: false }));
  };

  replace(ctx.root,
    h('p', { class: 'crumbs' }, h('a', { href: '/jobs' }, 'Jobs'), ' / ', h('span', { class: 'mono' }, job.id)),
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Job ', h('span', { class: 'mono' }, job.id)), h('div', { class: 'actions' }, status, live.el)),
      actions),
    msg,
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'about-h' },
        h('h2', { id: 'about-h' }, 'About'),
        h('dl', { class: 'props' },
          h('dt', {}, 'Created'), h('dd', {}, timeEl(job.createdAt)),
          h('dt', {}, 'Starts'), h('dd', {}, job.startAt ? timeEl(job.startAt) : 'at once'),
          h('dt', {}, 'Ends'), h('dd', {}, job.endAt ? timeEl(job.endAt) : 'never'),
          h('dt', {}, 'Minimum payment'), h('dd', {}, job.minPayment ? units(job.minPayment, 'LINK') : 'node default'),
          job.archivedAt ? [h('dt', {}, 'Archived'), h('dd', {}, timeEl(job.archivedAt))] : null)),
      h('section', { class: 'card', 'aria-labelledby': 'init-h' },
        h('h2', { id: 'init-h' }, 'Initiators'),
        table([
          { label: 'Type', cell: (i) => h('strong', {}, i.type) },
          { label: 'Params', cell: (i) => (Object.keys(i.params || {}).length ? jsonBlock(i.params, 'kv-pre') : h('span', { class: 'muted' }, 'none')) },
        ], job.initiators))),
    h('section', { class: 'card', 'aria-labelledby': 'tasks-h' },
      h('h2', { id: 'tasks-h' }, 'Tasks'),
      table([
        { label: '#', cell: (t) => String(t.index), class: 'num' },
        { label: 'Type', cell: (t) => h('strong', {}, t.type) },
        { label: 'Confirmations', cell: (t) => (t.confirmations ?? 'default'), class: 'num' },
        { label: 'Params', cell: (t) => (Object.keys(t.params || {}).length ? jsonBlock(t.params, 'kv-pre') : h('span', { class: 'muted' }, 'none')) },
      ], job.tasks.map((t, index) => ({ ...t, index })))),
    runsCard,
    h('section', { class: 'card', 'aria-labelledby': 'spec-h' },
      h('div', { class: 'page-head' },
        h('h2', { id: 'spec-h' }, 'Spec'),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => copy(specJSON(job)) }, 'Copy JSON')),
      h('pre', { class: 'json', id: 'job-spec', tabindex: '0', 'aria-label': 'Job spec JSON' }, specJSON(job))));
  paint();

  ctx.poll(async () => {
    const d = await api.get(`/v2/specs/${enc(id)}`);
    if (!ctx.alive()) return false;
    job = d.data.attributes;
    paint();
    live.ok();
    return true;
  }, 3000, (e) => live.fail(e));
  live.ok();
}

function isWebJob(job) {
  return job.initiators.some((i) => i.type.toLowerCase() === 'web');
}

// specJSON is the job as a spec one could post again.
function specJSON(job) {
  const spec = {
    initiators: job.initiators.map((i) => (Object.keys(i.params || {}).length ? { type: i.type, params: i.params } : { type: i.type })),
    tasks: job.tasks.map((t) => {
      const out = { type: t.type };
      if (t.confirmations !== null && t.confirmations !== undefined) out.confirmations = t.confirmations;
      if (Object.keys(t.params || {}).length) out.params = t.params;
      return out;
    }),
  };
  if (job.startAt) spec.startAt = job.startAt;
  if (job.endAt) spec.endAt = job.endAt;
  if (job.minPayment) spec.minPayment = job.minPayment;
  return JSON.stringify(spec, null, 2);
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Spec copied.');
  } catch {
    toast('Copying needs clipboard permission; select the spec text instead.', 'error');
  }
}

function actionButtons(ctx, job, msg, update) {
  if (job.archivedAt) return [];
  const out = [];
  if (isWebJob(job)) {
    const input = h('textarea', { rows: 4, class: 'mono', placeholder: '{"symbol": "ETH"}', id: 'run-input' });
    const runBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'run-now' }, 'Run now');
    runBtn.addEventListener('click', async () => {
      const text = input.value.trim();
      if (text) {
        try { JSON.parse(text); } catch (e) {
          replace(msg, notice('error', `The run input is not valid JSON: ${e.message}`));
          input.setAttribute('aria-invalid', 'true');
          input.focus();
          return;
        }
      }
      input.removeAttribute('aria-invalid');
      runBtn.disabled = true;
      try {
        const d = await api.post(`/v2/specs/${enc(job.id)}/runs`, text || undefined);
        toast('Run started.');
        ctx.navigate(`/runs/${d.data.id}`);
      } catch (e) {
        runBtn.disabled = false;
        replace(msg, notice('error', `The run did not start: ${e.message}`));
      }
    });
    out.push(runBtn, h('details', { class: 'run-input' }, h('summary', {}, 'Run input'), field('Input JSON (optional)', input, 'Becomes the first task\'s input.')));
  }
  const archiveBtn = h('button', { type: 'button', class: 'btn btn-danger', id: 'archive' }, 'Archive');
  const holder = h('span', {}, archiveBtn);
  archiveBtn.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'btn btn-danger btn-small', id: 'archive-confirm' }, 'Yes, archive');
    const no = h('button', { type: 'button', class: 'btn btn-small' }, 'Keep it');
    no.addEventListener('click', () => { replace(holder, archiveBtn); archiveBtn.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        const d = await api.del(`/v2/specs/${enc(job.id)}`);
        toast('Job archived: its initiators stopped; its runs stay readable.');
        replace(msg);
        update({ ...d.data.attributes, runs: job.runs });
      } catch (e) {
        yes.disabled = false;
        replace(msg, notice('error', `Archiving failed: ${e.message}`));
      }
    });
    replace(holder, h('span', { class: 'confirm', role: 'group', 'aria-label': 'Confirm archive' }, 'Archive this job?', yes, no));
    yes.focus();
  });
  out.push(holder);
  return out;
}
