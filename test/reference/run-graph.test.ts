import { describe, expect, it } from 'vitest';
import { runGraph, runOp, type GraphLike } from '../../runtime/reference/index.ts';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { convAttrs, t, values } from './helpers.ts';

const conv1x1 = convAttrs({ in_channels: 1, out_channels: 1, kernel_size: [1, 1], bias: true });

// relu(conv(x)) + x, with the conv's bias written inline
const graph: GraphLike = {
  inputs: [{ name: 'x', shape: [{ kind: 'sym', name: 'N' }, 1, 1, 2] }],
  nodes: [
    {
      id: 'conv',
      op: 'conv2d',
      attrs: conv1x1,
      inputs: ['x'],
      params: [
        { key: 'conv.weight', name: 'weight', shape: [1, 1, 1, 1], inline: null },
        { key: 'conv.bias', name: 'bias', shape: [1], inline: Float32Array.from([-1]) },
      ],
    },
    { id: 'act', op: 'relu', attrs: {}, inputs: ['conv'], params: [] },
    { id: 'sum', op: 'add', attrs: {}, inputs: ['act', 'x'], params: [] },
  ],
  outputs: ['sum', 'conv'],
};

const weights = new Map<string, Tensor>([['conv.weight', t([1, 1, 1, 1], [2])]]);

describe('runGraph', () => {
  it('evaluates nodes in order, reading weights by key and inline values as fallback', () => {
    const out = runGraph(graph, { x: t([1, 1, 1, 2], [1, -3]) }, weights);
    expect(values(out.conv)).toEqual([1, -7]);
    expect(values(out.sum)).toEqual([2, -3]);
  });

  it('prefers the weights map over an inline value', () => {
    const w = new Map(weights).set('conv.bias', t([1], [0]));
    expect(values(runGraph(graph, { x: t([1, 1, 1, 2], [1, -3]) }, w).conv)).toEqual([2, -6]);
  });

  it('taps every node once, in order; symbolic batch dims accept any size', () => {
    const seen: string[] = [];
    runGraph(graph, { x: t([2, 1, 1, 2], [1, 2, 3, 4]) }, weights, {
      tap: (id, v) => seen.push(`${id}:${v.shape.join('x')}`),
    });
    expect(seen).toEqual(['conv:2x1x1x2', 'act:2x1x1x2', 'sum:2x1x1x2']);
  });

  it('names the culprit when something is missing or mis-shaped', () => {
    const x = t([1, 1, 1, 2], [1, 2]);
    expect(() => runGraph(graph, {}, weights)).toThrow(/no feed for input 'x'/);
    expect(() => runGraph(graph, { x: t([1, 1, 2, 1], [1, 2]) }, weights)).toThrow(
      /input 'x' has shape \[1, 1, 2, 1\]/,
    );
    expect(() => runGraph(graph, { x }, new Map())).toThrow(/^node 'conv': .*no weight 'conv.weight'/);
    expect(() => runGraph(graph, { x }, new Map([['conv.weight', t([1], [2])]]))).toThrow(
      /has shape \[1\], expected \[1, 1, 1, 1\]/,
    );
    const bad: GraphLike = { ...graph, nodes: [{ id: 'r', op: 'relu', attrs: {}, inputs: ['nope'], params: [] }] };
    expect(() => runGraph(bad, { x }, weights)).toThrow(/^node 'r': .*reads 'nope'/);
    const wrongArity: GraphLike = {
      ...graph,
      nodes: [{ id: 'r', op: 'relu', attrs: {}, inputs: ['x', 'x'], params: [] }],
      outputs: ['r'],
    };
    expect(() => runGraph(wrongArity, { x }, weights)).toThrow(/node 'r'.*exactly 1 input/);
  });

  it('keys the results by the output names when the graph has them', () => {
    const named: GraphLike = { ...graph, outputNames: ['y', 'features'] };
    const out = runGraph(named, { x: t([1, 1, 1, 2], [1, -3]) }, weights);
    expect(Object.keys(out).sort()).toEqual(['features', 'y']);
    expect(values(out.y)).toEqual([2, -3]);
  });

  it('can output a graph input directly', () => {
    const x = t([1, 1, 1, 2], [1, 2]);
    expect(runGraph({ ...graph, outputs: ['x'] }, { x }, weights).x).toBe(x);
  });
});

describe('runOp', () => {
  it('dispatches by op name', () => {
    expect(values(runOp('leaky_relu', { negative_slope: 0.5 }, [t([2], [-2, 2])], {}))).toEqual([-1, 2]);
    expect(values(runOp('identity', {}, [t([1], [7])], {}))).toEqual([7]);
  });

  it('refuses unknown ops and missing weights', () => {
    // @ts-expect-error: an op name outside the IR
    expect(() => runOp('softsign', {}, [t([1], [1])], {})).toThrow(/unknown op/);
    expect(() => runOp('conv2d', conv1x1, [t([1, 1, 1, 1], [1])], {})).toThrow(/missing parameter 'weight'/);
  });
});
