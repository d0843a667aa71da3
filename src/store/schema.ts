/**
 * The case store's tables (DuckDB DDL). Documented in docs/case-store.md.
 *
 * Column names are snake_case versions of the model's fields (src/model/types.ts). Every
 * record table has `file_id` (sha256 of the evidence file) and `idx` (0-based line or index).
 * JSON columns hold the original structures; `raw` the whole original record.
 */

export interface ColumnDef {
  name: string;
  type: string;
  /** the model field this column is filled from */
  field: string;
}

const c = (name: string, type: string, field?: string): ColumnDef => ({
  name,
  type,
  field: field ?? name.replace(/_([a-z0-9])/g, (_m, x: string) => x.toUpperCase()),
});

export const TABLES: Record<string, ColumnDef[]> = {
  files: [
    c('sha256', 'VARCHAR'),
    c('path', 'VARCHAR'),
    c('format', 'VARCHAR'),
    c('bytes', 'BIGINT'),
    c('records', 'BIGINT'),
    c('stored', 'BIGINT'),
    c('rejected', 'BIGINT'),
    c('duplicates', 'BIGINT'),
    c('warnings', 'VARCHAR[]'),
  ],
  rejects: [c('file_id', 'VARCHAR'), c('idx', 'BIGINT'), c('reason', 'VARCHAR')],
  events: [
    c('uid', 'VARCHAR'),
    c('event_id', 'VARCHAR'),
    c('request_id', 'VARCHAR'),
    c('time', 'TIMESTAMP'),
    c('account', 'VARCHAR'),
    c('recipient_account', 'VARCHAR'),
    c('region', 'VARCHAR'),
    c('service', 'VARCHAR'),
    c('action', 'VARCHAR'),
    c('event_type', 'VARCHAR'),
    c('category', 'VARCHAR'),
    c('read_only', 'BOOLEAN'),
    c('error_code', 'VARCHAR'),
    c('error_message', 'VARCHAR'),
    c('principal_type', 'VARCHAR'),
    c('principal_arn', 'VARCHAR'),
    c('principal_id', 'VARCHAR'),
    c('identity_arn', 'VARCHAR'),
    c('user_name', 'VARCHAR'),
    c('session_name', 'VARCHAR'),
    c('access_key_id', 'VARCHAR'),
    c('mfa', 'BOOLEAN'),
    c('session_created', 'TIMESTAMP'),
    c('source_identity', 'VARCHAR'),
    c('invoked_by', 'VARCHAR'),
    c('source_ip', 'VARCHAR'),
    c('user_agent', 'VARCHAR'),
    c('vpc_endpoint_id', 'VARCHAR'),
    c('resources', 'VARCHAR[]'),
    c('request_parameters', 'JSON'),
    c('response_elements', 'JSON'),
    c('additional_event_data', 'JSON'),
    c('raw', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
  invocations: [
    c('uid', 'VARCHAR'),
    c('request_id', 'VARCHAR'),
    c('time', 'TIMESTAMP'),
    c('account', 'VARCHAR'),
    c('region', 'VARCHAR'),
    c('principal_arn', 'VARCHAR'),
    c('identity_arn', 'VARCHAR'),
    c('operation', 'VARCHAR'),
    c('model_id', 'VARCHAR'),
    c('provider', 'VARCHAR'),
    c('system_text', 'VARCHAR'),
    c('prompt_text', 'VARCHAR'),
    c('last_user_text', 'VARCHAR'),
    c('tool_result_text', 'VARCHAR'),
    c('response_text', 'VARCHAR'),
    c('tool_uses', 'JSON'),
    c('input_tokens', 'BIGINT'),
    c('output_tokens', 'BIGINT'),
    c('stop_reason', 'VARCHAR'),
    c('guardrail_id', 'VARCHAR'),
    c('guardrail_version', 'VARCHAR'),
    c('guardrail_action', 'VARCHAR'),
    c('guardrail_assessments', 'JSON'),
    c('error_code', 'VARCHAR'),
    c('inference_region', 'VARCHAR'),
    c('client_ip', 'VARCHAR'),
    c('request_metadata', 'JSON'),
    c('input_body_s3_path', 'VARCHAR', 'inputBodyS3Path'),
    c('output_body_s3_path', 'VARCHAR', 'outputBodyS3Path'),
    c('body_missing', 'VARCHAR'),
    c('inference_params', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
  agent_steps: [
    c('uid', 'VARCHAR'),
    c('time', 'TIMESTAMP'),
    c('session_id', 'VARCHAR'),
    c('agent_id', 'VARCHAR'),
    c('agent_alias_id', 'VARCHAR'),
    c('agent_version', 'VARCHAR'),
    c('trace_id', 'VARCHAR'),
    c('trace_type', 'VARCHAR'),
    c('step_kind', 'VARCHAR'),
    c('action_group', 'VARCHAR'),
    c('api_name', 'VARCHAR'),
    c('verb', 'VARCHAR'),
    c('parameters', 'JSON'),
    c('text', 'VARCHAR'),
    c('raw', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
  kb_events: [
    c('uid', 'VARCHAR'),
    c('time', 'TIMESTAMP'),
    c('knowledge_base_id', 'VARCHAR'),
    c('knowledge_base_arn', 'VARCHAR'),
    c('data_source_id', 'VARCHAR'),
    c('ingestion_job_id', 'VARCHAR'),
    c('event_type', 'VARCHAR'),
    c('level', 'VARCHAR'),
    c('status', 'VARCHAR'),
    c('document_uri', 'VARCHAR'),
    c('status_reasons', 'VARCHAR[]'),
    c('raw', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
  ext_findings: [
    c('uid', 'VARCHAR'),
    c('finding_id', 'VARCHAR'),
    c('source', 'VARCHAR'),
    c('type', 'VARCHAR'),
    c('title', 'VARCHAR'),
    c('description', 'VARCHAR'),
    c('severity', 'DOUBLE'),
    c('severity_label', 'VARCHAR'),
    c('account', 'VARCHAR'),
    c('region', 'VARCHAR'),
    c('created_at', 'TIMESTAMP'),
    c('updated_at', 'TIMESTAMP'),
    c('first_seen', 'TIMESTAMP'),
    c('last_seen', 'TIMESTAMP'),
    c('archived', 'BOOLEAN'),
    c('count', 'BIGINT'),
    c('access_key_id', 'VARCHAR'),
    c('principal_id', 'VARCHAR'),
    c('user_name', 'VARCHAR'),
    c('user_type', 'VARCHAR'),
    c('remote_ip', 'VARCHAR'),
    c('api', 'VARCHAR'),
    c('service_name', 'VARCHAR'),
    c('resource_type', 'VARCHAR'),
    c('resources', 'VARCHAR[]'),
    c('raw', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
  iam_entities: [
    c('uid', 'VARCHAR'),
    c('kind', 'VARCHAR'),
    c('arn', 'VARCHAR'),
    c('name', 'VARCHAR'),
    c('account', 'VARCHAR'),
    c('create_date', 'TIMESTAMP'),
    c('groups', 'VARCHAR[]'),
    c('attached_policy_arns', 'VARCHAR[]'),
    c('inline_policies', 'JSON'),
    c('trust_policy', 'JSON'),
    c('policy_document', 'JSON'),
    c('tags', 'JSON'),
    c('raw', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
  config_items: [
    c('uid', 'VARCHAR'),
    c('time', 'TIMESTAMP'),
    c('account', 'VARCHAR'),
    c('region', 'VARCHAR'),
    c('resource_type', 'VARCHAR'),
    c('resource_id', 'VARCHAR'),
    c('resource_name', 'VARCHAR'),
    c('arn', 'VARCHAR'),
    c('status', 'VARCHAR'),
    c('configuration', 'JSON'),
    c('relationships', 'JSON'),
    c('raw', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
  context_entries: [
    c('uid', 'VARCHAR'),
    c('kind', 'VARCHAR'),
    c('type', 'VARCHAR'),
    c('ticket', 'VARCHAR'),
    c('owner', 'VARCHAR'),
    c('start', 'TIMESTAMP'),
    c('end', 'TIMESTAMP'),
    c('source_ips', 'VARCHAR[]'),
    c('principals', 'VARCHAR[]'),
    c('source_identity', 'VARCHAR'),
    c('text', 'VARCHAR'),
    c('raw', 'JSON'),
    c('file_id', 'VARCHAR'),
    c('idx', 'BIGINT'),
  ],
};

/** Record tables: the table each source's records go to, keyed by record kind. */
export type RecordTable =
  | 'events'
  | 'invocations'
  | 'agent_steps'
  | 'kb_events'
  | 'ext_findings'
  | 'iam_entities'
  | 'config_items'
  | 'context_entries';

export const RECORD_TABLES: RecordTable[] = [
  'events',
  'invocations',
  'agent_steps',
  'kb_events',
  'ext_findings',
  'iam_entities',
  'config_items',
  'context_entries',
];

const q = (s: string): string => `"${s}"`;

/** Free-text columns that are long enough to be worth ZSTD (with every JSON column). */
const LONG_TEXT = new Set([
  'system_text',
  'prompt_text',
  'last_user_text',
  'tool_result_text',
  'response_text',
  'text',
]);

/** Whether a column is stored with ZSTD in case files that support it (see ddl). */
export function zstdColumn(col: ColumnDef): boolean {
  return col.type === 'JSON' || LONG_TEXT.has(col.name);
}

/**
 * The case's DDL. With `zstd` (a case file created by CaseStore.open at the storage version that
 * has ZSTD for strings), JSON and long text columns are compressed with ZSTD: DuckDB's default for
 * strings (FSST) costs about twice a raw scan of the evidence to write and makes the case ~10x
 * larger for CloudTrail records (docs/performance.md). Older case files, and in-memory cases,
 * would store such columns uncompressed, so they get the default.
 */
export function ddl(opts: { zstd?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const [table, cols] of Object.entries(TABLES)) {
    const col = (x: ColumnDef) =>
      `${q(x.name)} ${x.type}${opts.zstd && zstdColumn(x) ? ' USING COMPRESSION zstd' : ''}`;
    out.push(`CREATE TABLE IF NOT EXISTS ${table} (${cols.map(col).join(', ')})`);
  }
  out.push('CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)');
  return out;
}
