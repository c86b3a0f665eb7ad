/** HLS attribute lists (`KEY=VALUE,KEY="quoted, value"`): parse and serialise, preserving raw values. Pure. */
export type AttrList = Array<[string, string]>; // raw values, quotes included

export function parseAttrList(s: string): AttrList {
  const out: AttrList = [];
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === ',') i++;
    const eq = s.indexOf('=', i);
    if (eq < 0) break;
    const key = s.slice(i, eq).trim();
    let j = eq + 1;
    let value: string;
    if (s[j] === '"') {
      const close = s.indexOf('"', j + 1);
      const end = close < 0 ? s.length : close + 1;
      value = s.slice(j, end);
      j = end;
    } else {
      const comma = s.indexOf(',', j);
      const end = comma < 0 ? s.length : comma;
      value = s.slice(j, end).trim();
      j = end;
    }
    if (key) out.push([key, value]);
    i = j;
  }
  return out;
}

export function serializeAttrList(a: AttrList): string {
  return a.map(([k, v]) => `${k}=${v}`).join(',');
}

export function getAttr(a: AttrList, key: string): string | undefined {
  const v = a.find(([k]) => k === key)?.[1];
  return v === undefined ? undefined : unquote(v);
}

export function setAttr(a: AttrList, key: string, value: string, quoted = true): void {
  const raw = quoted ? `"${value.replace(/"/g, '')}"` : value;
  const i = a.findIndex(([k]) => k === key);
  if (i >= 0) a[i] = [key, raw];
  else a.push([key, raw]);
}

export function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** Appends `query` (already encoded, no leading ?) to a URI, keeping a fragment at the end. */
export function appendQuery(uri: string, query: string): string {
  if (!query) return uri;
  const hash = uri.indexOf('#');
  const base = hash >= 0 ? uri.slice(0, hash) : uri;
  const frag = hash >= 0 ? uri.slice(hash) : '';
  return `${base}${base.includes('?') ? '&' : '?'}${query}${frag}`;
}
