// What the form needs to know about a LAMDA file (Schöier et al. 2005, A&A 432, 369) before
// it is sent: its collision partners, from the "!COLLISIONS BETWEEN" blocks, whose first
// number is the LAMDA partner code.

/** LAMDA partner codes and the names the job parameters use. */
const PARTNER_CODES = { 1: 'h2', 2: 'p-h2', 3: 'o-h2', 4: 'e', 5: 'h', 6: 'he', 7: 'h+' };

/** The collision partners named in a LAMDA file's text (parameter names), in file order. */
export function lamdaPartners(text) {
  const lines = text.split(/\r?\n/);
  const out = [];
  lines.forEach((line, i) => {
    if (!/^!\s*collisions? between/i.test(line.trim())) return;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    const code = next ? parseInt(next.trim(), 10) : NaN;
    if (PARTNER_CODES[code] && !out.includes(PARTNER_CODES[code])) out.push(PARTNER_CODES[code]);
  });
  return out;
}
