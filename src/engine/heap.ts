/**
 * Keeps the JavaScript heap near what is live between analysis steps. V8 collects the old
 * generation lazily: on a large case the garbage of finished detectors (rows read, texts
 * analysed) stayed in the heap and doubled the process's memory. A full collection between steps
 * costs a fraction of a second and is only made when the heap grew by more than `slack`.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;
let floor = 0;

function collector(): (() => void) | null {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  return gc;
}

/** Runs a full collection when the heap grew by more than `slack` bytes since the last one; true if it ran. */
export function relieveHeap(slack = 256 * 2 ** 20): boolean {
  if (getHeapStatistics().used_heap_size - floor < slack) return false;
  const g = collector();
  if (!g) return false;
  g();
  floor = getHeapStatistics().used_heap_size;
  return true;
}
