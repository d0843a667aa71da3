/**
 * SigmaHQ's AWS CloudTrail rules (../shared/datasets/sigma/aws) against real CloudTrail records
 * (../shared/datasets/public-logs/traildiscover): every rule loads, compiles (or says why not)
 * and runs on DuckDB without SQL errors, and rules match the real records they should.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileRule,
  duckdb,
  loadMapping,
  loadSigmaRules,
  type Mapping,
  runSigmaRules,
  type SigmaRule,
  type SigmaRunResult,
  trino,
} from '../src/rules/sigma/index.js';
import { eventsDb, type TestDb } from './helpers/ct-row.js';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared');
const SIGMA = path.join(SHARED, 'datasets/sigma/aws');
const TRAILS = path.join(SHARED, 'datasets/public-logs/traildiscover');
const present = existsSync(SIGMA) && existsSync(TRAILS);
if (!present) console.log(`skipped: SigmaHQ rule tests need ${SHARED} (shared datasets), which is absent`);

type Rec = Record<string, unknown>;

/** Real records, each with uid `<file without .json.cloudtrail>#<n>`. */
function realRecords(): Rec[] {
  const out: Rec[] = [];
  for (const sub of ['logExamples', 'logExamples-newer']) {
    const dir = path.join(TRAILS, sub);
    for (const f of readdirSync(dir).sort()) {
      const j = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      const recs = (Array.isArray(j) ? j : [j]) as Rec[];
      recs.forEach((r, i) => {
        out.push({ ...r, eventID: `${f.replace(/\.json\.cloudtrail$/, '')}#${i}` });
      });
    }
  }
  return out;
}

const file = (r: SigmaRule): string => path.basename(r.source.file ?? '');
const files = (res: SigmaRunResult): string[] =>
  [...new Set(res.hits.map((h) => (h.kind === 'event' ? h.uid.split('#')[0] : '')))].sort();

/**
 * Rules that cannot run as they are, and why. Everything else must compile.
 */
const NOT_RUNNABLE: Record<string, RegExp> = {
  // %Legitimate_Countries% / %Legitimate_IP_Ranges% need values from the user
  'aws_cloudtrail_console_login_success_from_susp_locations.yml':
    /placeholder %Legitimate_Countries% has no values/,
  // `selection1 | near selection2` without timeframe: Sigma 1, no window to correlate in
  'aws_lambda_function_created_or_invoked.yml': /near selection2" without timeframe/,
};

