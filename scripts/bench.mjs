#!/usr/bin/env node
// Ingest and investigate bench on generated CloudTrail at scale (run by `npm run bench`, which builds first).
//
//   node scripts/bench.mjs [--scale N] [--js-path] [--skip-investigate] [--no-prompts] [--dist DIR]
//
// Generates N million CloudTrail events (plus their invocation-log lines) with
// ../shared/tools/evidence-gen (`--scale N`, default 2), cached in .bench/ by the generator's
// arguments, then measures in the same run, each in its own child process:
//   raw scan     DuckDB alone: count(*) of the delivery files' Records unnested (the floor to compare with)
//   ingest       `genai-ir ingest` of the whole evidence directory into a fresh case
//   investigate  `genai-ir investigate` of the same directory, end to end (ingest, detect, report)
//   js-path      (with --js-path) the same ingest with the fast path off, through the library
// and prints events/s (CloudTrail events / wall seconds), CPU seconds, peak RSS of the child and
// the ratio to the raw scan. The machine is often shared: compare ratios from one run, not
// absolute figures across runs. Also runs scripts/bench-prompts.mjs when it exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '../shared');
const GEN = path.join(SHARED, 'tools/evidence-gen/gen.mjs');
const TARGETS =
  'targets: >= 300k events/s end to end (investigate), >= 0.5x the raw DuckDB scan, peak RSS <= 2 GB at 10M events';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(name);

// child mode: the raw DuckDB scan, so that its time and memory are its own
if (flag('--raw-scan')) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const glob = opt('--raw-scan', '').replace(/'/g, "''");
  const r = await conn.runAndReadAll(
    `SELECT count(*) AS n FROM (SELECT unnest(Records) FROM read_json('${glob}',
       columns = {Records: 'JSON[]'}, format = 'unstructured', maximum_object_size = 268435456))`,
  );
  process.stdout.write(`${JSON.stringify({ events: Number(r.getRows()[0][0]) })}\n`);
  process.exit(0);
}

// child mode: ingest through the library with the fast path off (the JavaScript path)
if (flag('--js-ingest')) {
  const dist = path.resolve(ROOT, opt('--dist', 'dist'));
  const lib = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  const store = await lib.CaseStore.open(opt('--case', ''), { memoryLimit: lib.DEFAULT_MEMORY_LIMIT });
  const res = await lib.ingest(store, [opt('--js-ingest', '')], { fastPath: false });
  await store.close();
  process.stdout.write(`${JSON.stringify(res.totals)}\n`);
  process.exit(0);
}

if (!existsSync(GEN)) {
  console.log(`bench: ${GEN} is not here (no ../shared): nothing to measure.`);
  process.exit(0);
}

const scale = Number(opt('--scale', '2'));
if (!(scale > 0)) {
  console.error('bench: --scale must be a positive number of millions');
  process.exit(2);
}
const dist = path.resolve(ROOT, opt('--dist', 'dist'));
const cli = path.join(dist, 'cli/main.js');
const benchDir = path.join(ROOT, '.bench');
mkdirSync(benchDir, { recursive: true });

/** Generated evidence, cached by the generator's arguments. */
function evidence() {
  const genArgs = ['--scale', String(scale)];
  const key = genArgs.join('_').replace(/[^A-Za-z0-9_.-]/g, '');
  const dir = path.join(benchDir, `evidence-gen${key}`);
  const marker = `${dir}.done.json`;
  if (existsSync(marker) && existsSync(dir))
    return { dir, summary: JSON.parse(readFileSync(marker, 'utf8')) };
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  console.log(
    `generating: node ${path.relative(ROOT, GEN)} ${genArgs.join(' ')} (cached in ${path.relative(ROOT, dir)})`,
  );
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [GEN, ...genArgs, '--out', tmp], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    console.error(`bench: the generator failed (exit ${r.status})`);
    process.exit(1);
  }
  const summary = {
    args: genArgs,
    seconds: (performance.now() - t0) / 1000,
    ...JSON.parse(r.stdout.toString()),
  };
  delete summary.dir;
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  writeFileSync(marker, `${JSON.stringify(summary, null, 2)}\n`);
  return { dir, summary };
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Runs a child; returns wall seconds, CPU seconds and peak RSS (from /usr/bin/time -v, else by
 * polling /proc/<pid>/status VmHWM), and its stdout.
 */
function measure(label, cmd, argv) {
  return new Promise((resolve) => {
    const timeFile = path.join(benchDir, `time-${process.pid}.txt`);
    const full = TIME ? [TIME, ['-v', '-o', timeFile, cmd, ...argv]] : [cmd, argv];
    const t0 = performance.now();
    const child = spawn(full[0], full[1], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GENAI_IR_BENCH_STATS: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.length > 1 << 20) out = out.slice(-(1 << 19));
    });
    child.stderr.on('data', (d) => {
      err += d;
      if (err.length > 1 << 16) err = err.slice(-(1 << 15));
    });
    let hwm = 0;
    const poll = TIME
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
          } catch {
            /* gone, or not Linux */
          }
        }, 100);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      const wall = (performance.now() - t0) / 1000;
      let rss = hwm || null;
      let cpu = null;
      if (TIME && existsSync(timeFile)) {
        const t = readFileSync(timeFile, 'utf8');
        rmSync(timeFile, { force: true });
        const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(t);
        const user = /User time \(seconds\): ([\d.]+)/.exec(t);
        const sys = /System time \(seconds\): ([\d.]+)/.exec(t);
        if (kb) rss = Number(kb[1]) * 1024;
        if (user && sys) cpu = Number(user[1]) + Number(sys[1]);
      }
      if (code !== 0) {
        console.error(`bench: ${label} failed (exit ${code}):\n${err.slice(-4000)}`);
        resolve(null);
        return;
      }
      // the fast path's counts and phase times (src/engine/fast-cloudtrail.ts)
      const fast = /fast-path (\{.*\})/.exec(err);
      resolve({ label, wall, cpu, rss, out, fast: fast ? JSON.parse(fast[1]) : null });
    });
  });
}

