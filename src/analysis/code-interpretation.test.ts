/**
 * Code interpretation in agent traces: the signals of hostile code (matched, never run) and the
 * per-session finding, against ordinary data analysis through the same built-in action group.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDetectors } from '../engine/detect.js';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import {
  agentCodeExecutionDetector,
  codeSessionSeverity,
  codeSignals,
  personalValuesIn,
} from './code-interpretation.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-ci-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('code signals', () => {
  it('recognises recon, system files, credentials, egress, processes and encoding', () => {
    expect(codeSignals('import os\nprint(dict(os.environ))').signals).toEqual(['sandbox-recon']);
    expect(codeSignals("print(open('/etc/passwd').read())").signals).toEqual(['system-files']);
    expect(codeSignals("requests.get('http://169.254.169.254/latest/meta-data/')").signals).toEqual([
      'credential-probe',
      'network-egress',
    ]);
    const net = codeSignals("import urllib.request\nurllib.request.urlopen('https://collect.example.net/c')");
    expect(net.signals).toEqual(['network-egress']);
    expect(net.hosts).toEqual(['collect.example.net']);
    expect(codeSignals("import subprocess\nsubprocess.run(['id'])").signals).toEqual(['process-spawn']);
    expect(codeSignals("base64.b64encode(open('x.csv','rb').read())").signals).toEqual(['data-encoding']);
  });

  it('ordinary analysis carries no signal: pandas, a chart, the working directory', () => {
    const code =
      "import pandas as pd\nimport os\nprint(os.listdir('.'))\ndf = pd.read_csv('sales.csv')\ndf.plot()\nprint(sys.version)";
    expect(codeSignals(code).signals).toEqual([]);
    expect(codeSignals('', 'merchant  growth\nm1  0.41').signals).toEqual([]);
  });

  it('counts personal values in base64 output (decoded, never run)', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `n${i},user${i}@example.org`).join('\n');
    const into = new Set<string>();
    expect(personalValuesIn(`saved. ${Buffer.from(rows).toString('base64')}`, into)).toBe(12);
    expect(into.size).toBe(12);
  });

  it('severity: bundled personal records or two probes are high, one probe medium', () => {
    expect(codeSessionSeverity(new Set(['data-encoding']), 20, false)).toBe('high');
    expect(codeSessionSeverity(new Set(['system-files', 'network-egress']), 0, false)).toBe('high');
    expect(codeSessionSeverity(new Set(['sandbox-recon', 'system-files']), 0, false)).toBe('high');
    expect(codeSessionSeverity(new Set(['network-egress']), 0, false)).toBe('medium');
    expect(codeSessionSeverity(new Set(['sandbox-recon']), 0, false)).toBe('low');
    expect(codeSessionSeverity(new Set(['data-encoding']), 2, false)).toBe('low');
    expect(codeSessionSeverity(new Set(), 50, false)).toBeNull();
  });
});

const AGENT = 'AGENTCI001';
let n = 0;

function codeTurn(session: string, t0: number, code: string, output: string, error = false) {
  const tid = `tr-${++n}-0`;
  const base = { sessionId: session, agentId: AGENT, agentAliasId: 'PROD01', agentVersion: '3' };
  const time = (s: number) => new Date(t0 + s * 1000).toISOString();
  return [
    {
      ...base,
      eventTime: time(0),
      trace: {
        orchestrationTrace: {
          invocationInput: {
            traceId: tid,
            invocationType: 'ACTION_GROUP_CODE_INTERPRETER',
            codeInterpreterInvocationInput: { code },
          },
        },
      },
    },
    {
      ...base,
      eventTime: time(1),
      trace: {
        orchestrationTrace: {
          observation: {
            traceId: tid,
            type: 'ACTION_GROUP_CODE_INTERPRETER',
            codeInterpreterInvocationOutput: error
              ? { executionError: output }
              : { executionOutput: output, executionTimeout: false },
          },
        },
      },
    },
  ];
}

function kbTurn(session: string, t0: number, kbId: string, text: string) {
  const tid = `tr-${++n}-0`;
  const base = { sessionId: session, agentId: AGENT, agentAliasId: 'PROD01', agentVersion: '3' };
  return [
    {
      ...base,
      eventTime: new Date(t0).toISOString(),
      trace: {
        orchestrationTrace: {
          invocationInput: {
            traceId: tid,
            invocationType: 'KNOWLEDGE_BASE',
            knowledgeBaseLookupInput: { text: 'export', knowledgeBaseId: kbId },
          },
        },
      },
    },
    {
      ...base,
      eventTime: new Date(t0 + 500).toISOString(),
      trace: {
        orchestrationTrace: {
          observation: {
            traceId: tid,
            type: 'KNOWLEDGE_BASE',
            knowledgeBaseLookupOutput: {
              retrievedReferences: [
                {
                  content: { text },
                  location: { type: 'S3', s3Location: { uri: 's3://docs/exports/list.csv' } },
                },
              ],
            },
          },
        },
      },
    },
  ];
}

describe('agent code execution detector', () => {
  it('flags a session probing the sandbox and bundling knowledge-base records, not an analyst session', async () => {
    const t0 = Date.parse('2025-03-01T18:00:00Z');
    const rows = Array.from({ length: 15 }, (_, i) => `C${i},Name ${i},cust${i}@example.org`).join('\n');
    const traces = [
      ...codeTurn(
        'attack-1',
        t0,
        'import os, platform\nprint(platform.platform())\nprint(dict(os.environ))',
        'Linux',
      ),
      ...codeTurn('attack-1', t0 + 60_000, "print(open('/etc/passwd').read())", 'root:x:0:0:root'),
      ...codeTurn(
        'attack-1',
        t0 + 120_000,
        "import urllib.request\nurllib.request.urlopen('https://drop.example.net/x')",
        'urllib.error.URLError: <urlopen error [Errno -3] Temporary failure in name resolution>',
        true,
      ),
      ...kbTurn('attack-1', t0 + 180_000, 'KBDOCS0001', rows),
      ...codeTurn(
        'attack-1',
        t0 + 181_000,
        `import base64\nraw = '''${rows}'''\nprint(base64.b64encode(raw.encode()).decode())`,
        Buffer.from(rows).toString('base64'),
      ),
      // an analyst charting her own upload
      ...codeTurn(
        'analyst-1',
        t0,
        "import pandas as pd, os\nprint(os.listdir('.'))\ndf = pd.read_csv('gmv.csv')\nprint(df.head())",
        "['gmv.csv']\nm1 100",
      ),
    ];
    const dir = path.join(tmp, 'case1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, `${AGENT}-2025-03-01.jsonl`),
      `${traces.map((t) => JSON.stringify(t)).join('\n')}\n`,
    );
    const store = await CaseStore.open(':memory:');
    try {
      expect((await ingest(store, [dir])).totals.rejected).toBe(0);
      const { findings } = await runDetectors(store, [agentCodeExecutionDetector]);
      expect(findings).toHaveLength(1);
      const f = findings[0];
      expect(f.severity).toBe('high');
      expect(f.details?.sessionId).toBe('attack-1');
      expect(f.details?.signals).toEqual([
        'data-encoding',
        'network-egress',
        'sandbox-recon',
        'system-files',
      ]);
      expect(f.details?.networkFailed).toBe(true);
      expect(f.details?.encodedPersonalData).toBe(true);
      expect(f.details?.knowledgeBases).toEqual(['KBDOCS0001']);
      expect(f.resources).toEqual(expect.arrayContaining([AGENT, 'KBDOCS0001']));
      expect(f.elements).toEqual(expect.arrayContaining(['agency', 'private-data']));
      expect(f.components).toContain('knowledge-bases');
      // every code step and the lookup that fed it are cited
      expect(f.evidence.traceIds?.length).toBe(6);
    } finally {
      await store.close();
    }
  });
});
