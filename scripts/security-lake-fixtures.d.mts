/** Types of scripts/security-lake-fixtures.mjs for the tests that import it. */
export function toOcsf(
  ct: Record<string, unknown>,
  opts?: { version?: 1 | 2; data?: 'text' | 'object' },
): Record<string, unknown>;
export function writeParquet(records: Record<string, unknown>[], file: string): Promise<void>;
