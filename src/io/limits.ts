/** Bounds applied to every piece of evidence. Evidence is hostile: nothing is unbounded. */
export interface Limits {
  /** Largest single record (one line, or one element of a document's array), in bytes. */
  maxRecordBytes: number;
  /** Largest whole-document file (a JSON value that is not line-delimited), decompressed. */
  maxDocumentBytes: number;
  /** Deepest JSON nesting accepted in one record. */
  maxDepth: number;
  /** Largest decompressed/compressed ratio accepted before a gzip stream is treated as a bomb. */
  maxInflateRatio: number;
  /** Decompressed bytes below which the ratio is not checked (small files compress very well). */
  inflateRatioFloor: number;
  /** Absolute cap on decompressed bytes of one file. */
  maxInflatedBytes: number;
  /** Largest text field kept per record (prompt, response ...); longer text is cut and flagged. */
  maxTextChars: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
  maxDepth: 64,
  maxInflateRatio: 200,
  inflateRatioFloor: 8 * 1024 * 1024,
  maxInflatedBytes: 64 * 1024 * 1024 * 1024,
  maxTextChars: 1024 * 1024,
};
