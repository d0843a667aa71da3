/** The machine-readable report (report.schema.json, extras allowed). */
import type { Report } from '../model/types.js';

/**
 * The report as JSON: key order as built, 2-space indent, trailing newline. Deterministic for a
 * deterministic Report; `undefined` members are left out, as JSON.stringify does.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
