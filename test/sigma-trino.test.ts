/**
 * The Trino (Athena) dialect is compile-only here: the generated SQL is pinned by snapshots.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRule, loadMapping, type Mapping, parseSigma, trino } from '../src/rules/sigma/index.js';

let mapping: Mapping;
beforeAll(async () => {
  mapping = await loadMapping();
});

function sql(text: string): string {
  const { rules, errors } = parseSigma(text, 'rule.yml');
  expect(errors).toEqual([]);
  const c = compileRule(rules[0], { mapping, dialect: trino, rules });
  if ('error' in c) throw new Error(c.error);
  return c.sql;
}

const LS = 'logsource: {product: aws, service: cloudtrail}';

describe('trino dialect', () => {
  it('plain fields, lists and null (SigmaHQ aws_cloudtrail_bucket_deleted)', () => {
    expect(
      sql(`title: AWS Bucket Deleted
${LS}
detection:
  selection_event_name:
    eventName: 'DeleteBucket'
  selection_status_success:
    errorCode: 'Success'
  selection_status_null:
    errorCode: null
  condition: selection_event_name and 1 of selection_status_*
`),
    ).toMatchInlineSnapshot(
      `"SELECT "uid", "event_id", "request_id", "time", "principal_arn", "identity_arn", "access_key_id", "source_ip", "region", "service", "action" FROM "events" WHERE (COALESCE(lower("action") = lower('DeleteBucket'), false) AND (COALESCE(lower("error_code") = lower('Success'), false) OR "error_code" IS NULL)) ORDER BY "time", "uid""`,
    );
  });

  it('regex and a list of maps under not (SigmaHQ aws_cloudtrail_imds_malicious_usage)', () => {
    expect(
      sql(`title: IMDS
${LS}
detection:
  selection:
    userIdentity.arn|re: '.+:assumed-role/aws:.+'
  filter_main_generic:
    - eventSource: 'ssm.amazonaws.com'
    - eventName: 'RegisterManagedInstance'
    - sourceIPAddress: 'AWS Internal'
  condition: selection and not 1 of filter_main_*
`),
    ).toMatchInlineSnapshot(
      `"SELECT "uid", "event_id", "request_id", "time", "principal_arn", "identity_arn", "access_key_id", "source_ip", "region", "service", "action" FROM "events" WHERE (COALESCE(regexp_like("principal_arn", '.+:assumed-role/aws:.+'), false) AND NOT ((COALESCE(lower("service") = lower('ssm.amazonaws.com'), false) OR COALESCE(lower("action") = lower('RegisterManagedInstance'), false) OR COALESCE(lower("source_ip") = lower('AWS Internal'), false)))) ORDER BY "time", "uid""`,
    );
  });

  it('JSON paths through arrays, cidr, booleans and fieldref', () => {
    expect(
      sql(`title: mixed
${LS}
detection:
  selection:
    requestParameters.containerDefinitions.command|contains: '$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'
    sourceIPAddress|cidr: '10.0.0.0/8'
    readOnly: false
  filter:
    userIdentity.arn|fieldref|endswith: requestParameters.userName
  condition: selection and not filter
`),
    ).toMatchInlineSnapshot(
      `"SELECT "uid", "event_id", "request_id", "time", "principal_arn", "identity_arn", "access_key_id", "source_ip", "region", "service", "action" FROM "events" WHERE ((COALESCE(any_match(flatten(transform(CAST(json_parse(json_query("request_parameters", 'lax $."containerDefinitions"."command"' WITH ARRAY WRAPPER)) AS ARRAY(JSON)), x1 -> IF(json_array_length(x1) IS NOT NULL, concat(ARRAY[IF(json_format(x1) = 'null', NULL, COALESCE(json_extract_scalar(x1, '$'), json_format(x1)))], transform(CAST(x1 AS ARRAY(JSON)), x1e -> IF(json_format(x1e) = 'null', NULL, COALESCE(json_extract_scalar(x1e, '$'), json_format(x1e))))), ARRAY[IF(json_format(x1) = 'null', NULL, COALESCE(json_extract_scalar(x1, '$'), json_format(x1)))]))), x2 -> COALESCE(lower(x2) LIKE lower('%$AWS\\_CONTAINER\\_CREDENTIALS\\_RELATIVE\\_URI%') ESCAPE '\\', false)), false) AND COALESCE(contains('10.0.0.0/8', TRY_CAST("source_ip" AS IPADDRESS)), false) AND COALESCE(lower(CAST("read_only" AS VARCHAR)) = lower('false'), false)) AND NOT (COALESCE(any_match(flatten(transform(CAST(json_parse(json_query("request_parameters", 'lax $."userName"' WITH ARRAY WRAPPER)) AS ARRAY(JSON)), x4 -> IF(json_array_length(x4) IS NOT NULL, concat(ARRAY[IF(json_format(x4) = 'null', NULL, COALESCE(json_extract_scalar(x4, '$'), json_format(x4)))], transform(CAST(x4 AS ARRAY(JSON)), x4e -> IF(json_format(x4e) = 'null', NULL, COALESCE(json_extract_scalar(x4e, '$'), json_format(x4e))))), ARRAY[IF(json_format(x4) = 'null', NULL, COALESCE(json_extract_scalar(x4, '$'), json_format(x4)))]))), x5 -> COALESCE((length(lower(x5)) <= length(lower("principal_arn")) AND substr(lower("principal_arn"), length(lower("principal_arn")) - length(lower(x5)) + 1) = lower(x5)), false)), false))) ORDER BY "time", "uid""`,
    );
  });

  it('an event_count correlation with group-by', () => {
    expect(
      sql(`title: Brute force
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [userIdentity.arn, sourceIPAddress]
  timespan: 10m
  condition: {gte: 5}
---
title: Failed console login
name: failed_login
${LS}
detection:
  selection:
    eventName: ConsoleLogin
    errorMessage: Failed authentication
  condition: selection
`),
    ).toMatchInlineSnapshot(`
      "WITH s0 AS (SELECT "time" AS t, ARRAY["uid"] AS uids, "principal_arn" AS g0, "source_ip" AS g1, CAST(NULL AS VARCHAR) AS v, 0 AS r FROM "events" WHERE (COALESCE(lower("action") = lower('ConsoleLogin'), false) AND COALESCE(lower("error_message") = lower('Failed authentication'), false))),
      m AS (SELECT t, uids, g0, g1, v, r FROM s0),
      w AS (SELECT a.g0, a.g1, a.t AS ws, COUNT(*) AS n FROM (SELECT DISTINCT g0, g1, t FROM m) a JOIN m b ON b.g0 IS NOT DISTINCT FROM a.g0 AND b.g1 IS NOT DISTINCT FROM a.g1 AND b.t >= a.t AND b.t <= (a.t + INTERVAL '600' SECOND) GROUP BY a.g0, a.g1, a.t),
      q AS (SELECT g0, g1, ws, (ws + INTERVAL '600' SECOND) AS we, n FROM w WHERE n >= 5),
      p AS (SELECT g0, g1, ws, we, n, MAX(we) OVER (PARTITION BY g0, g1 ORDER BY ws ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pe FROM q),
      i AS (SELECT g0, g1, ws, we, n, SUM(CASE WHEN ws <= pe THEN 0 ELSE 1 END) OVER (PARTITION BY g0, g1 ORDER BY ws ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS isl FROM p),
      k AS (SELECT g0, g1, isl, MIN(ws) AS s_start, MAX(we) AS s_end, MAX(n) AS n FROM i GROUP BY g0, g1, isl),
      ev AS (SELECT DISTINCT g0, g1, t, uids FROM m)
      SELECT k.g0 AS "userIdentity.arn", k.g1 AS "sourceIPAddress", MIN(e.t) AS first_time, MAX(e.t) AS last_time, COUNT(*) AS event_count, MAX(k.n) AS "value", slice(flatten(array_agg(e.uids ORDER BY e.t)), 1, 500) AS uids FROM k JOIN ev e ON e.g0 IS NOT DISTINCT FROM k.g0 AND e.g1 IS NOT DISTINCT FROM k.g1 AND e.t >= k.s_start AND e.t <= k.s_end GROUP BY k.g0, k.g1, k.isl ORDER BY first_time, "userIdentity.arn", "sourceIPAddress""
    `);
  });

  it('a temporal_ordered correlation', () => {
    expect(
      sql(`title: Stop then delete
correlation:
  type: temporal_ordered
  rules: [stop, del]
  group-by: [userIdentity.arn]
  timespan: 1h
---
title: stop
name: stop
${LS}
detection:
  s: {eventName: StopLogging}
  condition: s
---
title: del
name: del
${LS}
detection:
  s: {eventName: DeleteTrail}
  condition: s
`),
    ).toMatchInlineSnapshot(`
      "WITH s0 AS (SELECT "time" AS t, ARRAY["uid"] AS uids, "principal_arn" AS g0, CAST(NULL AS VARCHAR) AS v, 0 AS r FROM "events" WHERE COALESCE(lower("action") = lower('StopLogging'), false)),
      s1 AS (SELECT "time" AS t, ARRAY["uid"] AS uids, "principal_arn" AS g0, CAST(NULL AS VARCHAR) AS v, 1 AS r FROM "events" WHERE COALESCE(lower("action") = lower('DeleteTrail'), false)),
      m AS (SELECT t, uids, g0, v, r FROM s0 UNION ALL SELECT t, uids, g0, v, r FROM s1),
      c0 AS (SELECT DISTINCT g0, t AS ws, t AS cur FROM m WHERE r = 0),
      c1 AS (SELECT a.g0, a.ws, MIN(b.t) AS cur FROM c0 a JOIN m b ON b.r = 1 AND b.g0 IS NOT DISTINCT FROM a.g0 AND b.t >= a.cur AND b.t <= (a.ws + INTERVAL '3600' SECOND) GROUP BY a.g0, a.ws),
      q AS (SELECT g0, ws, cur AS we, 2 AS n FROM c1),
      p AS (SELECT g0, ws, we, n, MAX(we) OVER (PARTITION BY g0 ORDER BY ws ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pe FROM q),
      i AS (SELECT g0, ws, we, n, SUM(CASE WHEN ws <= pe THEN 0 ELSE 1 END) OVER (PARTITION BY g0 ORDER BY ws ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS isl FROM p),
      k AS (SELECT g0, isl, MIN(ws) AS s_start, MAX(we) AS s_end, MAX(n) AS n FROM i GROUP BY g0, isl),
      ev AS (SELECT DISTINCT g0, t, uids FROM m)
      SELECT k.g0 AS "userIdentity.arn", MIN(e.t) AS first_time, MAX(e.t) AS last_time, COUNT(*) AS event_count, MAX(k.n) AS "value", slice(flatten(array_agg(e.uids ORDER BY e.t)), 1, 500) AS uids FROM k JOIN ev e ON e.g0 IS NOT DISTINCT FROM k.g0 AND e.t >= k.s_start AND e.t <= k.s_end GROUP BY k.g0, k.isl ORDER BY first_time, "userIdentity.arn""
    `);
  });
});
