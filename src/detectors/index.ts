/**
 * The detector registry: which pure function answers for which class, and whether it looks at string
 * values, object keys or both. Order is cheapest-first; the engine stops at the first blocking finding
 * per string only when asked to (it reports every class by default, for triage).
 */
import type { DetectorClass, KeyDetector, StringDetector } from '../types';

export interface DetectorEntry {
  class: DetectorClass;
  /** Runs on every string value and every object key (keys are strings an attacker chooses too). */
  value?: StringDetector;
  /** Runs on object keys only, with the parent key. */
  key?: KeyDetector;
}
