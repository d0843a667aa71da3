/** Times and ids for hand-written fixture records: minutes after a start, and sequential UUIDs. */

/** `at(min)`: the ISO time `min` minutes after `start`, without milliseconds (as CloudTrail writes it). */
export function minutesAfter(start: string): (min: number) => string {
  const t0 = Date.parse(start);
  return (min: number) => new Date(t0 + min * 60_000).toISOString().replace('.000Z', 'Z');
}

/** Sequential, valid-looking UUIDs; `tag` (4 hex chars) keeps two fixtures' ids apart. */
export function uuidSequence(tag: string): () => string {
  let seq = 0;
  return () => {
    seq++;
    const h = seq.toString(16).padStart(12, '0');
    return `${h.slice(0, 8)}-${tag}-4ccc-8ddd-${h}`;
  };
}
