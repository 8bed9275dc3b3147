// The transactions the node sent: newest first, with state, gas and
// confirmations; polled.
import { api } from '../api.js';
import { badge, empty, h, liveIndicator, mono, replace, short, table, timeEl } from '../dom.js';
import { pager, positiveInt } from './shared.js';

const size = 25;

export async function render(ctx) {
  ctx.title('Transactions');
  const pageNo = positiveInt(ctx.query.get('page'));
  const live = liveIndicator();
  const body = h('div', {});
  replace(ctx.root, h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Transactions'), live.el)), body);
  const load = async () => {
    const doc = await api.get(`/v2/transactions?page=${pageNo}&size=${size}`);
    if (!ctx.alive()) return false;
    live.ok();
    const txs = doc.data.map((r) => ({ key: r.id, ...r.attributes }));
    replace(body, txs.length === 0
      ? empty('No transactions yet. The node sends one when an ethtx task runs.')
      : h('div', { class: 'card' },
        table([
          { label: 'Hash', cell: (t) => (t.key.startsWith('0x') && t.key.length === 66 ? h('a', { href: `/transactions/${t.key}`, class: 'mono', title: t.key }, short(t.key, 8)) : mono(t.key)) },
          { label: 'State', cell: (t) => badge(t.state) },
          { label: 'Nonce', cell: (t) => String(t.nonce), class: 'num' },
          { label: 'From', cell: (t) => mono(short(t.from, 6), t.from) },
          { label: 'To', cell: (t) => mono(short(t.to, 6), t.to) },
          { label: 'Gas used / limit', cell: (t) => `${t.gasUsed ?? '—'} / ${t.gasLimit}`, class: 'num' },
          { label: 'Confirmations', cell: (t) => String(t.confirmations), class: 'num' },
          { label: 'Attempts', cell: (t) => String(t.attempts.length), class: 'num' },
          { label: 'Sent', cell: (t) => timeEl(t.createdAt) },
        ], txs),
        pager(pageNo, size, doc.meta.count, (n) => `/transactions?page=${n}`)));
    return true;
  };
  await load();
  ctx.poll(load, 5000, (e) => live.fail(e));
}
