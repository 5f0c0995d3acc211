/**
 * The demo's one table: a row per request, message or record sent, with what serverless-rasp decided.
 */

export interface Row {
  provider: 'AWS' | 'GCP' | 'Azure';
  trigger: string;
  input: string;
  /** `allowed …` / `processed …` for what reached the handler; `BLOCKED …` / `REJECTED …` / `dropped …` otherwise. */
  verdict: string;
  rule: string;
  where: string;
}

/** What a security event (or one of its findings) says about the first finding. */
export interface FindingLike {
  rule?: string | undefined;
  class?: string | undefined;
  path?: string | undefined;
  /** Set on sink findings: what was called (`child_process.execSync`). */
  operation?: string | undefined;
}

/**
 * The finding a row shows: the first one of an attack class, else the first (a schema violation).
 * An operator object where a string belongs breaks the schema too; the row names the attack.
 */
export function primary<F extends FindingLike>(findings: readonly F[] | undefined): F | undefined {
  return findings?.find((f) => f.class !== 'schema') ?? findings?.[0];
}

export function short(s: string, max = 46): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

export function ruleOf(f: FindingLike | undefined): string {
  return f?.rule ? `${f.rule} (${f.class ?? '?'})` : '-';
}

export function whereOf(f: FindingLike | undefined): string {
  if (!f?.path) return '-';
  return f.operation ? `${f.path} → ${f.operation}` : f.path;
}

const COLUMNS: Array<[keyof Row, string]> = [
  ['provider', 'provider'],
  ['trigger', 'trigger'],
  ['input', 'input'],
  ['verdict', 'verdict'],
  ['rule', 'rule (class)'],
  ['where', 'where in the event'],
];

/** Columns as wide as their widest cell, so every row lines up under its header. */
export function formatTable(rows: Row[]): string[] {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const header = line(COLUMNS.map(([, title]) => title));
  // The last column is left ragged: the rule under the header stops at its title.
  const total = widths.slice(0, -1).reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) + COLUMNS[COLUMNS.length - 1]![1].length;
  return [header, '-'.repeat(total), ...rows.map((r) => line(COLUMNS.map(([key]) => r[key])))];
}

export const isStopped = (verdict: string): boolean => /^(BLOCKED|REJECTED|dropped)/.test(verdict);
