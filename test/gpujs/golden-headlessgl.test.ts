import { goldenSuite } from './golden-suite.ts';
import { requireHeadlessGl } from './headless-gl-available.ts';

requireHeadlessGl();
goldenSuite('headlessgl');
