/**
 * Finding paths (`body.items[2].name`, `headers.user-agent`, `records[3].body.customer`) and the glob
 * patterns exclusions use against them (`*` one segment, `**` any number of segments).
 */

/** One step below a path: an object key or an array index. */
export type Segment = string | number;

function plainKey(k: string): boolean {
  if (k.length === 0 || k.length > 64) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 36;
    if (!ok) return false;
  }
  return true;
}

/** Appends one segment to a path string: `.key`, `[3]`, or `["odd key"]` for keys that need quoting. */
export function appendSegment(path: string, seg: Segment): string {
  if (typeof seg === 'number') return `${path}[${seg}]`;
  if (plainKey(seg)) return path.length === 0 ? seg : `${path}.${seg}`;
  // Quoted and truncated: a path is logged, so an attacker-chosen key must not make it huge.
  return `${path}[${JSON.stringify(seg.length > 64 ? seg.slice(0, 64) + '…' : seg)}]`;
}

export function formatPath(base: string, segs: readonly Segment[]): string {
  let p = base;
  for (const s of segs) p = appendSegment(p, s);
  return p;
}

/**
 * Splits a path or pattern into segments: `body.items[2].name` → body, items, [2], name. Index
 * segments keep their brackets so that `[*]` only matches an index.
 */
export function splitPath(p: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '.') {
      if (cur) out.push(cur);
      cur = '';
    } else if (c === '[') {
      if (cur) out.push(cur);
      const end = p.indexOf(']', i);
      const stop = end === -1 ? p.length - 1 : end;
      let inner = p.slice(i + 1, stop);
      if (inner.startsWith('"')) {
        try {
          inner = JSON.parse(inner) as string;
          out.push(inner);
        } catch {
          out.push(`[${inner}]`);
        }
      } else out.push(`[${inner}]`);
      cur = '';
      i = stop;
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** Compiles a path glob once; the matcher is linear-ish (memoized) in pattern × path segments. */
export function compilePathGlob(pattern: string): (path: string) => boolean {
  const pat = splitPath(pattern);
  return (path: string) => {
    const segs = splitPath(path);
    const memo = new Map<number, boolean>();
    const match = (pi: number, si: number): boolean => {
      const key = pi * 4096 + si;
      const hit = memo.get(key);
      if (hit !== undefined) return hit;
      let r: boolean;
      if (pi === pat.length) r = si === segs.length;
      else {
        const p = pat[pi]!;
        if (p === '**') r = match(pi + 1, si) || (si < segs.length && match(pi, si + 1));
        else if (si === segs.length) r = false;
        else {
          const s = segs[si]!;
          const one = p === '*' ? !s.startsWith('[') : p === '[*]' ? s.startsWith('[') : p.toLowerCase() === s.toLowerCase();
          r = one && match(pi + 1, si + 1);
        }
      }
      memo.set(key, r);
      return r;
    };
    return match(0, 0);
  };
}
