// bridge_form.js is the form for creating and editing a bridge; the API's
// 422 errors appear under the field their pointer names.
import { field, h, notice, replace } from '../dom.js';

// bridgeForm returns {el, showErrors(apiErrors), reset()}. onSubmit gets
// the body to send and must throw the APIError on failure.
export function bridgeForm({ values = {}, withName = true, submitLabel, onSubmit }) {
  const inputs = {
    name: h('input', { type: 'text', name: 'name', value: values.name ?? '', autocomplete: 'off', pattern: '[a-z0-9_-]{1,64}', required: true, id: withName ? 'bridge-name' : null }),
    url: h('input', { type: 'url', name: 'url', value: values.url ?? '', placeholder: 'https://adapter.example/price', required: true, id: 'bridge-url' }),
    confirmations: h('input', { type: 'number', name: 'confirmations', min: '0', step: '1', value: String(values.confirmations ?? 0), id: 'bridge-confirmations', inputmode: 'numeric' }),
    minimumContractPayment: h('input', { type: 'text', name: 'minimumContractPayment', value: values.minimumContractPayment ?? '', placeholder: '0', inputmode: 'numeric', id: 'bridge-payment' }),
  };
  const msgs = {};
  const fields = [];
  const add = (key, label, hint) => {
    msgs[key] = h('span', { class: 'field-msg', id: `${inputs[key].id || key}-msg`, 'data-field': key });
    const f = field(label, inputs[key], hint);
    f.appendChild(msgs[key]);
    fields.push(f);
  };
  if (withName) add('name', 'Name', 'Lowercase letters, digits, _ or -. Jobs use it as a task type.');
  add('url', 'URL', 'Where the node POSTs the task.');
  add('confirmations', 'Confirmations', 'Incoming confirmations to wait for before calling it.');
  add('minimumContractPayment', 'Minimum payment (juels)', 'Integer amount of juels (1 LINK = 10^18); empty for none.');
  const general = h('div', {});
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
  const el = h('form', { novalidate: true, class: 'bridge-form' }, h('div', { class: 'form-row' }, fields), general, h('div', { class: 'actions' }, submit));

  const clear = () => {
    replace(general);
    for (const [k, m] of Object.entries(msgs)) {
      replace(m);
      inputs[k].removeAttribute('aria-invalid');
    }
  };
  const showErrors = (errors) => {
    clear();
    const unplaced = [];
    let first = null;
    for (const e of errors) {
      const key = (e.source && e.source.pointer ? e.source.pointer.slice(1).split('/')[0] : '').toLowerCase();
      const match = Object.keys(msgs).find((k) => k.toLowerCase() === key);
      if (match) {
        msgs[match].appendChild(document.createTextNode(`${msgs[match].textContent ? ' ' : ''}${e.detail}`));
        inputs[match].setAttribute('aria-invalid', 'true');
        inputs[match].setAttribute('aria-errormessage', msgs[match].id);
        first = first || inputs[match];
      } else {
        unplaced.push(e.detail);
      }
    }
    if (unplaced.length) replace(general, notice('error', unplaced.join('; ')));
    if (first) first.focus();
  };
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear();
    const body = { url: inputs.url.value.trim() };
    if (withName) body.name = inputs.name.value.trim();
    const conf = inputs.confirmations.value.trim();
    body.confirmations = conf === '' ? 0 : Number(conf);
    if (conf !== '' && !/^\d+$/.test(conf)) {
      showErrors([{ detail: 'must be a whole number', source: { pointer: '/confirmations' } }]);
      return;
    }
    const pay = inputs.minimumContractPayment.value.trim();
    if (pay) body.minimumContractPayment = pay;
    submit.disabled = true;
    try {
      await onSubmit(body);
    } catch (e) {
      if (e.errors && e.errors.length) showErrors(e.errors);
      else replace(general, notice('error', e.message));
    } finally {
      submit.disabled = false;
    }
  });
  return {
    el,
    reset() { el.reset(); clear(); },
    focus() { (withName ? inputs.name : inputs.url).focus(); },
  };
}
