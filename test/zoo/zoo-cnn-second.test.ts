// The second half of the zoo (zoo-suite.ts): the mobile and modern families.
import { zooSuite } from './zoo-suite.ts';

zooSuite(
  [
    'mobilenet_v2',
    'mobilenet_v3_small',
    'mobilenet_v3_large',
    'shufflenet_v2_x1_0',
    'mnasnet1_0',
    'efficientnet_b0',
    'regnet_x_400mf',
    'regnet_y_400mf',
    'convnext_tiny',
  ],
  ['cpu', 'wasm', 'gpujs:webasm'],
  { mobilenet_v3_small: ['gpujs:headlessgl'], shufflenet_v2_x1_0: ['gpujs:headlessgl'] },
);
