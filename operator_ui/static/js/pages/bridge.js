// One bridge: edit its URL, confirmations and minimum payment, or delete
// it. Its name and tokens never change.
import { api, enc } from '../api.js';
import { h, replace, timeEl, toast } from '../dom.js';
import { bridgeForm } from './bridge_form.js';
import { deleteButton } from './bridges.js';

export async function render(ctx) {
  const name = ctx.params.name;
  const doc = await api.get(`/v2/bridge_types/${enc(name)}`);
  if (!ctx.alive()) return;
  const b = doc.data.attributes;
  ctx.title(`Bridge ${b.name}`);
  const msg = h('div', {});
  const form = bridgeForm({
    values: b,
    withName: false,
    submitLabel: 'Save changes',
    onSubmit: async (body) => {
      await api.patch(`/v2/bridge_types/${enc(b.name)}`, body);
      toast(`Bridge ${b.name} saved.`);
      ctx.navigate('/bridges');
    },
  });
  replace(ctx.root,
    h('p', { class: 'crumbs' }, h('a', { href: '/bridges' }, 'Bridges'), ' / ', b.name),
    h('div', { class: 'page-head' },
      h('h1', {}, 'Bridge ', b.name),
      h('div', { class: 'actions' }, deleteButton(b.name, msg, async () => ctx.navigate('/bridges')))),
    msg,
    h('section', { class: 'card', 'aria-labelledby': 'edit-h' },
      h('h2', { id: 'edit-h' }, 'Settings'),
      h('p', { class: 'muted' }, 'Created ', timeEl(b.createdAt), ', updated ', timeEl(b.updatedAt), '. The name and the tokens stay as they are.'),
      form.el));
}
