// Builds a job form from a job type's parameter description (`/jobtypes/{type}`): one field
// per parameter, typed, with its unit, default and range; relations enforced while typing;
// server errors shown next to the field they name.

import { h } from './dom.js';
import { lamdaPartners } from './lamda.js';

/** 1e15 rather than 1000000000000000. */
const num = (v) => (Math.abs(v) >= 1e5 ? v.toExponential().replace('e+', 'e') : String(v));

function rangeText(p) {
  const unit = p.unit ? ` ${p.unit}` : '';
  if (p.type === 'float' || p.type === 'integer') {
    const lo = p.min !== undefined ? `${num(p.min)}${p.min_exclusive ? ' <' : ' ≤'} ` : '';
    const hi = p.max !== undefined ? ` ≤ ${num(p.max)}` : '';
    if (lo || hi) return `${lo}value${hi}${unit}`;
  }
  return '';
}

/** Client-side check of one scalar value; returns a message or ''. */
function checkScalar(p, text) {
  if (text === '') return '';
  if (p.type === 'float' || p.type === 'integer') {
    const v = Number(text);
    if (!Number.isFinite(v)) return `\`${text}\` is not a number`;
    if (p.type === 'integer' && !Number.isInteger(v)) return `\`${text}\` is not an integer`;
    if (p.min !== undefined && (p.min_exclusive ? v <= p.min : v < p.min)) return `must be ${p.min_exclusive ? '>' : '≥'} ${p.min}`;
    if (p.max !== undefined && v > p.max) return `must be ≤ ${p.max}`;
  }
  if (p.type === 'string' && p.max_len && text.length > p.max_len) return `longer than ${p.max_len} characters`;
  return '';
}

function splitArray(text) {
  return text.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
}

function control(p, id, hintId) {
  const common = { id, name: p.name, 'aria-describedby': hintId };
  const def = p.default === undefined || p.default === null ? '' : p.default;
  if (p.array) {
    return h('input', { ...common, type: 'text', inputmode: 'decimal', value: Array.isArray(def) ? def.join(', ') : def,
      placeholder: 'comma-separated values', autocomplete: 'off' });
  }
  switch (p.type) {
    case 'float':
      return h('input', { ...common, type: 'text', inputmode: 'decimal', value: def, autocomplete: 'off' });
    case 'integer':
      return h('input', { ...common, type: 'text', inputmode: 'numeric', value: def, autocomplete: 'off' });
    case 'boolean':
      return h('input', { ...common, type: 'checkbox', checked: def === true });
    case 'file':
      return h('input', { ...common, type: 'file', accept: (p.media_types || []).join(',') || null });
    case 'string':
      if (p.choices) {
        return h('select', common,
          h('option', { value: '' }, p.required ? '— choose —' : '— none —'),
          p.choices.map((c) => h('option', { value: c, selected: c === def }, c)));
      }
      return h('input', { ...common, type: 'text', value: def, maxlength: p.max_len || null });
    default:
      return h('input', { ...common, type: 'text', value: def });
  }
}

