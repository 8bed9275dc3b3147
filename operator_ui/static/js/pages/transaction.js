// One transaction: state, receipt, gas, confirmations and every attempt;
// polled until it is confirmed or reverted.
import { api, enc } from '../api.js';
import { badge, h, jsonBlock, liveIndicator, mono, notice, replace, table, timeEl, units } from '../dom.js';

export async function render(ctx) {
  const hash = ctx.params.hash;
  const live = liveIndicator();
  const body = h('div', {});
  ctx.title(`Transaction ${hash.slice(0, 10)}`);
  const load = async () => {
    const t = (await api.get(`/v2/transactions/${enc(hash)}`)).data.attributes;
    if (!ctx.alive()) return false;
    replace(body,
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', { class: 'break' }, 'Transaction ', h('span', { class: 'mono' }, t.hash || hash)),
          h('div', { class: 'actions' }, h('span', { id: 'tx-state' }, badge(t.state)), live.el))),
      t.revertReason ? notice('error', `Reverted: ${t.revertReason}`) : null,
      t.lastError ? notice('warn', `Last error: ${t.lastError}`) : null,
      h('div', { class: 'grid' },
        h('section', { class: 'card', 'aria-labelledby': 'tx-h' },
          h('h2', { id: 'tx-h' }, 'Transaction'),
          h('dl', { class: 'props' },
            h('dt', {}, 'From'), h('dd', {}, mono(t.from)),
            h('dt', {}, 'To'), h('dd', {}, mono(t.to)),
            h('dt', {}, 'Nonce'), h('dd', {}, String(t.nonce)),
            h('dt', {}, 'Value'), h('dd', {}, units(t.value ?? '0', 'ETH')),
            t.taskRunId ? [h('dt', {}, 'Task run'), h('dd', {}, mono(t.taskRunId))] : null,
            h('dt', {}, 'Created'), h('dd', {}, timeEl(t.createdAt)),
            h('dt', {}, 'Updated'), h('dd', {}, timeEl(t.updatedAt)))),
        h('section', { class: 'card', 'aria-labelledby': 'receipt-h' },
          h('h2', { id: 'receipt-h' }, 'Gas and confirmations'),
          h('dl', { class: 'props' },
            h('dt', {}, 'Gas limit'), h('dd', {}, String(t.gasLimit)),
            h('dt', {}, 'Gas used'), h('dd', {}, t.gasUsed ?? 'not mined yet'),
            h('dt', {}, 'Block'), h('dd', {}, t.blockNumber ?? 'not mined yet'),
            h('dt', {}, 'Confirmations'), h('dd', { id: 'tx-confirmations' }, String(t.confirmations)),
            h('dt', {}, 'Receipt status'), h('dd', {}, t.receiptStatus === null || t.receiptStatus === undefined ? '—' : t.receiptStatus === 1 ? 'success (1)' : `failed (${t.receiptStatus})`)))),
      h('section', { class: 'card', 'aria-labelledby': 'attempts-h' },
        h('h2', { id: 'attempts-h' }, `Attempts (${t.attempts.length})`),
        t.attempts.length === 0 ? h('p', { class: 'muted' }, 'Not signed yet.') : table([
          { label: 'Hash', cell: (a) => mono(a.hash) },
          { label: 'Gas price', cell: (a) => (a.gasPrice ? gwei(a.gasPrice) : '—') },
          { label: 'Fee cap', cell: (a) => (a.gasFeeCap ? gwei(a.gasFeeCap) : '—') },
          { label: 'Tip cap', cell: (a) => (a.gasTipCap ? gwei(a.gasTipCap) : '—') },
          { label: 'Broadcast', cell: (a) => (a.broadcastAt ? [timeEl(a.broadcastAt), a.broadcastBlock ? ` (block ${a.broadcastBlock})` : ''] : 'not yet') },
        ], t.attempts)),
      h('section', { class: 'card', 'aria-labelledby': 'data-h' },
        h('details', {}, h('summary', {}, h('strong', { id: 'data-h' }, 'Call data')), jsonBlock(t.data))));
    if (t.state === 'confirmed' || t.state === 'reverted') {
      live.stop(`Final: ${t.state}`);
      return false;
    }
    live.ok();
    return true;
  };
  replace(ctx.root, h('p', { class: 'crumbs' }, h('a', { href: '/transactions' }, 'Transactions'), ' / ', h('span', { class: 'mono' }, hash)), body);
  if (await load()) ctx.poll(load, 3000, (e) => live.fail(e));
}

function gwei(wei) {
  return units(wei, 'gwei', 9, 3);
}
