/**
 * The reader registry. Each top-level value of an evidence file (a line, or the whole document)
 * is first opened if it is a generic envelope, then offered to every reader in this order; the
 * first that recognises it reads it. Add a format: write `src/sources/<format>.ts` exporting a
 * `SourceReader`, add it here, and add fixtures and tests (docs/adding-a-source.md).
 */
import { agentTrace } from './agent-trace.js';
import { bedrockInvocation } from './bedrock-invocation.js';
import { cloudtrail } from './cloudtrail.js';
import { config } from './config.js';
import { applicationInventory, changeCalendar, declaredActivities } from './context.js';
import { guardduty } from './guardduty.js';
import { iam } from './iam.js';
import { kbLog } from './kb-log.js';
import { securityLake } from './security-lake.js';
import { securityhub } from './securityhub.js';
import { securityhubOcsf } from './securityhub-ocsf.js';
import type { SourceReader } from './types.js';

export const READERS: SourceReader[] = [
  cloudtrail,
  securityLake,
  bedrockInvocation,
  agentTrace,
  kbLog,
  guardduty,
  securityhub,
  securityhubOcsf,
  iam,
  config,
  declaredActivities,
  changeCalendar,
  applicationInventory,
];

/** The reader for a value, trying the last one that matched first (files are mostly uniform). */
export function chooseReader(value: unknown, last: SourceReader | null): SourceReader | null {
  if (last?.recognize(value)) return last;
  for (const r of READERS) if (r !== last && r.recognize(value)) return r;
  return null;
}

export { openEnvelope, stripLinePrefix } from './envelopes.js';
export type { NormalizeContext, Row, SourceReader } from './types.js';
export { RecordError, Rejected } from './types.js';