/** One labelled field: {row, input, error, check()}. */
function field(p) {
  const id = `f-${p.name}`;
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  const input = control(p, id, `${hintId} ${errId}`);
  const unit = p.unit ? h('span', { class: 'unit' }, p.unit) : null;
  const count = p.array ? h('span', { class: 'count', 'aria-live': 'polite' }) : null;
  const error = h('p', { id: errId, class: 'field-error', 'data-param': p.name, role: 'alert' });
  const hintParts = [p.description, rangeText(p), p.default !== undefined && p.type !== 'boolean' ? `default ${p.default}` : '',
    p.array ? `${p.array.min_len}–${p.array.max_len} values` : '', p.required ? 'required' : ''].filter(Boolean);
  const hint = h('p', { id: hintId, class: 'hint' }, hintParts.join(' · '));
  const label = h('label', { for: id }, p.name, p.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const row = h('div', { class: `field field-${p.type}`, 'data-field': p.name },
    label, h('div', { class: 'control' }, input, unit, count), hint, error);
  const f = { p, row, input, error, count };
  f.check = () => {
    if (input.disabled || input.type === 'file' || input.type === 'checkbox') return setError(f, '');
    const text = input.value.trim();
    if (p.array) {
      const values = splitArray(text);
      count.textContent = text ? `${values.length} value${values.length === 1 ? '' : 's'}` : '';
      const bad = values.map((v) => checkScalar(p, v)).find(Boolean);
      if (bad) return setError(f, bad);
      if (text && (values.length < p.array.min_len || values.length > p.array.max_len)) {
        return setError(f, `${values.length} values given, ${p.array.min_len}–${p.array.max_len} allowed`);
      }
      return setError(f, '');
    }
    return setError(f, checkScalar(p, text));
  };
  input.addEventListener('input', () => f.check());
  return f;
}

function setError(f, message) {
  f.error.textContent = message;
  if (message) f.input.setAttribute('aria-invalid', 'true');
  else f.input.removeAttribute('aria-invalid');
  f.row.classList.toggle('invalid', Boolean(message));
  return message;
}

/** A group for `exactly_one_of`: radio buttons choose which alternative is given. */
function alternatives(relation, fields, formId) {
  const name = `${formId}-alt-${relation.params.join('-')}`;
  const radios = relation.params.map((param, i) => h('label', { class: 'alt' },
    h('input', { type: 'radio', name, value: param, checked: i === 0 }), ` ${param}`));
  const chosen = () => radios.map((l) => l.querySelector('input')).find((r) => r.checked)?.value;
  const update = () => {
    for (const param of relation.params) {
      const f = fields.get(param);
      if (!f) continue;
      const on = param === chosen();
      f.input.disabled = !on;
      f.row.hidden = !on;
      if (!on) setError(f, '');
    }
  };
  radios.forEach((l) => l.querySelector('input').addEventListener('change', update));
  const group = h('fieldset', { class: 'alternatives' },
    h('legend', {}, `Give exactly one of: ${relation.params.join(', ')}`),
    h('div', { class: 'alt-choices' }, radios),
    relation.params.map((param) => fields.get(param)?.row));
  update();
  return group;
}

/**
 * `choices_from` with a wildcard (`densities_cm3.*` from the molecule): when the chosen source
 * is an uploaded LAMDA file, only the fields of the partners it contains stay in the form.
 */
function partnerWatcher(r, desc, fields, before) {
  const prefix = r.param.slice(0, -1);
  const dependents = [...fields.values()].filter((f) => f.p.name.startsWith(prefix));
  const group = (desc.relations || []).find((x) => x.relation === 'exactly_one_of' && x.params.includes(r.source));
  const sources = (group ? group.params : [r.source]).map((n) => fields.get(n)).filter((f) => f && f.p.type === 'file');
  const note = h('p', { class: 'partner-note', 'aria-live': 'polite' });
  if (dependents.length) before.set(dependents[0].p.name, note);
  return async () => {
    const file = sources.find((f) => !f.input.disabled && f.input.files.length)?.input.files[0];
    const partners = file ? lamdaPartners(await file.text()) : [];
    for (const f of dependents) {
      const on = !partners.length || partners.includes(f.p.name.slice(prefix.length));
      f.row.hidden = !on;
      f.input.disabled = !on;
    }
    note.textContent = partners.length ? `Collision partners in ${file.name}: ${partners.join(', ')} (the others are hidden)` : '';
  };
}

/**
 * `requires` and `excludes` relations, checked together while typing (one relation alone must
 * not clear the message another one puts on a shared field): a field needed by a given one, or
 * forbidden by it, says so next to itself.
 */
function presenceRelations(desc, fields) {
  const relations = (desc.relations || []).filter((r) => r.relation === 'requires' || r.relation === 'excludes');
  const given = (f) => f && !f.input.disabled && (f.input.type === 'file' ? f.input.files.length > 0 : f.input.value.trim() !== '');
  const involved = new Set(relations.flatMap((r) => [r.param, ...r.params]).filter((n) => fields.has(n)));
  const check = () => {
    const messages = new Map();
    for (const r of relations) {
      if (!given(fields.get(r.param))) continue;
      for (const name of r.params) {
        const other = fields.get(name);
        if (other && !messages.has(name) && (r.relation === 'requires' ? !given(other) : given(other))) {
          messages.set(name, r.relation === 'requires' ? `needed with ${r.param}` : `not allowed with ${r.param}`);
        }
      }
    }
    for (const name of involved) {
      const f = fields.get(name);
      if (messages.has(name)) setError(f, messages.get(name));
      else f.check();
    }
  };
  for (const name of involved) ['input', 'change'].forEach((ev) => fields.get(name).input.addEventListener(ev, check));
}

/**
 * The form for job type `desc`. `onSubmit(formData)` must return a promise; an `ApiError`
 * with a parameter is shown next to that field, any other error above the button.
 */
export function jobForm(desc, onSubmit) {
  const formId = `form-${desc.name}`;
  const fields = new Map(desc.parameters.map((p) => [p.name, field(p)]));
  const grouped = new Set();
  const parts = [];
  for (const r of desc.relations || []) {
    if (r.relation === 'exactly_one_of') {
      parts.push(alternatives(r, fields, formId));
      r.params.forEach((p) => grouped.add(p));
    }
  }
  const relationNotes = [];
  const before = new Map();
  const watchers = [];
  for (const r of desc.relations || []) {
    if (r.relation === 'less_than') {
      const check = () => {
        const lo = fields.get(r.lower); const hi = fields.get(r.upper);
        if (!lo || !hi || lo.input.value === '' || hi.input.value === '') return;
        if (Number(lo.input.value) >= Number(hi.input.value)) setError(hi, `must be greater than ${r.lower}`);
        else hi.check();
      };
      [r.lower, r.upper].forEach((n) => fields.get(n)?.input.addEventListener('input', check));
    } else if (r.relation === 'choices_from') {
      relationNotes.push(h('li', {}, `${r.param}: ${r.note} (from ${r.source})`));
      if (r.param.endsWith('*')) watchers.push(partnerWatcher(r, desc, fields, before));
    }
  }
  presenceRelations(desc, fields);
  for (const [name, f] of fields) {
    if (grouped.has(name)) continue;
    if (before.has(name)) parts.push(before.get(name));
    parts.push(f.row);
  }
  const arrays = desc.parameters.filter((p) => p.array);
  const gridSize = arrays.length ? h('p', { class: 'grid-size', 'aria-live': 'polite' }) : null;
  const updateGrid = () => {
    if (!gridSize) return;
    const n = arrays.map((p) => Math.max(1, splitArray(fields.get(p.name).input.value).length)).reduce((a, b) => a * b, 1);
    gridSize.textContent = `Grid size: ${n} point${n === 1 ? '' : 's'}`;
  };
  arrays.forEach((p) => fields.get(p.name).input.addEventListener('input', updateGrid));
  updateGrid();

  const formError = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create and run');
  const form = h('form', { id: formId, class: 'job-form', novalidate: true },
    parts,
    relationNotes.length ? h('ul', { class: 'notes' }, relationNotes) : null,
    gridSize,
    h('div', { class: 'actions' }, submit, formError));
  form.addEventListener('change', () => watchers.forEach((w) => w()));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    for (const f of fields.values()) setError(f, '');
    const data = new FormData();
    for (const [name, f] of fields) {
      if (f.input.disabled) continue;
      if (f.p.type === 'file') {
        if (f.input.files.length) data.append(name, f.input.files[0], f.input.files[0].name);
      } else if (f.p.type === 'boolean') {
        data.append(name, f.input.checked ? 'true' : 'false');
      } else if (f.input.value.trim() !== '') {
        data.append(name, f.p.array ? splitArray(f.input.value).join(',') : f.input.value.trim());
      }
    }
    submit.disabled = true;
    try {
      await onSubmit(data);
    } catch (e) {
      const f = e.parameter && [...fields.values()].find((x) => x.p.name.toLowerCase() === e.parameter.toLowerCase());
      if (f) {
        f.row.hidden = false;
        setError(f, e.message);
        f.input.focus();
      } else {
        formError.textContent = e.message;
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
