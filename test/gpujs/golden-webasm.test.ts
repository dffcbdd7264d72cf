import { goldenSuite } from './golden-suite.ts';

goldenSuite('webasm');
