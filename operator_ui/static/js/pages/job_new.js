// The job editor: a JSON textarea with line numbers, example specs to
// start from, a syntax check as you type, and the API's 422 errors shown
// beside the lines their source.pointer names (and in a list keyed by
// path). The draft survives leaving the page (sessionStorage).
import { api } from '../api.js';
import { h, notice, replace, toast } from '../dom.js';
import { JSONTextError, lineFor, lineMap, pointerToPath } from '../jsonmap.js';
import { examples } from './examples.js';

const draftKey = 'pythia.jobDraft';
const lineHeight = 20; // px, as --editor-line in app.css
const padTop = 10;

export async function render(ctx) {
  ctx.title('New job');
  const initial = sessionStorage.getItem(draftKey) ?? JSON.stringify(examples[0].spec, null, 2);
  const textarea = h('textarea', {
    id: 'spec-editor', name: 'spec', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off',
    wrap: 'off', 'aria-describedby': 'spec-help spec-problems-h',
  });
  textarea.value = initial;
  const gutter = h('div', { class: 'editor-gutter', 'aria-hidden': 'true' });
  const notes = h('div', { class: 'editor-notes', 'aria-hidden': 'true' });
  const problems = h('div', { id: 'spec-problems', 'aria-live': 'polite' });
  const submitMsg = h('div', {});
  const createBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'create-job' }, 'Create job');
  const formatBtn = h('button', { type: 'button', class: 'btn', id: 'format-spec' }, 'Format');

  // serverErrors are the last 422's errors, kept by pointer so they
  // follow their field while the text is edited.
  let serverErrors = [];
  let syntax = null;
  let lines = new Map();

  const analyse = () => {
    try {
      lines = lineMap(textarea.value).lines;
      syntax = null;
    } catch (e) {
      if (!(e instanceof JSONTextError)) throw e;
      syntax = e;
    }
    paint();
  };

  const paint = () => {
    const count = textarea.value.split('\n').length;
    const marks = new Map(); // line -> [messages]
    const items = [];
    if (syntax) {
      marks.set(syntax.line, [syntax.message]);
      items.push({ line: syntax.line, where: 'JSON syntax', detail: syntax.message, pointer: null });
    }
    for (const e of serverErrors) {
      const pointer = e.source ? e.source.pointer : '';
      const { line, exact } = syntax ? { line: 1, exact: false } : lineFor(lines, pointer);
      const where = pointerToPath(pointer);
      items.push({ line, where, detail: e.detail, pointer, exact });
      if (!marks.has(line)) marks.set(line, []);
      marks.get(line).push(e.detail);
    }
    replace(gutter, Array.from({ length: count }, (_, i) => {
      const n = i + 1;
      const msgs = marks.get(n);
      return h('div', { class: msgs ? 'err' : null, title: msgs ? msgs.join('\n') : null }, msgs ? `● ${n}` : String(n));
    }));
    replace(notes, [...marks.entries()].map(([line, msgs]) => h('div', { class: 'editor-note', dataset: { line: String(line) } }, msgs.join(' · '))));
    placeNotes();
    textarea.setAttribute('aria-invalid', items.length ? 'true' : 'false');
    replace(problems,
      h('h2', { id: 'spec-problems-h' }, items.length ? `Problems (${items.length})` : 'Problems'),
      items.length === 0 ? h('p', { class: 'muted', id: 'spec-ok' }, 'None found. The node checks the job again when you create it.')
        : h('ul', { class: 'errors-list' }, items.map((it) => h('li', {},
          h('button', {
            type: 'button', class: 'field-error', dataset: { pointer: it.pointer ?? '', line: String(it.line) },
            onclick: () => goToLine(textarea, it.line),
          },
          h('span', { class: 'where' }, `Line ${it.line} · ${it.where}`),
          it.detail)))));
    gutter.scrollTop = textarea.scrollTop;
  };

  const placeNotes = () => {
    for (const n of notes.children) {
      const top = padTop + (Number(n.dataset.line) - 1) * lineHeight - textarea.scrollTop + 1;
      n.style.top = `${top}px`;
      n.hidden = top < 0 || top > textarea.clientHeight - 10;
    }
  };

  let timer = null;
  textarea.addEventListener('input', () => {
    sessionStorage.setItem(draftKey, textarea.value);
    clearTimeout(timer);
    timer = setTimeout(analyse, 250);
  });
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; placeNotes(); });

  formatBtn.addEventListener('click', () => {
    try {
      textarea.value = JSON.stringify(JSON.parse(textarea.value), null, 2);
      sessionStorage.setItem(draftKey, textarea.value);
    } catch { /* the syntax error is shown by analyse */ }
    analyse();
  });

  const form = h('form', { id: 'job-form', novalidate: true });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    serverErrors = [];
    analyse();
    if (syntax) {
      replace(submitMsg, notice('error', 'Fix the JSON syntax first: ', syntax.message));
      goToLine(textarea, syntax.line);
      return;
    }
    createBtn.disabled = true;
    replace(submitMsg);
    try {
      const doc = await api.post('/v2/specs', textarea.value);
      sessionStorage.removeItem(draftKey);
      toast('Job created.');
      ctx.navigate(`/jobs/${doc.data.id}`);
    } catch (e) {
      createBtn.disabled = false;
      if (e.status === 422 && e.errors.length) {
        serverErrors = e.errors;
        paint();
        replace(submitMsg, notice('error', `The node refused the job: ${e.errors.length} problem${e.errors.length > 1 ? 's' : ''}, marked beside their lines.`));
        const first = problems.querySelector('.field-error');
        if (first) first.focus();
      } else {
        replace(submitMsg, notice('error', `The job was not created: ${e.message}`));
      }
    }
  });

  const exampleButtons = examples.map((ex) => h('li', {},
    h('button', {
      type: 'button', class: 'btn btn-small', dataset: { example: ex.key }, title: ex.about,
      onclick: () => {
        textarea.value = JSON.stringify(ex.spec, null, 2);
        sessionStorage.setItem(draftKey, textarea.value);
        serverErrors = [];
        replace(submitMsg, notice('', h('strong', {}, ex.label), ': ', ex.about));
        analyse();
        textarea.focus();
      },
    }, ex.label)));

  replace(form,
    h('div', { class: 'editor-layout' },
      h('div', {},
        h('label', { for: 'spec-editor', style: 'font-weight:600;display:block;margin-bottom:4px' }, 'Job spec (JSON)'),
        h('p', { id: 'spec-help', class: 'muted', style: 'margin:0 0 8px;font-size:0.9rem' },
          'Initiators start runs; tasks run in order, each one\'s output the next one\'s input. Type names and keys are case-insensitive.'),
        h('div', { class: 'editor' }, gutter, textarea, notes),
        submitMsg,
        h('div', { class: 'actions', style: 'margin-top:12px' }, createBtn, formatBtn, h('a', { class: 'btn', href: '/jobs' }, 'Cancel'))),
      h('aside', { 'aria-label': 'Examples and problems' },
        h('section', { class: 'card', 'aria-labelledby': 'examples-h' },
          h('h2', { id: 'examples-h' }, 'Start from an example'),
          h('ul', { class: 'example-list' }, exampleButtons)),
        h('section', { class: 'card' }, problems))));

  replace(ctx.root,
    h('p', { class: 'crumbs' }, h('a', { href: '/jobs' }, 'Jobs'), ' / new'),
    h('h1', {}, 'New job'),
    form);
  analyse();
}

// goToLine selects a line of the textarea and scrolls it into view.
function goToLine(textarea, line) {
  const rows = textarea.value.split('\n');
  let start = 0;
  for (let i = 0; i < line - 1 && i < rows.length; i += 1) start += rows[i].length + 1;
  const end = start + (rows[line - 1] ?? '').length;
  textarea.focus();
  textarea.setSelectionRange(start, end);
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
}
