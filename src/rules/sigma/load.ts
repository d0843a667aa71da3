/**
 * Reading rule and mapping files (through src/io, the one place that touches the file system).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileExists, listEvidence, readTextFile } from '../../io/files.js';
import { type Mapping, parseMapping } from './mapping.js';
import { parseSigma } from './parse.js';
import type { SigmaLoadError, SigmaRule } from './types.js';

/** Rule files larger than this are refused (a Sigma rule is a few KiB). */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;

export interface RuleFile {
  file: string;
  text: string;
}

const RULE_EXT = /\.ya?ml$/i;

/**
 * Reads the `.yml` / `.yaml` files below the given files or directories (recursively, sorted by
 * path). A file named explicitly is read whatever its extension.
 */
export async function readRuleFiles(
  pathOrDirs: string | string[],
): Promise<{ files: RuleFile[]; errors: SigmaLoadError[] }> {
  const inputs = Array.isArray(pathOrDirs) ? pathOrDirs : [pathOrDirs];
  const explicit = new Set(inputs.map((p) => path.resolve(p)));
  const listed = await listEvidence(inputs);
  const errors: SigmaLoadError[] = listed.problems.map((p) => ({ file: p.path, error: p.reason }));
  const files: RuleFile[] = [];
  for (const f of listed.files) {
    if (!RULE_EXT.test(f.path) && !explicit.has(path.resolve(f.path))) continue;
    if (f.bytes > MAX_RULE_FILE_BYTES) {
      errors.push({
        file: f.path,
        error: `file of ${f.bytes} bytes is larger than ${MAX_RULE_FILE_BYTES}: not read`,
      });
      continue;
    }
    try {
      files.push({ file: f.path, text: await readTextFile(f.path) });
    } catch (e) {
      errors.push({
        file: f.path,
        error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
    }
  }
  return { files, errors };
}

/** Loads every Sigma rule below the given paths; broken files and documents are listed in `errors`. */
export async function loadSigmaRules(
  pathOrDirs: string | string[],
): Promise<{ rules: SigmaRule[]; errors: SigmaLoadError[] }> {
  const { files, errors } = await readRuleFiles(pathOrDirs);
  const rules: SigmaRule[] = [];
  for (const f of files) {
    const r = parseSigma(f.text, f.file);
    rules.push(...r.rules);
    errors.push(...r.errors);
  }
  return { rules, errors };
}

/** Where the mapping files shipped with genai-ir are (`rules/mappings` at the package root). */
export async function mappingsDir(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const cand = path.join(dir, 'rules', 'mappings');
    if (await fileExists(path.join(cand, 'cloudtrail.yaml'))) return cand;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('rules/mappings/cloudtrail.yaml not found above the installed package');
}

/** Loads a field mapping: a file path, or the name of a shipped mapping (default `cloudtrail`). */
export async function loadMapping(fileOrName = 'cloudtrail'): Promise<Mapping> {
  const file = /[/\\]|\.ya?ml$/i.test(fileOrName)
    ? fileOrName
    : path.join(await mappingsDir(), `${fileOrName}.yaml`);
  return parseMapping(await readTextFile(file));
}
