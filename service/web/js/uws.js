// The public API of a STOP deployment: parameter descriptions (`/jobtypes`) and the IVOA
// UWS 1.1 job lists (`/uws/{type}`). Nothing here knows about the page.

const UWS_NS = 'http://www.ivoa.net/xml/UWS/v1.0';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** Phases after which a job no longer changes by itself. */
export const FINAL_PHASES = new Set(['COMPLETED', 'ERROR', 'ABORTED', 'ARCHIVED']);

/** An HTTP failure, with the parameter it concerns when the server names one. */
export class ApiError extends Error {
  constructor(status, message, parameter) {
    super(message);
    this.status = status;
    this.parameter = parameter || null;
  }
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  let parameter = null;
  const type = response.headers.get('content-type') || '';
  const body = await response.text();
  if (type.includes('json')) {
    try {
      const doc = JSON.parse(body);
      message = doc.error || message;
      parameter = doc.parameter || null;
    } catch { /* keep the status line */ }
  } else if (body.trim()) {
    message = body.trim();
  }
  return new ApiError(response.status, message, parameter);
}

async function request(url, options = {}) {
  const headers = { Accept: 'application/json, text/xml, */*', ...(options.headers || {}) };
  const response = await fetch(url, { credentials: 'same-origin', ...options, headers });
  if (!response.ok) throw await failure(response);
  return response;
}

function parseXml(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('unreadable XML from the server');
  return doc;
}

const uws = (node, tag) => Array.from(node.getElementsByTagNameNS(UWS_NS, tag));
const uwsText = (node, tag) => {
  const el = uws(node, tag)[0];
  if (!el || el.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'nil') === 'true') return null;
  return el.textContent;
};

/** Every job type's parameter description. */
export async function jobTypes() {
  return (await request('/jobtypes')).json();
}

/** The jobs of one list, newest first: [{id, type, phase, runId, created, href}]. */
export async function listJobs(type, last = 100) {
  const doc = parseXml(await (await request(`/uws/${encodeURIComponent(type)}?LAST=${last}`)).text());
  return uws(doc, 'jobref').map((ref) => ({
    id: ref.getAttribute('id'),
    type,
    phase: uwsText(ref, 'phase'),
    runId: uwsText(ref, 'runId'),
    created: uwsText(ref, 'creationTime'),
  }));
}

/** Parses a `<uws:job>` document. */
export function parseJob(text) {
  const doc = parseXml(text);
  const job = doc.documentElement;
  return {
    id: uwsText(job, 'jobId'),
    runId: uwsText(job, 'runId'),
    owner: uwsText(job, 'ownerId'),
    phase: uwsText(job, 'phase'),
    created: uwsText(job, 'creationTime'),
    started: uwsText(job, 'startTime'),
    ended: uwsText(job, 'endTime'),
    executionDuration: uwsText(job, 'executionDuration'),
    destruction: uwsText(job, 'destruction'),
    parameters: uws(job, 'parameter').map((p) => ({
      name: p.getAttribute('id'),
      value: p.textContent,
      byReference: p.getAttribute('byReference') === 'true',
    })),
    results: uws(job, 'result').map((r) => ({
      name: r.getAttribute('id'),
      href: r.getAttributeNS(XLINK_NS, 'href'),
      size: Number(r.getAttribute('size') || NaN),
      mime: r.getAttribute('mime-type') || '',
    })),
    error: uws(job, 'errorSummary').length
      ? { type: uws(job, 'errorSummary')[0].getAttribute('type'), message: uwsText(job, 'message') }
      : null,
  };
}

/** One job. */
export async function getJob(type, id) {
  const r = await request(`/uws/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
  return parseJob(await r.text());
}

/** Creates a job from form data (multipart) and starts it; returns the new job. */
export async function createJob(type, formData) {
  formData.append('PHASE', 'RUN');
  const r = await request(`/uws/${encodeURIComponent(type)}`, { method: 'POST', body: formData });
  return parseJob(await r.text());
}

/** PHASE=RUN or PHASE=ABORT. */
export async function setPhase(type, id, phase) {
  const body = new URLSearchParams({ PHASE: phase });
  await request(`/uws/${encodeURIComponent(type)}/${encodeURIComponent(id)}/phase`, { method: 'POST', body });
}

/** Deletes a job and its files. */
export async function deleteJob(type, id) {
  await request(`/uws/${encodeURIComponent(type)}/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** The text of a result (or any same-origin URL). */
export async function fetchText(url) {
  return (await request(url)).text();
}

/** The bytes of a result (FITS files). */
export async function fetchBytes(url) {
  return (await request(url)).arrayBuffer();
}
