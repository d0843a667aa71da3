#!/usr/bin/env node
/**
 * genai-ir command line: a thin layer over the library facade (src/index.ts).
 * Exit codes: 0 done; 1 fatal (no readable evidence, unwritable output, bad case); 2 usage.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as lib from '../index.js';
import { Progress } from './progress.js';

const program = new Command();
program
  .name('genai-ir')
  .description(
    'Incident response for generative-AI workloads on AWS (Bedrock, guardrails, agents, knowledge bases).',
  )
  .version(lib.VERSION)
  .option(
    '--memory-limit <size>',
    "DuckDB's memory limit for the case (e.g. 1GiB, 4GB); above it DuckDB spills to disk beside the case",
    process.env.GENAI_IR_MEMORY_LIMIT ?? lib.DEFAULT_MEMORY_LIMIT,
  )
  .showHelpAfterError();

function fatal(msg: string): never {
  process.stderr.write(`genai-ir: ${msg}\n`);
  process.exit(1);
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function parseSeed(v: string, prev: lib.Seed[]): lib.Seed[] {
  const m = /^(key|ip|principal|finding|request):(.+)$/.exec(v);
  if (!m)
    throw new InvalidArgumentError(
      'expected key:<id>, ip:<addr>, principal:<arn>, finding:<id> or request:<id>',
    );
  return [...prev, { kind: m[1] as lib.Seed['kind'], value: m[2] }];
}

async function withCase<T>(
  file: string | undefined,
  fn: (store: lib.CaseStore, temp: boolean) => Promise<T>,
): Promise<T> {
  let store: lib.CaseStore;
  let tempDir: string | null = null;
  const memoryLimit = String(program.opts().memoryLimit);
  try {
    if (file) store = await lib.CaseStore.open(file, { memoryLimit });
    else {
      tempDir = await lib.makeTempDir('genai-ir-case-');
      store = await lib.CaseStore.open(`${tempDir}/case.duckdb`, { memoryLimit });
    }
  } catch (e) {
    fatal(`cannot open case ${file ?? '(temporary)'}: ${(e as Error).message}`);
  }
  try {
    return await fn(store, !file);
  } finally {
    await store.close();
    if (tempDir) await lib.removeDir(tempDir);
  }
}

/** Exits 2 (usage) on a report format the library does not write. */
function checkReportFormat(format: string): void {
  if (lib.REPORT_FORMATS.includes(format as lib.ReportFormat)) return;
  process.stderr.write(`genai-ir: unknown format ${format} (${lib.REPORT_FORMATS.join(', ')})\n`);
  process.exit(2);
}

