/**
 * Whole-string wildcard matching (`*` any run of characters, `?` one character), as IAM's
 * `StringLike` and GuardDuty's `matches` filters use. Patterns come from evidence (trust policies,
 * suppression rules) and are hostile: matched by the two-pointer method in time proportional to
 * pattern × value at worst, never through a regular expression, whose backtracking a pattern of
 * many `*` makes explode.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