/** Real TrailDiscover records each rule matches (files, both copies where the set has two). */
const EXPECTED: Record<string, string[]> = {
  'aws_cloudtrail_bedrock_guardrail_deleted.yml': ['DeleteGuardrail'],
  'aws_cloudtrail_bedrock_guardrail_updated.yml': [],
  // the only DeleteBucket record failed (NoSuchBucket): not a deletion
  'aws_cloudtrail_bucket_deleted.yml': [],
  'aws_cloudtrail_disable_logging.yml': [
    'CloudTrail-DeleteTrail',
    'CloudTrail-StopLogging',
    'CloudTrail-UpdateTrail',
    'DeleteTrail',
    'StopLogging',
    'UpdateTrail',
  ],
  // DeleteDetector / UpdateDetector records are AccessDenied
  'aws_cloudtrail_guardduty_detector_deleted_or_updated.yml': [],
  'aws_cloudtrail_new_acl_entries.yml': ['CreateNetworkAclEntry', 'EC2-CreateNetworkAclEntry'],
  // ec2 CreateRoute only, not API Gateway's CreateRoute
  'aws_cloudtrail_new_route_added.yml': ['EC2-CreateRoute'],
  'aws_cloudtrail_security_group_change_ingress_egress.yml': [
    'AuthorizeSecurityGroupEgress',
    'AuthorizeSecurityGroupIngress',
    'EC2-AuthorizeSecurityGroupEgress',
    'EC2-AuthorizeSecurityGroupIngress',
  ],
  'aws_cloudtrail_security_group_change_rds.yml': [
    'AuthorizeDBSecurityGroupIngress',
    'CreateDBSecurityGroup',
    'RDS-AuthorizeDBSecurityGroupIngress',
    'RDS-CreateDBSecurityGroup',
  ],
  'aws_cloudtrail_ssm_malicious_usage.yml': [],
  'aws_cloudtrail_vpc_flow_logs_deleted.yml': [],
  'aws_config_disable_recording.yml': [
    'Config-DeleteDeliveryChannel',
    'Config-StopConfigurationRecorder',
    'DeleteDeliveryChannel',
    'StopConfigurationRecorder',
  ],
  // the only GetSigninToken records come from the console (Jersey user agent): filtered out
  'aws_console_getsignintoken.yml': [],
  'aws_delete_identity.yml': ['DeleteIdentity', 'SES-DeleteIdentity'],
  // the PutBucketVersioning record enables versioning
  'aws_disable_bucket_versioning.yml': [],
  'aws_ec2_vm_export_failure.yml': [],
  'aws_efs_fileshare_modified_or_deleted.yml': ['DeleteFileSystem', 'EFS-DeleteFileSystem'],
  'aws_efs_fileshare_mount_modified_or_deleted.yml': ['DeleteMountTarget', 'EFS-DeleteMountTarget'],
  // ECS CreateCluster is not EKS
  'aws_eks_cluster_created_or_deleted.yml': [],
  'aws_enum_buckets.yml': ['ListBuckets', 'S3-ListBuckets'],
  'aws_guardduty_disruption.yml': ['CreateIPSet', 'GuardDuty-CreateIPSet'],
  // fires on every CreateAccessKey: the filter compares with a literal string (see docs/sigma.md)
  'aws_iam_backdoor_users_keys.yml': ['CreateAccessKey', 'IAM-CreateAccessKey'],
  'aws_iam_s3browser_loginprofile_creation.yml': [],
  'aws_iam_s3browser_templated_s3_bucket_policy_creation.yml': [],
  'aws_iam_s3browser_user_or_accesskey_creation.yml': [],
  'aws_lambda_function_url.yml': ['CreateFunctionUrlConfig'],
  // the UpdateFunctionConfiguration20150331v2 record failed before any layer was set
  'aws_new_lambda_layer_attached.yml': [],
  'aws_passed_role_to_glue_development_endpoint.yml': [
    'CreateDevEndpoint',
    'Glue-CreateDevEndpoint',
    'Glue-UpdateDevEndpoint',
    'UpdateDevEndpoint',
  ],
  'aws_rds_change_master_password.yml': ['ModifyDBInstance', 'RDS-ModifyDBInstance'],
  'aws_rds_dbcluster_actions.yml': ['DeleteDBCluster', 'RDS-DeleteDBCluster'],
  'aws_snapshot_backup_exfiltration.yml': [
    'CreateSnapshot',
    'EC2-CreateSnapshot',
    'EC2-ModifySnapshotAttribute',
    'ModifySnapshotAttribute',
  ],
  'aws_sts_getsessiontoken_misuse.yml': ['GetSessionToken', 'SecurityTokenService-GetSessionToken'],
  'aws_susp_saml_activity.yml': ['IAM-UpdateSAMLProvider', 'UpdateSAMLProvider'],
  // fires on every UpdateLoginProfile: an ARN never equals a user name (see docs/sigma.md)
  'aws_update_login_profile.yml': ['IAM-UpdateLoginProfile', 'UpdateLoginProfile'],
  'aws_sts_getcalleridentity_trufflehog.yml': [],
  'aws_cloudtrail_pua_trufflehog.yml': [],
  'aws_root_account_usage.yml': [],
  'aws_enum_network.yml': [],
  'aws_enum_storage.yml': [],
  'aws_enum_listing.yml': [],
  'aws_ec2_download_userdata.yml': [],
  'aws_macic_evasion.yml': [],
  'aws_ses_messaging_enabled.yml': [],
};

