// The node's keys with their ETH and LINK balances; a button makes a new
// key.
import { api } from '../api.js';
import { empty, h, liveIndicator, mono, notice, replace, table, toast, units } from '../dom.js';

export async function render(ctx) {
  ctx.title('Keys');
  const live = liveIndicator();
  const body = h('div', {});
  const msg = h('div', {});
  const create = h('button', { type: 'button', class: 'btn', id: 'create-key' }, 'Create key');
  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const d = await api.post('/v2/keys');
      toast(`Key ${d.data.id} created.`);
      replace(msg, notice('success', 'New key ', mono(d.data.id), '. Fund it with ETH before the node sends transactions from it.'));
      await load();
    } catch (e) {
      replace(msg, notice('error', `Creating a key failed: ${e.message}`));
    } finally {
      create.disabled = false;
    }
  });
  replace(ctx.root,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Keys'), live.el), h('div', { class: 'actions' }, create)),
    msg, body);
  const load = async () => {
    const doc = await api.get('/v2/keys');
    if (!ctx.alive()) return false;
    live.ok();
    const keys = doc.data.map((r) => r.attributes);
    replace(body, keys.length === 0 ? empty('No keys yet: create one to send transactions.')
      : h('div', { class: 'card' }, table([
        { label: 'Address', cell: (k) => mono(k.address) },
        { label: 'ETH', cell: (k) => units(k.ethBalance, 'ETH'), class: 'num' },
        { label: 'LINK', cell: (k) => units(k.linkBalance, 'LINK'), class: 'num' },
      ], keys)));
    return true;
  };
  await load();
  ctx.poll(load, 10000, (e) => live.fail(e));
}
