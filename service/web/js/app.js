// The STOP web client: hash routes over the public API of any STOP deployment.
//   #/              job list of every job type, phases updated live
//   #/new[/{type}]  job-type chooser and the generated form
//   #/job/{type}/{id}  one job: phase, actions, parameters, log, results and their views

import { h, mount, announce, phaseBadge, formatBytes } from './dom.js';
import * as api from './uws.js';
import { jobForm } from './form.js';
import { resultView } from './results.js';

const main = document.getElementById('main');
const POLL_MS = 1000;
let types = null;
let timer = null;
let generation = 0;

async function jobTypes() {
  if (!types) types = await api.jobTypes();
  return types;
}

function poll(fn) {
  clearTimeout(timer);
  const gen = generation;
  const tick = async () => {
    if (gen !== generation) return;
    const again = await fn().catch(() => true);
    if (again && gen === generation) timer = setTimeout(tick, POLL_MS);
  };
  timer = setTimeout(tick, POLL_MS);
}

function errorBox(e) {
  return h('p', { class: 'form-error', role: 'alert' }, e.message || String(e));
}

async function showList() {
  const all = await jobTypes();
  const tbody = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true }, 'No jobs yet. ', h('a', { href: '#/new' }, 'Create one.'));
  const render = async () => {
    const lists = await Promise.all(all.map((t) => api.listJobs(t.name).catch(() => [])));
    const jobs = lists.flat().sort((a, b) => String(b.created).localeCompare(String(a.created)));
    tbody.replaceChildren(...jobs.map((j) => h('tr', { 'data-job': j.id },
      h('td', {}, h('a', { href: `#/job/${j.type}/${j.id}` }, j.runId || j.id)),
      h('td', {}, j.type),
      h('td', {}, phaseBadge(j.phase)),
      h('td', {}, (j.created || '').replace('T', ' ').replace(/\.\d+Z?$/, '').replace('Z', '')))));
    empty.hidden = jobs.length > 0;
    return true;
  };
  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Jobs'), h('a', { class: 'button primary', href: '#/new' }, 'New job')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data jobs' },
      h('caption', { class: 'visually-hidden' }, 'Jobs, newest first, updated live'),
      h('thead', {}, h('tr', {}, ['Job', 'Type', 'Phase', 'Created (UTC)'].map((c) => h('th', { scope: 'col' }, c)))),
      tbody)),
    empty);
  await render();
  poll(render);
}

async function showNew(typeName) {
  const all = await jobTypes();
  const desc = all.find((t) => t.name === typeName);
  const cards = h('ul', { class: 'type-list' }, all.map((t) => h('li', {},
    h('a', { href: `#/new/${t.name}`, class: t.name === typeName ? 'card current' : 'card', 'aria-current': t.name === typeName ? 'page' : null },
      h('strong', {}, t.title), h('span', { class: 'muted' }, t.name)))));
  const parts = [h('div', { class: 'page-head' }, h('h1', {}, desc ? `New job: ${desc.title}` : 'New job')),
    h('nav', { 'aria-label': 'Job types' }, cards)];
  if (desc) {
    parts.push(h('p', { class: 'lead' }, desc.description));
    parts.push(jobForm(desc, async (data) => {
      const job = await api.createJob(desc.name, data);
      announce(`job ${job.id} created`);
      location.hash = `#/job/${desc.name}/${job.id}`;
    }));
  } else {
    parts.push(h('p', {}, 'Choose a job type.'));
  }
  mount(main, parts);
}

