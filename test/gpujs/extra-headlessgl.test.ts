import { extraSuite } from './extra-suite.ts';
import { requireHeadlessGl } from './headless-gl-available.ts';

requireHeadlessGl();
extraSuite('headlessgl', { large: true });
