import type { Detector } from '../engine/detector.js';

/** Detectors of this plane, in order (filled by their module owners). */
export const DATA_PLANE_DETECTORS: Detector[] = [];