/** One line per step, printed as soon as it is measured (a long run may be cut short). */
function done(r) {
  const cpu = r.cpu == null ? '' : `, CPU ${r.cpu.toFixed(1)} s`;
  console.log(
    `  ${r.label}: ${r.wall.toFixed(1)} s wall${cpu}, peak RSS ${mb(r.rss)}${r.note ? `, ${r.note}` : ''}`,
  );
  return r;
}

const mb = (b) => (b == null ? 'n/a' : `${Math.round(b / 2 ** 20)} MB`);
const secs = (s) => (s == null ? 'n/a' : `${s.toFixed(1)} s`);
const rate = (n, s) => `${Math.round(n / s).toLocaleString('en-US')}/s`;

const { dir, summary } = evidence();
console.log(
  `evidence: ${path.relative(ROOT, dir)}: ${summary.cloudtrailRecords} CloudTrail events, ${summary.invocationRecords} invocation-log lines, ${(summary.bytes / 1e6).toFixed(0)} MB`,
);
console.log(
  `machine: ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (1/5/15 min)`,
);

const work = path.join(benchDir, `run-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const results = [];
try {
  const glob = path.join(dir, 'cloudtrail/AWSLogs/*/CloudTrail/**/*.json.gz');
  const raw = await measure('raw scan', process.execPath, [
    fileURLToPath(import.meta.url),
    '--raw-scan',
    glob,
  ]);
  if (!raw) process.exit(1);
  const events = JSON.parse(raw.out.trim().split('\n').pop()).events;
  results.push(done(raw));

  const ing = await measure('ingest', process.execPath, [
    cli,
    'ingest',
    dir,
    '--case',
    path.join(work, 'case.duckdb'),
  ]);
  if (ing) {
    const m = /(\d+) files: (\d+) records, (\d+) stored, (\d+) rejected, (\d+) duplicates/.exec(ing.out);
    ing.note = m
      ? `${m[1]} files, ${m[2]} records (${m[3]} stored, ${m[4]} rejected, ${m[5]} duplicates)`
      : '';
    results.push(done(ing));
  }
  rmSync(path.join(work, 'case.duckdb'), { force: true });
  rmSync(path.join(work, 'case.duckdb.wal'), { force: true });

  if (!flag('--skip-investigate')) {
    const inv = await measure('investigate', process.execPath, [
      cli,
      'investigate',
      dir,
      '--format',
      'json',
      '--out',
      path.join(work, 'report.json'),
    ]);
    if (inv) {
      try {
        const rep = JSON.parse(readFileSync(path.join(work, 'report.json'), 'utf8'));
        inv.note = `${rep.findings?.length ?? '?'} findings`;
      } catch {
        inv.note = 'report not readable';
      }
      results.push(done(inv));
    }
  }

  if (flag('--js-path')) {
    const js = await measure('ingest, JS path', process.execPath, [
      fileURLToPath(import.meta.url),
      '--js-ingest',
      dir,
      '--case',
      path.join(work, 'case-js.duckdb'),
      '--dist',
      dist,
    ]);
    if (js) results.push(done(js));
  }

  console.log('');
  console.log(
    `${'step'.padEnd(16)} ${'wall'.padStart(8)} ${'CPU'.padStart(8)} ${'events/s'.padStart(12)} ${'x raw (wall)'.padStart(13)} ${'x raw (CPU)'.padStart(12)} ${'peak RSS'.padStart(9)}  notes`,
  );
  for (const r of results) {
    const xw = raw.wall / r.wall;
    const xc = raw.cpu && r.cpu ? raw.cpu / r.cpu : null;
    console.log(
      `${r.label.padEnd(16)} ${secs(r.wall).padStart(8)} ${secs(r.cpu).padStart(8)} ${rate(events, r.wall).padStart(12)} ${xw.toFixed(2).padStart(13)} ${(xc == null ? 'n/a' : xc.toFixed(2)).padStart(12)} ${mb(r.rss).padStart(9)}  ${r.note ?? ''}`,
    );
  }
  for (const r of results.filter((x) => x.fast))
    console.log(`  ${r.label}: fast path ${JSON.stringify(r.fast)}`);
  console.log('');
  console.log(
    `events/s: CloudTrail events in the evidence (${events}) / wall seconds; ingest and investigate read the whole directory (invocation logs, IAM, GuardDuty too).`,
  );
  console.log(TARGETS);
  const json = {
    scale,
    events,
    load: os.loadavg(),
    results: results.map(({ label, wall, cpu, rss, note, fast }) => ({ label, wall, cpu, rss, note, fast })),
  };
  writeFileSync(path.join(benchDir, 'last-results.json'), `${JSON.stringify(json, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

const prompts = path.join(ROOT, 'scripts/bench-prompts.mjs');
if (existsSync(prompts) && !flag('--no-prompts')) {
  console.log('\nscripts/bench-prompts.mjs:');
  const r = spawnSync(process.execPath, [prompts], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) console.log(`(bench-prompts exited with ${r.status})`);
}
