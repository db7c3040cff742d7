// SAMP Web Profile (IVOA SAMP 1.3, section 5): a browser page talks XML-RPC to the hub at
// http://localhost:21012/ (the hub asks its user to consent), then tells every registered
// client, such as TOPCAT, CASSIS or Aladin, to load a table, spectrum or image by URL.

const HUB_URL = 'http://localhost:21012/';

const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function encode(v) {
  if (Array.isArray(v)) return `<value><array><data>${v.map(encode).join('')}</data></array></value>`;
  if (v && typeof v === 'object') {
    return `<value><struct>${Object.entries(v).map(([k, x]) => `<member><name>${esc(k)}</name>${encode(x)}</member>`).join('')}</struct></value>`;
  }
  return `<value><string>${esc(v)}</string></value>`;
}

function decode(value) {
  const el = Array.from(value.children)[0];
  if (!el) return value.textContent;
  switch (el.tagName) {
    case 'struct': return Object.fromEntries(Array.from(el.children).map((m) =>
      [m.getElementsByTagName('name')[0].textContent, decode(m.getElementsByTagName('value')[0])]));
    case 'array': return Array.from(el.getElementsByTagName('data')[0].children).map(decode);
    default: return el.textContent;
  }
}

async function call(method, params) {
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param>${encode(p)}</param>`).join('')}</params></methodCall>`;
  let response;
  try {
    response = await fetch(HUB_URL, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
  } catch {
    throw new Error('no SAMP hub with the Web Profile at localhost:21012 (start TOPCAT or Aladin first)');
  }
  const doc = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const fault = doc.getElementsByTagName('fault')[0];
  if (fault) throw new Error(`SAMP hub: ${JSON.stringify(decode(fault.getElementsByTagName('value')[0]))}`);
  const value = doc.querySelector('params > param > value');
  return value ? decode(value) : null;
}

/** Registers, notifies every client of `mtype` with `params`, unregisters. Returns the count of receivers told. */
export async function notifyAll(mtype, params) {
  const reg = await call('samp.webhub.register', [{ 'samp.name': 'STOP web client' }]);
  const key = reg['samp.private-key'];
  try {
    await call('samp.webhub.declareMetadata', [key, { 'samp.name': 'STOP web client', 'samp.description.text': 'Spectral Tools Platform' }]);
    const sent = await call('samp.webhub.notifyAll', [key, { 'samp.mtype': mtype, 'samp.params': params }]);
    return Array.isArray(sent) ? sent.length : 0;
  } finally {
    await call('samp.webhub.unregister', [key]).catch(() => {});
  }
}

/** Asks every client to load the VOTable at `url`. */
export function sendVotable(url, name) {
  return notifyAll('table.load.votable', { url, name, 'table-id': url });
}

/**
 * Asks every client to load the FITS file at `url` as `kind`: a spectrum
 * (spectrum.load.ssa-generic), an image or cube (image.load.fits) or a table (table.load.fits).
 */
export function sendFits(kind, url, name) {
  const mtype = { spectrum: 'spectrum.load.ssa-generic', image: 'image.load.fits', table: 'table.load.fits' }[kind];
  const params = kind === 'spectrum' ? { url, name, meta: { 'Access.Format': 'application/fits' } }
    : kind === 'image' ? { url, name, 'image-id': url } : { url, name, 'table-id': url };
  return notifyAll(mtype, params);
}
