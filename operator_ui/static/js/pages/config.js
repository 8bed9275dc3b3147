// The node's effective configuration, secrets redacted by the node, with
// a filter.
import { api } from '../api.js';
import { badge, empty, field, h, replace, table } from '../dom.js';

export async function render(ctx) {
  ctx.title('Configuration');
  const doc = await api.get('/v2/config');
  if (!ctx.alive()) return;
  const settings = doc.data.attributes.settings || [];
  const filter = h('input', { type: 'search', id: 'config-filter', placeholder: 'ETH_URL, GAS…' });
  const body = h('div', {});
  const paint = () => {
    const q = filter.value.trim().toLowerCase();
    const rows = settings.filter((s) => !q || s.name.toLowerCase().includes(q) || String(s.value).toLowerCase().includes(q));
    replace(body, rows.length === 0 ? empty(q ? `No setting matches "${q}".` : 'The node reports no settings.')
      : h('div', { class: 'card' }, table([
        { label: 'Name', cell: (s) => h('span', { class: 'mono' }, s.name) },
        { label: 'Value', cell: (s) => (s.value === '' ? h('span', { class: 'muted' }, '(empty)') : h('span', { class: 'mono break' }, s.value)) },
        { label: 'Source', cell: (s) => (s.fromEnv ? badge('active', 'environment') : h('span', { class: 'muted' }, 'default')) },
      ], rows)));
  };
  filter.addEventListener('input', paint);
  replace(ctx.root,
    h('h1', {}, 'Configuration'),
    h('p', { class: 'muted' }, 'The effective settings of this node. Secrets are redacted by the node; change settings through the environment and restart.'),
    h('div', { class: 'toolbar' }, field('Filter settings', filter)),
    body);
  paint();
}
