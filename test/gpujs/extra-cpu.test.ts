import { extraSuite } from './extra-suite.ts';

extraSuite('cpu', { large: false });
