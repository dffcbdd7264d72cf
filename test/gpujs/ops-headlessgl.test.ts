import { requireHeadlessGl } from './headless-gl-available.ts';
import { opsSuite } from './ops-suite.ts';

requireHeadlessGl();
opsSuite('headlessgl');
