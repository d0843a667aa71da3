/**
 * The data-plane detectors (elements invocation, private-data and agency), in the order they run.
 * See docs/detections-data-plane.md.
 */
import type { Detector } from '../engine/detector.js';
import { AGENCY_DETECTORS } from './agency.js';
import { agentCodeExecutionDetector } from './code-interpretation.js';
import { DISCLOSED_CREDENTIAL_DETECTORS } from './disclosed-credentials.js';
import { INVOCATION_DETECTORS } from './invocation.js';
import { PRIVATE_DATA_DETECTORS } from './private-data.js';
import { promptChangeDetector } from './prompt-change.js';
import { crossTenantDetector } from './tenant-isolation.js';

/** Detectors of this plane, in order. */
export const DATA_PLANE_DETECTORS: Detector[] = [
  ...INVOCATION_DETECTORS,
  promptChangeDetector,
  ...PRIVATE_DATA_DETECTORS,
  ...DISCLOSED_CREDENTIAL_DETECTORS,
  crossTenantDetector,
  ...AGENCY_DETECTORS,
  agentCodeExecutionDetector,
];
