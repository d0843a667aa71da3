// Regenerates examples/guardrail-tampering-mini with the shared evidence generator
// (../shared/tools/evidence-gen): the public guardrail-tampering incident over a quieter
// background, so the bundle stays small. Deterministic: the same files every time.
//
//   node examples/make-example.mjs
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const gen = path.resolve(here, '../../shared/tools/evidence-gen');
if (!fs.existsSync(gen)) {
  console.error(`evidence generator not found at ${gen}`);
  process.exit(1);
}
const def = path.join(gen, 'scenarios/public/guardrail-tampering.mjs');
const tmp = fs.mkdtempSync(path.join(path.dirname(def), '.mini-'));
const mini = path.join(tmp, 'guardrail-tampering-mini.mjs');
fs.writeFileSync(
  mini,
  `import base from ${JSON.stringify(def)};
export default { ...base, name: 'guardrail-tampering-mini',
  background: { ...base.background, intensity: 0.12, chatbot: { conversationsPerHour: 6 }, agent: { sessionsPerHour: 1 } } };
`,
);
const out = fs.mkdtempSync(path.join(here, '.out-'));
try {
  execFileSync(process.execPath, [path.join(gen, 'gen.mjs'), '--scenario', mini, '--out', out], { stdio: 'inherit' });
  const produced = fs.existsSync(path.join(out, 'truth.json')) ? out : path.join(out, fs.readdirSync(out)[0]);
  const dest = path.join(here, 'guardrail-tampering-mini');
  fs.rmSync(dest, { recursive: true, force: true });
  fs.renameSync(produced, dest);
  // the answers stay out of the example: investigate must work without them
  fs.renameSync(path.join(dest, 'truth.json'), path.join(here, 'guardrail-tampering-mini.truth.json'));
} finally {
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
}
