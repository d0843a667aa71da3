import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/model/types.js';
import { renderJson } from '../src/report/json.js';

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMA = join(here, '..', '..', 'shared', 'contracts', 'report.schema.json');
const load = (): Report => JSON.parse(readFileSync(join(here, 'fixtures', 'report-sample.json'), 'utf8'));

// ajv and ajv-formats are CommonJS: under NodeNext the class / function sits on `.default`
type AjvCtor = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as AjvCtor;
type AddFormats = typeof addFormatsModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as AddFormats;

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
}

describe('renderJson', () => {
  it('is 2-space indented, ends with a newline and keeps key order as built', () => {
    const r = load();
    const out = renderJson(r);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.split('\n')[1]).toBe('  "tool": {');
    expect(Object.keys(JSON.parse(out))).toEqual(Object.keys(r));
    expect(renderJson(load())).toBe(out);
  });

  it('round-trips every value, including hostile and astral characters', () => {
    const r = load();
    expect(JSON.parse(renderJson(r))).toEqual(r);
  });

  it('drops undefined members instead of writing them', () => {
    const r = load();
    r.findings[0]!.description = undefined;
    expect(renderJson(r)).not.toContain('undefined');
  });

  describe('against /work/shared/contracts/report.schema.json', () => {
    if (!existsSync(SCHEMA)) {
      it.skip('skipped: ../shared/contracts/report.schema.json is absent', () => {});
      return;
    }
    it('the sample report fixture is valid', () => {
      const validate = validator();
      const ok = validate(JSON.parse(renderJson(load())));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it('the fixture is realistic: all 7 elements, findings referenced by elements and timeline exist', () => {
      const r = load();
      expect(Object.keys(r.elements).sort()).toHaveLength(7);
      const ids = new Set(r.findings.map((f) => f.id));
      for (const v of Object.values(r.elements))
        for (const id of v.findingIds) expect(ids.has(id)).toBe(true);
      for (const e of r.timeline) for (const id of e.findingIds ?? []) expect(ids.has(id)).toBe(true);
      expect(r.timeline.some((e) => e.actor === true)).toBe(true);
      expect(r.timeline.some((e) => typeof e.declared === 'string')).toBe(true);
      const times = r.timeline.map((e) => e.time);
      expect([...times].sort()).toEqual(times);
    });

    it('a broken report is rejected (the validator is live)', () => {
      const validate = validator();
      const r = JSON.parse(renderJson(load()));
      r.elements.access.status = 'pwned';
      delete r.scope.window;
      expect(validate(r)).toBe(false);
    });
  });
});
