import { extraSuite } from './extra-suite.ts';

extraSuite('webasm', { large: true });
