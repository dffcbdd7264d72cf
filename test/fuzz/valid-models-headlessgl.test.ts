import { requireHeadlessGl } from '../gpujs/headless-gl-available.ts';
import { validModelsSuite } from './valid-models-suite.ts';

requireHeadlessGl();
validModelsSuite('gpujs:headlessgl', 25, 6);