/** Renders the report and writes it to `out` (standard output without it); exits 1 when it cannot. */
async function writeReport(report: lib.Report, format: string, out?: string): Promise<void> {
  const text = lib.renderReport(report, format as lib.ReportFormat);
  if (!out) {
    process.stdout.write(text);
    return;
  }
  try {
    await lib.writeOutput(out, text);
  } catch (e) {
    fatal(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function progress(): Progress | null {
  return process.stderr.isTTY ? new Progress(process.stderr) : null;
}

program
  .command('ingest')
  .description('read evidence files and directories (any supported format, .gz, whole trees) into a case')
  .argument('<paths...>', 'evidence files or directories')
  .requiredOption('--case <file>', 'case file (DuckDB); created if missing, appended to otherwise')
  .option('--json', 'print the per-file summary as JSON')
  .action(async (paths: string[], o: { case: string; json?: boolean }) => {
    await withCase(o.case, async (store) => {
      const bar = progress();
      const res = await lib.ingest(store, paths, { onProgress: (p) => bar?.update(p) });
      bar?.done();
      if (o.json) {
        process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
      } else {
        for (const f of res.files) {
          process.stdout.write(
            `${f.format.padEnd(26)} records ${String(f.records).padStart(7)} stored ${String(f.stored).padStart(7)} rejected ${String(f.rejected).padStart(5)} dup ${String(f.duplicates).padStart(5)}  ${f.path}\n`,
          );
          for (const w of f.warnings) process.stdout.write(`    ${w}\n`);
        }
        for (const w of res.warnings) process.stdout.write(`warning: ${w}\n`);
        const t = res.totals;
        process.stdout.write(
          `${res.files.length} files: ${t.records} records, ${t.stored} stored, ${t.rejected} rejected, ${t.duplicates} duplicates\n`,
        );
      }
      if (!res.files.length) fatal('no readable evidence');
    });
  });

program
  .command('query')
  .description(
    'run SQL over a case (tables: files, rejects, events, invocations, agent_steps, kb_events, ext_findings, iam_entities, config_items, context_entries; see docs/case-store.md)',
  )
  .argument('<sql>', 'the query')
  .requiredOption('--case <file>', 'case file')
  .option('--format <fmt>', 'table | jsonl (default: table on a terminal, jsonl otherwise)')
  .action(async (sql: string, o: { case: string; format?: string }) => {
    if (!(await lib.fileExists(o.case))) fatal(`no case at ${o.case}`);
    await withCase(o.case, async (store) => {
      let res: { columns: string[]; rows: unknown[][] };
      try {
        res = await store.table(sql);
      } catch (e) {
        fatal(`query failed: ${(e as Error).message}`);
      }
      const fmt = o.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
      process.stdout.write(
        fmt === 'table' ? lib.formatTable(res.columns, res.rows) : lib.formatJsonl(res.columns, res.rows),
      );
    });
  });

program
  .command('investigate')
  .description('ingest evidence, detect, scope and write a report')
  .argument('<paths...>', 'evidence files or directories')
  .option('--case <file>', 'keep the case in this file (default: a temporary case)')
  .option('--format <fmt>', 'md | json | html | ocsf | asff | stix | iocs-csv', 'md')
  .option('--out <file>', 'output file (default: standard output)')
  .option(
    '--seed <kind:value>',
    'start scoping from key:AKIA..., ip:..., principal:<arn>, finding:<id>, request:<id> (repeatable)',
    parseSeed,
    [],
  )
  .option('--context <file>', 'declared activities or change calendar file (repeatable)', collect, [])
  .action(
    async (
      paths: string[],
      o: { case?: string; format: string; out?: string; seed: lib.Seed[]; context: string[] },
    ) => {
      checkReportFormat(o.format);
      await withCase(o.case, async (store) => {
        const bar = progress();
        let report: lib.Report;
        try {
          report = await lib.investigate(store, [...paths, ...o.context], {
            seeds: o.seed,
            onProgress: (p) => bar?.update(p),
            onStage: (s) => bar?.stage(s),
          });
        } finally {
          bar?.done();
        }
        const readable = report.evidence.some((e) => e.records > e.rejected);
        if (!readable) fatal(`no readable evidence in ${paths.join(', ')}`);
        await writeReport(report, o.format, o.out);
      });
    },
  );

program
  .command('report')
  .description('analyse a case that already holds the evidence (from ingest) and write a report')
  .requiredOption('--case <file>', 'case file')
  .option('--format <fmt>', 'md | json | html | ocsf | asff | stix | iocs-csv', 'md')
  .option('--out <file>', 'output file (default: standard output)')
  .option(
    '--seed <kind:value>',
    'start scoping from key:, ip:, principal:, finding:, request: (repeatable)',
    parseSeed,
    [],
  )
  .action(async (o: { case: string; format: string; out?: string; seed: lib.Seed[] }) => {
    checkReportFormat(o.format);
    if (!(await lib.fileExists(o.case))) fatal(`no case at ${o.case}`);
    await withCase(o.case, async (store) => {
      const report = await lib.analyseCase(store, null, { seeds: o.seed });
      if (!report.evidence.some((e) => e.records > e.rejected)) fatal(`no readable evidence in ${o.case}`);
      await writeReport(report, o.format, o.out);
    });
  });

program
  .command('timeline')
  .description('write the incident timeline (Timesketch-compatible columns) as CSV or JSON lines')
  .argument('[paths...]', 'evidence files or directories (none: the evidence already in --case)')
  .option('--case <file>', 'case file')
  .option('--format <fmt>', 'csv | jsonl', 'csv')
  .option('--out <file>', 'output file (default: standard output)')
  .action(async (paths: string[], o: { case?: string; format: string; out?: string }) => {
    if (!paths.length && !o.case) fatal('give evidence paths or --case');
    if (!paths.length && o.case && !(await lib.fileExists(o.case))) fatal(`no case at ${o.case}`);
    await withCase(o.case, async (store) => {
      const report = paths.length
        ? await lib.investigate(store, paths, {})
        : await lib.analyseCase(store, null);
      const text =
        o.format === 'jsonl' ? lib.timelineJsonl(report.timeline) : lib.timelineCsv(report.timeline);
      if (o.out) await lib.writeOutput(o.out, text);
      else process.stdout.write(text);
    });
  });

program
  .command('hunt')
  .description('run Sigma rules (files or directories) over evidence or a case and print the hits')
  .requiredOption('--rules <path>', 'Sigma rule file or directory (repeatable)', collect, [])
  .argument(
    '[paths...]',
    'evidence files or directories (ingested into a temporary case unless --case is given)',
  )
  .option('--case <file>', 'hunt in this case (evidence paths, if any, are ingested into it first)')
  .option('--format <fmt>', 'table | jsonl (default: table on a terminal, jsonl otherwise)')
  .action(async (paths: string[], o: { rules: string[]; case?: string; format?: string }) => {
    if (!paths.length && !o.case) fatal('give evidence paths or --case');
    const loaded = await lib.loadSigmaRules(o.rules);
    for (const e of loaded.errors) process.stderr.write(`rule error: ${e.file}: ${e.error}\n`);
    if (!loaded.rules.length) fatal(`no Sigma rules loaded from ${o.rules.join(', ')}`);
    await withCase(o.case, async (store) => {
      if (paths.length) {
        const bar = progress();
        await lib.ingest(store, paths, { onProgress: (p) => bar?.update(p) });
        bar?.done();
      }
      const results = await lib.runSigmaRules(store, loaded.rules);
      const columns = ['rule', 'level', 'time', 'event_id', 'action', 'principal', 'source_ip', 'detail'];
      const rows: unknown[][] = [];
      for (const r of results) {
        if (r.error) process.stderr.write(`rule not run: ${r.rule.title}: ${r.error}\n`);
        for (const h of r.hits) {
          if (h.kind === 'event') {
            rows.push([
              r.rule.title,
              r.rule.level ?? '',
              h.time,
              h.eventId ?? h.uid,
              h.action ?? '',
              h.identityArn ?? h.principalArn ?? '',
              h.sourceIp ?? '',
              '',
            ]);
          } else {
            rows.push([
              r.rule.title,
              r.rule.level ?? '',
              h.firstTime,
              h.uids.slice(0, 5).join(' '),
              `${h.eventCount} events`,
              JSON.stringify(h.group),
              '',
              `value ${h.value} until ${h.lastTime}`,
            ]);
          }
        }
      }
      const fmt = o.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
      process.stdout.write(fmt === 'table' ? lib.formatTable(columns, rows) : lib.formatJsonl(columns, rows));
    });
  });

program
  .command('scan-prompts')
  .description(
    'classify prompts: reads {"id","text"} per line, writes {"id","verdict","score","categories"} per line (offline)',
  )
  .argument('<file>', 'JSON lines file, or - for standard input')
  .option('--kind <kind>', 'user | document | tool_result | system', 'user')
  .action(async (file: string, o: { kind: string }) => {
    const input = file === '-' ? process.stdin : lib.openInput(file);
    const summary = await lib.scanPromptsJsonl(input, process.stdout, { kind: o.kind as 'user' });
    process.stderr.write(
      `${summary.lines} lines, ${summary.attacks} attack(s), ${summary.errors} error(s)\n`,
    );
  });

const rules = program.command('rules').description('work with rule files');
rules
  .command('lint')
  .description(
    'check Sigma rules: YAML, required fields, modifiers, conditions, regexes, correlation references, duplicate ids',
  )
  .argument('<paths...>', 'rule files or directories')
  .option('--json', 'print the issues as JSON lines')
  .action(async (paths: string[], o: { json?: boolean }) => {
    const issues = await lib.lintRules(paths);
    for (const i of issues) {
      if (o.json) process.stdout.write(`${JSON.stringify(i)}\n`);
      else
        process.stdout.write(
          `${i.severity.padEnd(7)} ${i.file}${i.line ? `:${i.line}` : ''} ${i.code}: ${i.message}\n`,
        );
    }
    const errors = issues.filter((i) => i.severity === 'error').length;
    process.stderr.write(`${issues.length} issue(s), ${errors} error(s)\n`);
    process.exit(errors ? 1 : 0);
  });

program.parseAsync(process.argv).catch((e: Error) => fatal(e.message));
