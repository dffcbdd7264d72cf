// The first half of the zoo (zoo-suite.ts): torchvision's classic families.
import { zooSuite } from './zoo-suite.ts';

zooSuite(
  [
    'alexnet',
    'vgg11_bn',
    'resnet18',
    'resnet50',
    'resnext50_32x4d',
    'squeezenet1_0',
    'squeezenet1_1',
    'densenet121',
    'googlenet',
    'inception_v3',
  ],
  ['cpu', 'wasm', 'gpujs:webasm'],
  { resnet18: ['gpujs:headlessgl'], squeezenet1_1: ['gpujs:headlessgl'] },
);
