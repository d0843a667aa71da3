/**
 * The reference tables shipped in the package's `data/` directory (price table, AWS-owned image
 * registries, the prompt classifier's weights), read and checked here so that the analysis never
 * touches the file system. Each table is read once per process. A table that is missing or
 * malformed is an error naming the file and what is wrong with it, never a silently empty table
 * (the prompt classifier catches it and runs on its rules alone, as it says).
 */
import { readFileSync } from 'node:fs';

/** Locations of `data/` relative to this module: the built package (dist/io) and the sources (src/io). */
const DATA_DIRS = ['../../data/', '../../../data/'];
/** Largest data file read (the tables are a few kB; a runaway file is refused). */
const DATA_FILE_MAX = 4 * 1024 * 1024;

export class DataFileError extends Error {
  constructor(file: string, problem: string) {
    super(`data/${file}: ${problem}`);
    this.name = 'DataFileError';
  }
}

/** The parsed JSON of a file of `data/`; throws a DataFileError when it cannot be read or parsed. */
export function readDataJson(file: string, text?: string): unknown {
  let raw = text;
  if (raw === undefined) {
    for (const dir of DATA_DIRS) {
      try {
        raw = readFileSync(new URL(`${dir}${file}`, import.meta.url), 'utf8');
        break;
      } catch {
        /* the next location */
      }
    }
    if (raw === undefined) throw new DataFileError(file, 'not found beside the package');
  }
  if (raw.length > DATA_FILE_MAX) throw new DataFileError(file, `larger than ${DATA_FILE_MAX} bytes`);
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new DataFileError(file, `not valid JSON (${(e as Error).message})`);
  }
}

// ---- Bedrock prices ------------------------------------------------------------------------------

export interface Price {
  input: number;
  output: number;
}

export const PRICES_FILE = 'bedrock-prices.json';

/** USD per 1k tokens by model-id family from the price table's JSON (entries without two numbers skipped). */
export function parsePriceTable(json: unknown): Map<string, Price> {
  const out = new Map<string, Price>();
  const models = (json as { models?: unknown } | null)?.models;
  if (!models || typeof models !== 'object' || Array.isArray(models))
    throw new DataFileError(PRICES_FILE, '"models" is not an object of model-id families');
  for (const [k, v] of Object.entries(models as Record<string, Partial<Price> | null>))
    if (typeof v?.input === 'number' && typeof v?.output === 'number')
      out.set(k, { input: v.input, output: v.output });
  return out;
}

let prices: Map<string, Price> | null = null;

/**
 * The price table (data/bedrock-prices.json). Cost is an estimate: without the table every cost is
 * unknown (null) rather than the investigation failing.
 */
export function loadPriceTable(): Map<string, Price> {
  if (prices) return prices;
  try {
    prices = parsePriceTable(readDataJson(PRICES_FILE));
  } catch {
    prices = new Map();
  }
  return prices;
}

// ---- AWS-owned container image registries -----------------------------------------------------------

export const AWS_REGISTRIES_FILE = 'aws-image-registries.json';
const ACCOUNT = /^\d{12}$/;

/**
 * The account ids of a data file of account groups (`groups.<name>.accounts`, keyed by 12-digit
 * account id); throws a DataFileError naming `file` when the shape is wrong, an account id is
 * malformed or the list is empty.
 */
function parseAccountGroups(file: string, json: unknown): Set<string> {
  const bad = (problem: string): never => {
    throw new DataFileError(file, problem);
  };
  const groups = (json as { groups?: unknown } | null)?.groups;
  if (!groups || typeof groups !== 'object' || Array.isArray(groups))
    bad('"groups" is not an object of account groups');
  const out = new Set<string>();
  for (const [name, g] of Object.entries(groups as Record<string, unknown>)) {
    const accounts = (g as { accounts?: unknown } | null)?.accounts;
    if (!accounts || typeof accounts !== 'object' || Array.isArray(accounts))
      bad(`group "${name}" has no "accounts" object`);
    for (const a of Object.keys(accounts as object)) {
      if (!ACCOUNT.test(a)) bad(`group "${name}" lists "${a.slice(0, 40)}", not a 12-digit account id`);
      out.add(a);
    }
  }
  if (!out.size) bad('lists no account');
  return out;
}

/** The account ids of data/aws-image-registries.json (see parseAccountGroups). */
export function parseAwsImageRegistries(json: unknown): Set<string> {
  return parseAccountGroups(AWS_REGISTRIES_FILE, json);
}

let registries: Set<string> | null = null;

/** The AWS-owned ECR registry accounts (Deep Learning Containers, built-in algorithms...). */
export function loadAwsImageRegistries(): Set<string> {
  if (!registries) registries = parseAwsImageRegistries(readDataJson(AWS_REGISTRIES_FILE));
  return registries;
}

// ---- AWS-published Lambda layers ------------------------------------------------------------------

export const AWS_LAYERS_FILE = 'aws-lambda-layers.json';

/** The account ids of data/aws-lambda-layers.json (see parseAccountGroups). */
export function parseAwsLayerAccounts(json: unknown): Set<string> {
  return parseAccountGroups(AWS_LAYERS_FILE, json);
}

let layerAccounts: Set<string> | null = null;

/** The accounts AWS publishes Lambda layers from (Lambda Insights, ADOT, Parameters and Secrets, AppConfig). */
export function loadAwsLayerAccounts(): Set<string> {
  if (!layerAccounts) layerAccounts = parseAwsLayerAccounts(readDataJson(AWS_LAYERS_FILE));
  return layerAccounts;
}