function dl(rows) {
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

async function showJob(type, id) {
  const head = h('div', { class: 'page-head job-head' });
  const facts = h('div');
  const actions = h('div', { class: 'actions' });
  const params = h('section', { 'aria-labelledby': 'h-params' });
  const log = h('section', { 'aria-labelledby': 'h-log' });
  const results = h('section', { 'aria-labelledby': 'h-results' });
  const views = h('div', { class: 'views' });
  const problem = h('div');
  mount(main, head, problem, actions, log, results, views, h('div', { class: 'job-details' }, params, h('section', { 'aria-labelledby': 'h-facts' }, h('h2', { id: 'h-facts' }, 'Job'), facts)));
  let shownResults = '';
  const act = (label, cls, fn) => h('button', { type: 'button', class: cls, onclick: async (ev) => {
    ev.target.disabled = true;
    try { await fn(); } catch (e) { mount(problem, errorBox(e)); } finally { ev.target.disabled = false; }
  } }, label);

  const render = async () => {
    const job = await api.getJob(type, id);
    mount(head, h('h1', {}, `Job ${job.runId || job.id}`), phaseBadge(job.phase));
    const buttons = [];
    if (job.phase === 'PENDING') buttons.push(act('Run', 'primary', async () => { await api.setPhase(type, id, 'RUN'); await render(); }));
    if (['PENDING', 'QUEUED', 'EXECUTING', 'HELD', 'SUSPENDED'].includes(job.phase)) {
      buttons.push(act('Abort', 'warn', async () => { await api.setPhase(type, id, 'ABORT'); await render(); }));
    }
    buttons.push(act('Delete', 'danger', async () => { await api.deleteJob(type, id); location.hash = '#/'; }));
    mount(actions, buttons);
    mount(facts, dl([['Type', type], ['Job id', job.id], ['Owner', job.owner], ['Created', job.created], ['Started', job.started],
      ['Ended', job.ended], ['Max duration', job.executionDuration ? `${job.executionDuration} s` : null], ['Destruction', job.destruction]]));
    mount(params, h('h2', { id: 'h-params' }, 'Parameters'), job.parameters.length ? h('table', { class: 'data params' },
      h('tbody', {}, job.parameters.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.name),
        h('td', {}, p.byReference ? h('a', { href: `/uws/${type}/${id}/parameters/${encodeURIComponent(p.name)}`, download: p.name }, 'uploaded file (download)') : p.value)))))
      : h('p', { class: 'muted' }, 'none'));
    const logText = job.error ? `${job.error.type || 'error'}: ${job.error.message}`
      : ({ PENDING: 'waiting to be started', QUEUED: 'queued for a worker', EXECUTING: 'running…', COMPLETED: 'completed', ABORTED: 'aborted' }[job.phase] || job.phase);
    mount(log, h('h2', { id: 'h-log' }, 'Log'), h('pre', { class: `log ${job.error ? 'log-error' : ''}` },
      [`created ${job.created || ''}`, job.started ? `started ${job.started}` : '', job.ended ? `ended ${job.ended}` : '', logText].filter(Boolean).join('\n')));
    const key = job.results.map((r) => `${r.name}:${r.size}`).join(',');
    if (key !== shownResults) {
      shownResults = key;
      mount(results, h('h2', { id: 'h-results' }, 'Results'), job.results.length ? h('ul', { class: 'results' }, job.results.map((r) => h('li', {},
        h('a', { href: r.href, download: r.name }, r.name), ' ', h('span', { class: 'muted' }, `${r.mime} · ${formatBytes(r.size)}`), ' ',
        h('button', { type: 'button', class: 'small', 'data-view': r.name, onclick: () => openView(r) }, 'View'))))
        : h('p', { class: 'muted' }, api.FINAL_PHASES.has(job.phase) ? 'none' : 'not yet'));
      const first = job.results.find((r) => /tab-separated|csv/.test(r.mime)) || job.results[0];
      if (first && api.FINAL_PHASES.has(job.phase)) openView(first);
    }
    return !api.FINAL_PHASES.has(job.phase);
  };
  async function openView(r) {
    try {
      const v = await resultView(r);
      mount(views, h('h2', {}, `View: ${r.name}`), v || h('p', { class: 'muted' }, 'No view for this type; download it.'));
    } catch (e) {
      mount(views, errorBox(e));
    }
  }
  if (await render()) poll(render);
}

async function route() {
  generation += 1;
  clearTimeout(timer);
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'new') await showNew(parts[1]);
    else if (parts[0] === 'job' && parts.length >= 3) await showJob(parts[1], parts[2]);
    else await showList();
  } catch (e) {
    mount(main, h('h1', {}, 'Something went wrong'), errorBox(e));
  }
  document.querySelectorAll('header nav a').forEach((a) => a.toggleAttribute('aria-current', a.getAttribute('href') === `#/${parts[0] || ''}`));
}

window.addEventListener('hashchange', route);
route();
