import { cnncEngines } from './cnnc.ts';
import { ortNodeEngine, ortWebEngine } from './ort.ts';
import { tfjsEngine } from './tfjs.ts';
import type { Engine } from './types.ts';

export type { Engine, Runner } from './types.ts';
export { Unsupported } from './types.ts';

/** Every engine, cnnc's backends first. */
export function allEngines(): Engine[] {
  return [
    ...cnncEngines(),
    // native ORT twice: as shipped (a thread per core) and on one thread like every other engine here
    ortNodeEngine('ort-node', 0),
    ortNodeEngine('ort-node-1t', 1),
    ortWebEngine(),
    tfjsEngine('cpu'),
    tfjsEngine('wasm'),
  ];
}
