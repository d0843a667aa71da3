import type { Limits } from '../io/limits.js';
import type { SourceFormat } from '../model/types.js';
import type { RecordTable } from '../store/schema.js';

/** What a reader knows while normalising one record. */
export interface NormalizeContext {
  fileId: string;
  path: string;
  idx: number;
  limits: Limits;
  /** a non-fatal note about this record (e.g. a text field cut at the size cap) */
  note(message: string): void;
  /**
   * Reads a file of the evidence that a record refers to by S3 URI (e.g. a Bedrock invocation body
   * moved to `inputBodyS3Path`): matched by the object key below the collected folder. Returns the
   * parsed JSON, or why it is missing.
   */
  loadReferenced(uri: string): { value: unknown; path: string } | { missing: string };
}

/** A normalised row: the model's fields (camelCase) for the source's table. */
export type Row = Record<string, unknown>;

/** Returned by `unwrap` in place of a record that cannot even be extracted (it is counted and rejected). */
export class Rejected {
  constructor(public readonly reason: string) {}
}

/** Thrown by a reader for a record it cannot normalise; the record is rejected with this reason. */
export class RecordError extends Error {}

/**
 * One evidence format. Formats are recognised by content, never by file name: the registry offers
 * each top-level value (a parsed line, a whole document, or the inside of a generic envelope such
 * as a CloudWatch Logs subscription message) to every reader in turn.
 */
export interface SourceReader {
  format: SourceFormat;
  /** the case-store table the records go to, or null for formats kept only as evidence */
  table: RecordTable | null;
  /** true when the value is (or contains) records of this format */
  recognize(value: unknown): boolean;
  /** the records inside a recognised value, in order (a delivery document holds many) */
  unwrap(value: unknown): unknown[];
  /** one record to one row; throw RecordError to reject it */
  normalize(record: unknown, ctx: NormalizeContext): Row;
}
