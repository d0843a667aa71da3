/** Small helpers shared by the readers. Pure functions. */
import { createHash } from 'node:crypto';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-empty string, or null. Numbers are turned into strings. */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v.length ? v : null;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

export function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True' || v === 'TRUE') return true;
  if (v === 'false' || v === 'False' || v === 'FALSE') return false;
  return null;
}

/** Follows a path of keys; undefined when any step is missing. */
export function get(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/**
 * Any time AWS writes (ISO 8601 with or without zone or fraction, epoch seconds or milliseconds)
 * as a UTC string `YYYY-MM-DDTHH:MM:SS.mmmZ`, or null.
 */
export function isoTime(v: unknown): string | null {
  let ms: number;
  if (typeof v === 'number' && Number.isFinite(v)) {
    ms = v < 1e11 ? v * 1000 : v;
  } else if (typeof v === 'string' && v.length >= 10 && v.length <= 40) {
    if (/^\d+(\.\d+)?$/.test(v)) return isoTime(Number(v));
    let s = v.trim();
    // "2025-03-11 00:01:59" (CloudTrail Lake) has no zone: it is UTC
    if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s = `${s.replace(' ', 'T')}Z`;
    ms = Date.parse(s);
  } else return null;
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString();
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stable id for a record that carries none: `h:` + the first 32 hex chars of its content hash. */
export function contentId(text: string): string {
  return `h:${sha256(text).slice(0, 32)}`;
}

/** Keeps the first `max` characters of a text; notes when it was cut. */
export function capText(text: string, max: number, note?: (m: string) => void, what = 'text'): string {
  if (text.length <= max) return text;
  note?.(`${what} of ${text.length} characters cut to ${max}`);
  return text.slice(0, max);
}

export function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) {
    const s = str(x);
    if (s !== null) out.push(s);
  }
  return out;
}

export function account(arn: string | null): string | null {
  if (!arn) return null;
  const p = arn.split(':');
  return p.length > 4 && /^\d{12}$/.test(p[4]) ? p[4] : null;
}

/**
 * The IAM identity behind an ARN: for `arn:aws:sts::123:assumed-role/Role/session` the role ARN
 * `arn:aws:iam::123:role/Role` (path unknown), otherwise the ARN itself.
 */
export function identityFromArn(arn: string | null): string | null {
  if (!arn) return null;
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (m) return `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
  return arn;
}
