// Bridges: the list, a form to add one (its tokens shown once), edit
// links and deletion with an inline confirmation.
import { api, enc } from '../api.js';
import { empty, h, notice, replace, table, timeEl, toast, units } from '../dom.js';
import { bridgeForm } from './bridge_form.js';
import { pager, positiveInt } from './shared.js';

const size = 25;

export async function render(ctx) {
  ctx.title('Bridges');
  const pageNo = positiveInt(ctx.query.get('page'));
  const list = h('div', {});
  const created = h('div', { id: 'bridge-created', 'aria-live': 'polite' });
  const form = bridgeForm({
    submitLabel: 'Add bridge',
    onSubmit: async (body) => {
      const doc = await api.post('/v2/bridge_types', body);
      const a = doc.data.attributes;
      form.reset();
      replace(created, tokensNotice(a));
      toast(`Bridge ${a.name} added.`);
      await load();
      created.querySelector('h2').focus();
    },
  });
  replace(ctx.root,
    h('h1', {}, 'Bridges'),
    h('p', { class: 'muted' }, 'A bridge is an external adapter: jobs call it as a task named after it, and it may answer later with PATCH /v2/runs/ID.'),
    created,
    list,
    h('section', { class: 'card', 'aria-labelledby': 'new-bridge-h' }, h('h2', { id: 'new-bridge-h' }, 'Add a bridge'), form.el));

  const load = async () => {
    const doc = await api.get(`/v2/bridge_types?page=${pageNo}&size=${size}`);
    if (!ctx.alive()) return;
    const bridges = doc.data.map((r) => r.attributes);
    replace(list, bridges.length === 0
      ? empty('No bridges yet. Add one below to call an external adapter from a job.')
      : h('section', { class: 'card', 'aria-label': 'Bridges' },
        table([
          { label: 'Name', cell: (b) => h('a', { href: `/bridges/${enc(b.name)}` }, h('strong', {}, b.name)) },
          { label: 'URL', cell: (b) => h('span', { class: 'break mono' }, b.url) },
          { label: 'Confirmations', cell: (b) => String(b.confirmations), class: 'num' },
          { label: 'Minimum payment', cell: (b) => (b.minimumContractPayment ? units(b.minimumContractPayment, 'LINK') : '—') },
          { label: 'Created', cell: (b) => timeEl(b.createdAt) },
          { label: 'Actions', cell: (b) => h('div', { class: 'actions' }, h('a', { class: 'btn btn-small', href: `/bridges/${enc(b.name)}`, 'aria-label': `Edit ${b.name}` }, 'Edit'), deleteButton(b.name, list, load)) },
        ], bridges, { rowProps: (b) => ({ 'data-bridge': b.name }) }),
        pager(pageNo, size, doc.meta.count, (n) => `/bridges?page=${n}`)));
  };
  await load();
}

function tokensNotice(a) {
  return h('section', { class: 'notice success', 'aria-labelledby': 'tokens-h' },
    h('h2', { id: 'tokens-h', tabindex: '-1' }, `Bridge ${a.name} added: copy its tokens now`),
    h('p', {}, 'They are shown this once. The adapter authenticates to the node with the incoming token; the node sends the outgoing token to the adapter.'),
    h('p', { style: 'margin:0' }, h('strong', {}, 'Incoming token')),
    h('code', { class: 'secret', id: 'incoming-token' }, a.incomingToken),
    h('p', { style: 'margin:0' }, h('strong', {}, 'Outgoing token')),
    h('code', { class: 'secret', id: 'outgoing-token' }, a.outgoingToken));
}

// deleteButton deletes a bridge after an inline confirmation.
export function deleteButton(name, msgHost, after) {
  const holder = h('span', {});
  const btn = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete ${name}`, dataset: { deleteBridge: name } }, 'Delete');
  btn.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { confirmDelete: name } }, 'Yes, delete');
    const no = h('button', { type: 'button', class: 'btn btn-small' }, 'Keep');
    no.addEventListener('click', () => { replace(holder, btn); btn.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api.del(`/v2/bridge_types/${enc(name)}`);
        toast(`Bridge ${name} deleted.`);
        await after();
      } catch (e) {
        yes.disabled = false;
        msgHost.prepend(notice('error', `Deleting ${name} failed: ${e.message}`));
      }
    });
    replace(holder, h('span', { class: 'confirm', role: 'group', 'aria-label': `Confirm deleting ${name}` }, `Delete ${name}?`, yes, no));
    yes.focus();
  });
  holder.appendChild(btn);
  return holder;
}
