// A run: its status, result and a row per task with status, attempts,
// confirmations, timing, transaction hash, and (expandable) input, output,
// error and attempt log. Polls every second until the run ends.
import { api, enc } from '../api.js';
import { badge, duration, finished, h, jsonBlock, liveIndicator, mono, notice, replace, short, timeEl, toast, units } from '../dom.js';

export async function render(ctx) {
  const id = ctx.params.id;
  let run = (await api.get(`/v2/runs/${enc(id)}`)).data.attributes;
  if (!ctx.alive()) return;
  ctx.title(`Run ${run.id.slice(0, 8)}`);
  const live = liveIndicator();
  const head = h('div', { class: 'page-head' });
  const msg = h('div', {});
  const summary = h('div', { class: 'grid' });
  const tasks = h('section', { class: 'card', 'aria-labelledby': 'tasks-h', id: 'run-tasks' });
  const request = h('div', {});
  // Which task rows are open survives each poll; errored tasks open.
  const open = new Set();
  const toggled = new Set();

  const statusEl = h('span', { id: 'run-status' });
  const cancel = cancelButton(run, msg, (r) => { run = r; paint(); });
  replace(head,
    h('div', {},
      h('h1', {}, 'Run ', h('span', { class: 'mono' }, run.id)),
      h('div', { class: 'actions' }, statusEl, live.el)),
    h('div', { class: 'actions' }, cancel));

  const paint = () => {
    statusEl.dataset.status = run.status;
    replace(statusEl, badge(run.status));
    cancel.hidden = finished(run.status);
    replace(summary,
      h('section', { class: 'card', 'aria-labelledby': 'about-h' },
        h('h2', { id: 'about-h' }, 'About'),
        h('dl', { class: 'props' },
          h('dt', {}, 'Job'), h('dd', {}, h('a', { href: `/jobs/${run.jobId}`, class: 'mono' }, run.jobId)),
          h('dt', {}, 'Initiator'), h('dd', {}, run.initiatorType || '—'),
          h('dt', {}, 'Started'), h('dd', {}, timeEl(run.createdAt)),
          h('dt', {}, 'Finished'), h('dd', {}, run.finishedAt ? timeEl(run.finishedAt) : h('span', { class: 'muted' }, 'not yet')),
          h('dt', {}, 'Duration'), h('dd', { id: 'run-duration' }, duration(run.createdAt, run.finishedAt)),
          run.payment ? [h('dt', {}, 'Payment'), h('dd', {}, units(run.payment, 'LINK'))] : null,
          run.creationHeight ? [h('dt', {}, 'Request block'), h('dd', {}, run.creationHeight)] : null,
          run.observedHeight ? [h('dt', {}, 'Observed block'), h('dd', {}, run.observedHeight)] : null)),
      h('section', { class: 'card', 'aria-labelledby': 'result-h', id: 'run-result' },
        h('h2', { id: 'result-h' }, 'Result'),
        run.error ? notice('error', run.error) : null,
        run.result !== null && run.result !== undefined ? jsonBlock(run.result)
          : h('p', { class: 'muted' }, finished(run.status) ? 'No result.' : 'Not finished yet.')));
    paintTasks();
    const req = run.request;
    replace(request, req ? h('section', { class: 'card', 'aria-labelledby': 'req-h' },
      h('h2', { id: 'req-h' }, 'Request'),
      h('dl', { class: 'props' },
        req.requestId ? [h('dt', {}, 'Request ID'), h('dd', {}, mono(req.requestId))] : null,
        req.requester ? [h('dt', {}, 'Requester'), h('dd', {}, mono(req.requester))] : null,
        req.oracleAddress ? [h('dt', {}, 'Oracle'), h('dd', {}, mono(req.oracleAddress))] : null,
        req.callbackAddr ? [h('dt', {}, 'Callback'), h('dd', {}, mono(`${req.callbackAddr} ${req.callbackFunctionId || ''}`))] : null,
        req.txHash ? [h('dt', {}, 'Request tx'), h('dd', {}, mono(req.txHash))] : null,
        req.blockNumber ? [h('dt', {}, 'Block'), h('dd', {}, String(req.blockNumber))] : null),
      h('h3', {}, 'Input'), jsonBlock(req.requestParams ?? {})) : null);
  };

  const paintTasks = () => {
    const trs = run.taskRuns || [];
    for (const t of trs) if (t.status === 'errored' && !toggled.has(t.index)) open.add(t.index);
    const rows = [];
    trs.forEach((t, i) => {
      const start = i === 0 ? run.createdAt : trs[i - 1].updatedAt;
      const done = finished(t.status);
      const isOpen = open.has(t.index);
      const detailID = `task-detail-${t.index}`;
      const toggle = h('button', {
        type: 'button', class: 'btn btn-small', 'aria-expanded': String(isOpen), 'aria-controls': detailID,
        onclick: () => {
          toggled.add(t.index);
          if (open.has(t.index)) open.delete(t.index); else open.add(t.index);
          paintTasks();
        },
      }, isOpen ? 'Hide' : 'Details');
      rows.push(h('tr', { 'data-task-index': String(t.index), 'data-status': t.status },
        h('td', { 'data-label': '#', class: 'num' }, String(t.index)),
        h('td', { 'data-label': 'Task' }, h('strong', {}, t.type)),
        h('td', { 'data-label': 'Status' }, badge(t.status)),
        h('td', { 'data-label': 'Attempts', class: 'num' }, String(t.attempts)),
        h('td', { 'data-label': 'Confirmations', class: 'num' }, t.minimumConfirmations ? `${t.confirmations} of ${t.minimumConfirmations}` : '—'),
        h('td', { 'data-label': 'Finished' }, done ? timeEl(t.updatedAt) : (t.wakeAt ? ['wakes ', timeEl(t.wakeAt)] : h('span', { class: 'muted' }, '—'))),
        h('td', { 'data-label': 'Took', class: 'num' }, done || t.status !== 'unstarted' ? duration(start, done ? t.updatedAt : null) : '—'),
        h('td', { 'data-label': 'Tx' }, t.txHash ? h('a', { href: `/transactions/${t.txHash}`, class: 'mono tx-hash', title: t.txHash }, short(t.txHash, 8)) : h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'More' }, toggle)));
      if (isOpen) {
        const input = i === 0 ? (run.request ? run.request.requestParams : null) : trs[i - 1].result;
        rows.push(h('tr', { class: 'detail-row', id: detailID },
          h('td', { colspan: '9', class: 'full' },
            t.error ? notice('error', h('strong', {}, 'Error: '), t.error) : null,
            h('div', { class: 'grid', style: 'margin:0' },
              h('div', {}, h('h3', {}, i === 0 ? 'Input (the run\'s input)' : 'Input (previous task\'s output)'), jsonBlock(input ?? null, 'kv-pre')),
              h('div', {}, h('h3', {}, 'Output'), t.result !== null && t.result !== undefined ? jsonBlock(t.result, 'kv-pre') : h('p', { class: 'muted' }, 'none yet'))),
            t.attemptLog && t.attemptLog.length ? [h('h3', {}, 'Attempts'), h('ol', {}, t.attemptLog.map((a) => h('li', {},
              badge(a.status), ' ', timeEl(a.createdAt), a.error ? [' ', h('span', { class: 'break' }, a.error)] : null)))] : null)));
      }
    });
    // A redraw keeps the keyboard focus on the same task's button.
    const focused = tasks.contains(document.activeElement) ? document.activeElement.getAttribute('aria-controls') : null;
    replace(tasks,
      h('h2', { id: 'tasks-h' }, 'Tasks'),
      h('ol', { class: 'pipeline', 'aria-label': 'Task statuses in order' }, trs.map((t) => h('li', {}, h('span', {}, t.type), badge(t.status)))),
      trs.length === 0 ? h('p', { class: 'muted' }, 'This run has no tasks.') : h('div', { class: 'table-wrap' },
        h('table', { class: 'responsive' },
          h('thead', {}, h('tr', {}, ['#', 'Task', 'Status', 'Attempts', 'Confirmations', 'Finished', 'Took', 'Tx', 'More'].map((l) => h('th', { scope: 'col' }, l)))),
          h('tbody', {}, rows))));
    if (focused) {
      const again = tasks.querySelector(`[aria-controls="${focused}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  };

  replace(ctx.root,
    h('p', { class: 'crumbs' }, h('a', { href: '/runs' }, 'Runs'), ' / ', h('span', { class: 'mono' }, run.id)),
    head, msg, summary, tasks, request);
  paint();
  if (finished(run.status)) {
    live.stop(`Run ended: ${run.status}`);
    return;
  }
  live.ok();
  ctx.poll(async () => {
    run = (await api.get(`/v2/runs/${enc(id)}`)).data.attributes;
    if (!ctx.alive()) return false;
    paint();
    if (finished(run.status)) {
      live.stop(`Run ended: ${run.status}`);
      return false;
    }
    live.ok();
    return true;
  }, 1000, (e) => live.fail(e));
}

function cancelButton(run, msg, update) {
  const btn = h('button', { type: 'button', class: 'btn btn-danger', id: 'cancel-run' }, 'Cancel run');
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const d = await api.put(`/v2/runs/${enc(run.id)}/cancellation`);
      toast('Run cancelled.');
      update(d.data.attributes);
    } catch (e) {
      btn.disabled = false;
      replace(msg, notice('error', `Cancelling failed: ${e.message}`));
    }
  });
  return btn;
}
