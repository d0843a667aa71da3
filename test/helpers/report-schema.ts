/** Validation of a report against the shared contract (../shared/contracts/report.schema.json). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

export const REPORT_SCHEMA = path.resolve(__dirname, '../../../shared/contracts/report.schema.json');
export const hasReportSchema = (): boolean => existsSync(REPORT_SCHEMA);

// ajv and ajv-formats are CommonJS: under NodeNext the class / function sits on `.default`
type AjvCtor = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as AjvCtor;
type AddFormats = typeof addFormatsModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as AddFormats;

/** The schema errors of a parsed report (empty when valid). */
export function reportSchemaErrors(report: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(REPORT_SCHEMA, 'utf8')));
  if (validate(report)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
