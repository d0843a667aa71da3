/**
 * The identifiers an application puts into an invocation's `requestMetadata`: the end user, the
 * tenant, the API key a call serves, its conversation. One reader for every detector, in SQL and in
 * JS, from the same named key sets (src/model/request-metadata-keys.ts, re-exported here; they sit
 * in the model because the invocation source reads the end user's address from them too).
 *
 * Keys are named by their canonical form (lower case, letters only: `userId`, `user_id` and
 * `USER-ID` are all `userid`), or by one pinned spelling where a set reads only that one.
 *
 * - The JS reader (`metaValue`) matches any spelling by its canonical form and takes the record's
 *   first matching key, in the application's own order.
 * - The SQL builder (`metaSql`) looks up the usual spellings of each key (`spellingsOf`) and takes
 *   the first present in the set's order (SQL cannot walk a JSON object's keys cheaply at 10M rows);
 *   `metaFirst` is its JS twin, for detectors that read in the set's order in JS too.
 *
 * Both read scalars only in spirit, but they differ on hostile values, and each detector relies on
 * what it reads today: the JS reader skips anything but strings and numbers (a nested object or an
 * array is not an identifier); SQL's `->>` gives a nested value as its JSON text. Neither bounds a
 * value's length; `metaScalars` does (a bounded copy for detectors that compare every value).
 */
import { type MetaKeySet, metaKey, spellingsOf } from '../model/request-metadata-keys.js';
import { sqlString } from '../store/case-store.js';

export { META_KEYS, type MetaKeySet, metaKey, spellingsOf } from '../model/request-metadata-keys.js';

/**
 * SQL: the first present value among `keys`, in the set's order and each key's spellings' order.
 * Values are trimmed and empty ones skipped, unless `verbatim` (the value as logged).
 */
export function metaSql(keys: MetaKeySet, opts: { verbatim?: boolean; column?: string } = {}): string {
  const col = opts.column ?? 'request_metadata';
  const parts = keys
    .flatMap(spellingsOf)
    .map((k) => `${col}->>${sqlString(`$.${k}`)}`)
    .map((x) => (opts.verbatim ? x : `nullif(trim(${x}), '')`));
  return `coalesce(${parts.join(', ')})`;
}

/**
 * The first value of a key in `keys`, in the record's order (any spelling of a canonical key, a
 * pinned spelling as written): strings and numbers that are not blank, as logged. `meta` is a parsed
 * object or a `metaScalars` map; anything else (null, an array, text) reads as nothing.
 */
export function metaValue(meta: unknown, keys: MetaKeySet): string | null {
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return null;
  const entries: Iterable<[string, unknown]> =
    meta instanceof Map ? (meta as Map<string, unknown>).entries() : Object.entries(meta);
  for (const [k, x] of entries) {
    if (!keys.includes(metaKey(k)) && !keys.includes(k)) continue;
    if ((typeof x === 'string' || typeof x === 'number') && String(x).trim()) return String(x);
  }
  return null;
}

/**
 * The first value among `keys` in the set's order and each key's spellings' order, as `metaSql`
 * reads it: strings and numbers, trimmed, blank ones skipped. `meta` is a parsed object; anything
 * else reads as nothing.
 */
export function metaFirst(meta: unknown, keys: MetaKeySet): string | null {
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return null;
  const rec = meta as Record<string, unknown>;
  for (const k of keys.flatMap(spellingsOf)) {
    const v = rec[k];
    if ((typeof v === 'string' || typeof v === 'number') && String(v).trim()) return String(v).trim();
  }
  return null;
}

/** Bounds of `metaScalars`. */
export interface MetaScalarBounds {
  maxKeys: number;
  maxKeyLength: number;
  minLength: number;
  maxLength: number;
}
export const META_SCALARS: Readonly<MetaScalarBounds> = {
  maxKeys: 30,
  maxKeyLength: 64,
  minLength: 2,
  maxLength: 128,
};

/**
 * A bounded copy of the scalar values by key (the first `maxKeys` entries; keys cut to
 * `maxKeyLength`; values trimmed, kept when `minLength`..`maxLength` long): for detectors that
 * compare every value with something else (tenant isolation learns which key partitions documents).
 */
export function metaScalars(
  meta: unknown,
  bounds: Readonly<MetaScalarBounds> = META_SCALARS,
): Map<string, string> {
  const out = new Map<string, string>();
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return out;
  for (const [k, v] of Object.entries(meta as Record<string, unknown>).slice(0, bounds.maxKeys)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const s = String(v).trim();
    if (s.length >= bounds.minLength && s.length <= bounds.maxLength)
      out.set(k.slice(0, bounds.maxKeyLength), s);
  }
  return out;
}