describe.skipIf(!present)('SigmaHQ AWS rules', () => {
  let mapping: Mapping;
  let rules: SigmaRule[];
  let db: TestDb;
  let results: SigmaRunResult[];
  let records: Rec[];

  beforeAll(async () => {
    mapping = await loadMapping();
    const loaded = await loadSigmaRules(SIGMA);
    expect(loaded.errors).toEqual([]);
    rules = loaded.rules;
    records = realRecords();
    db = await eventsDb(records);
    results = await runSigmaRules(db, rules, { mapping });
  });
  afterAll(() => db?.close());

  it('loads every rule of the manifest (rules/, rules-placeholder/, unsupported/)', () => {
    const manifest = readFileSync(path.join(SIGMA, 'MANIFEST.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => path.basename(l.split('\t')[0]));
    expect(manifest).toHaveLength(66);
    expect(rules.map(file).sort()).toEqual([...manifest].sort());
    expect(rules.every((r) => r.kind === 'detection')).toBe(true);
  });

  it('compiles every rule to DuckDB and Trino, or says why it cannot', () => {
    for (const r of rules) {
      for (const dialect of [duckdb, trino]) {
        const c = compileRule(r, { mapping, dialect, rules });
        const why = NOT_RUNNABLE[file(r)];
        if (why) expect('error' in c && c.error, file(r)).toMatch(why);
        else expect('error' in c ? c.error : 'ok', `${file(r)} (${dialect.name})`).toBe('ok');
      }
    }
  });

  it('runs every rule on DuckDB without SQL errors', () => {
    expect(results).toHaveLength(66);
    for (const r of results) {
      if (NOT_RUNNABLE[file(r.rule)]) expect(r.error, file(r.rule)).toMatch(NOT_RUNNABLE[file(r.rule)]);
      else expect(r.error, file(r.rule)).toBeUndefined();
    }
  });

  it('runs the Sigma 1 aggregation rules of unsupported/ as correlations', () => {
    const legacy = results.filter(
      (r) => r.rule.source.file?.includes('/unsupported/') && r.sql?.startsWith('WITH'),
    );
    expect(legacy.map((r) => file(r.rule)).sort()).toEqual([
      'aws_ec2_download_userdata.yml',
      'aws_enum_backup.yml',
      'aws_enum_listing.yml',
      'aws_enum_network.yml',
      'aws_enum_storage.yml',
      'aws_macic_evasion.yml',
    ]);
    const backup = results.find((r) => file(r.rule) === 'aws_enum_backup.yml');
    expect(backup?.hits).toHaveLength(1);
    expect(backup?.hits[0]).toMatchObject({ kind: 'group', eventCount: 8 });
  });

  it('matches the real records each rule should, and only those', () => {
    for (const r of results) {
      const want = EXPECTED[file(r.rule)];
      if (want === undefined) continue;
      expect(files(r), file(r.rule)).toEqual(want);
    }
  });

  it('STS AssumeRole Misuse fires on every call made with a role session', () => {
    const r = results.find((x) => file(x.rule) === 'aws_sts_assumerole_misuse.yml') as SigmaRunResult;
    const roleCalls = records.filter((x) => {
      const ui = x.userIdentity as Rec | undefined;
      const issuer = (ui?.sessionContext as Rec | undefined)?.sessionIssuer as Rec | undefined;
      return ui?.type === 'AssumedRole' && issuer?.type === 'Role';
    });
    expect(roleCalls.length).toBeGreaterThan(90);
    expect(r.hits.map((h) => (h.kind === 'event' ? h.uid : '')).sort()).toEqual(
      roleCalls.map((x) => String(x.eventID)).sort(),
    );
  });

  it('checks every rule with a TrailDiscover record of its events', () => {
    const listed = new Set(Object.keys(EXPECTED));
    const missing = rules.map(file).filter((f) => !listed.has(f) && !NOT_RUNNABLE[f]);
    // the rest have no record of their events in TrailDiscover (e.g. ConsoleLogin), or fire on all (STS)
    expect(missing.sort()).toEqual([
      'aws_cloudtrail_console_login_failed_authentication.yml',
      'aws_cloudtrail_console_login_success_without_mfa.yml',
      'aws_cloudtrail_imds_malicious_usage.yml',
      'aws_cloudtrail_region_enabled.yml',
      'aws_cloudtrail_security_group_change_loadbalancer.yml',
      'aws_delete_saml_provider.yml',
      'aws_ec2_disable_encryption.yml',
      'aws_ec2_import_key_pair_activity.yml',
      'aws_ec2_startup_script_change.yml',
      'aws_ecs_task_definition_cred_endpoint_query.yml',
      'aws_elasticache_security_group_created.yml',
      'aws_elasticache_security_group_modified_or_deleted.yml',
      'aws_enum_backup.yml',
      'aws_kms_import_key_material.yml',
      'aws_rds_public_db_restore.yml',
      'aws_route_53_domain_transferred_lock_disabled.yml',
      'aws_route_53_domain_transferred_to_another_account.yml',
      'aws_s3_data_management_tampering.yml',
      'aws_securityhub_finding_evasion.yml',
      'aws_sso_idp_change.yml',
      'aws_sts_assumerole_misuse.yml',
    ]);
  });
});

/**
 * Real records changed the way a successful or attacker-shaped call differs, to check the
 * positive side of rules whose only real examples failed.
 */
describe.skipIf(!present)('SigmaHQ AWS rules on real records made successful', () => {
  let mapping: Mapping;
  let rules: SigmaRule[];
  const real = (name: string): Rec => {
    const j = JSON.parse(readFileSync(path.join(TRAILS, 'logExamples', `${name}.json.cloudtrail`), 'utf8'));
    return structuredClone(Array.isArray(j) ? j[0] : j) as Rec;
  };
  const succeeded = (name: string, over: Rec = {}): Rec => {
    const r = real(name);
    delete r.errorCode;
    delete r.errorMessage;
    return { ...r, ...over, eventID: `${name}-ok` };
  };

  beforeAll(async () => {
    mapping = await loadMapping();
    rules = (await loadSigmaRules(SIGMA)).rules;
  });

  async function hits(ruleFile: string, recs: Rec[]): Promise<string[]> {
    const db = await eventsDb(recs);
    try {
      const rule = rules.filter((r) => file(r) === ruleFile);
      const [res] = await runSigmaRules(db, rule, { mapping });
      expect(res.error).toBeUndefined();
      return res.hits.map((h) => (h.kind === 'event' ? h.uid : '')).sort();
    } finally {
      db.close();
    }
  }

  it('deletions and changes that succeeded', async () => {
    expect(
      await hits('aws_cloudtrail_bucket_deleted.yml', [succeeded('DeleteBucket'), real('DeleteBucket')]),
    ).toEqual(['DeleteBucket-ok']);
    expect(
      await hits('aws_cloudtrail_guardduty_detector_deleted_or_updated.yml', [succeeded('DeleteDetector')]),
    ).toEqual(['DeleteDetector-ok']);
    expect(await hits('aws_cloudtrail_ssm_malicious_usage.yml', [succeeded('SendCommand')])).toEqual([
      'SendCommand-ok',
    ]);
    expect(await hits('aws_cloudtrail_vpc_flow_logs_deleted.yml', [succeeded('DeleteFlowLogs')])).toEqual([
      'DeleteFlowLogs-ok',
    ]);
  });

  it('GuardDuty UpdateDetector only when it disables the detector (JSON boolean false)', async () => {
    const off = succeeded('UpdateDetector', { requestParameters: { detectorId: 'd1', enable: false } });
    const on = {
      ...succeeded('UpdateDetector', { requestParameters: { detectorId: 'd1', enable: true } }),
      eventID: 'on',
    };
    expect(await hits('aws_cloudtrail_guardduty_detector_deleted_or_updated.yml', [off, on])).toEqual([
      'UpdateDetector-ok',
    ]);
  });

  it('bucket versioning suspended', async () => {
    const r = real('PutBucketVersioning');
    const rp = r.requestParameters as Rec;
    (rp.VersioningConfiguration as Rec).Status = 'Suspended';
    expect(
      await hits('aws_disable_bucket_versioning.yml', [
        { ...r, eventID: 'suspended' },
        real('PutBucketVersioning'),
      ]),
    ).toEqual(['suspended']);
  });

  it('GetSigninToken from something other than the console', async () => {
    const r = { ...real('GetSigninToken'), userAgent: 'python-requests/2.31.0', eventID: 'script' };
    expect(await hits('aws_console_getsignintoken.yml', [r, real('GetSigninToken')])).toEqual(['script']);
  });

  it('a VM export that did not fail (the rule excludes failures, despite its title)', async () => {
    expect(
      await hits('aws_ec2_vm_export_failure.yml', [
        succeeded('CreateInstanceExportTask'),
        real('CreateInstanceExportTask'),
      ]),
    ).toEqual(['CreateInstanceExportTask-ok']);
  });

  it('a Lambda layer attached through the versioned event name', async () => {
    const r = succeeded('UpdateFunctionConfiguration20150331v2', {
      requestParameters: {
        functionName: 'f',
        layers: ['arn:aws:lambda:us-east-1:111111111111:layer:evil:1'],
      },
    });
    expect(await hits('aws_new_lambda_layer_attached.yml', [r])).toEqual([
      'UpdateFunctionConfiguration20150331v2-ok',
    ]);
  });

  it('S3 Browser templated policy, with the policy document embedded as a JSON string', async () => {
    const r = succeeded('PutUserPolicy', {
      userAgent: '[S3 Browser 11.4.5 https://s3browser.com]',
      requestParameters: {
        userName: 'u',
        policyName: 'p',
        policyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::<YOUR-BUCKET-NAME>/*"]}]}',
      },
    });
    expect(await hits('aws_iam_s3browser_templated_s3_bucket_policy_creation.yml', [r])).toEqual([
      'PutUserPolicy-ok',
    ]);
  });

  it('ConsoleLogin records shaped as in the AWS documentation', async () => {
    const login = (id: string, ok: boolean, mfa: string): Rec => ({
      eventVersion: '1.08',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLE',
        arn: 'arn:aws:iam::111111111111:user/JohnDoe',
        accountId: '111111111111',
        userName: 'JohnDoe',
      },
      eventTime: '2024-07-16T18:21:55Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      sourceIPAddress: '192.0.2.0',
      userAgent: 'Mozilla/5.0',
      requestParameters: null,
      responseElements: { ConsoleLogin: ok ? 'Success' : 'Failure' },
      ...(ok ? {} : { errorMessage: 'Failed authentication' }),
      additionalEventData: {
        LoginTo: 'https://console.aws.amazon.com/console/home',
        MobileVersion: 'No',
        MFAUsed: mfa,
      },
      eventID: id,
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      managementEvent: true,
      recipientAccountId: '111111111111',
      eventCategory: 'Management',
    });
    const recs = [login('ok-nomfa', true, 'No'), login('ok-mfa', true, 'Yes'), login('failed', false, 'No')];
    expect(await hits('aws_cloudtrail_console_login_success_without_mfa.yml', recs)).toEqual(['ok-nomfa']);
    expect(await hits('aws_cloudtrail_console_login_failed_authentication.yml', recs)).toEqual(['failed']);
  });
});
