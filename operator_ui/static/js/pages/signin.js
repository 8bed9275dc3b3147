// The sign-in page: POST /sessions with email and password; the node
// answers with the session cookie.
import { api } from '../api.js';
import { field, h, notice, replace } from '../dom.js';

export async function render(ctx) {
  ctx.title('Sign in');
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', {});
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'sign-in' }, 'Sign in');
  const form = h('form', { class: 'card', id: 'signin-form', novalidate: true },
    field('Email', email),
    field('Password', password),
    msg,
    submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!email.value.trim() || !password.value) {
      replace(msg, notice('error', 'Enter your email and password.'));
      return;
    }
    submit.disabled = true;
    replace(msg);
    try {
      const doc = await api.post('/sessions', { email: email.value.trim(), password: password.value }, { quiet401: true });
      ctx.signedIn(doc.data.attributes.email || email.value.trim(), ctx.query.get('next'));
    } catch (e) {
      submit.disabled = false;
      const text = e.status === 401 ? 'Wrong email or password.' : e.message;
      replace(msg, notice('error', text));
      password.select();
    }
  });
  replace(ctx.root,
    h('div', { class: 'signin' },
      h('div', { class: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 32, height: 32 }), h('span', {}, 'Pythia')),
      h('h1', { style: 'text-align:center' }, 'Sign in to your node'),
      form,
      h('p', { class: 'muted', style: 'text-align:center;font-size:0.9rem' }, 'The operator account is set up with ', h('code', {}, 'pythia node start'), '.')));
  email.focus();
}
