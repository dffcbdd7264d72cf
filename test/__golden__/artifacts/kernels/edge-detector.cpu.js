// cnnc CPU program for model EdgeDetector

// conv2d: vertical_edges
// [1, 1, 6, 8] -> [1, 1, 6, 7]
// params: p_weight = vertical_edges.weight
function k0_vertical_edges(out, in0, p_weight) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 48, ob = n * 42;
    const xg = xb;
    // output channels one at a time
    {
      const oc = 0;
      const op = ob + oc * 42;
      out.fill(0, op, op + 42);
      const xc = xg, wc = oc * 2;
      const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1];
      // interior rows
      for (let oh = 0; oh < 6; oh++) {
        const orow = op + oh * 7;
        const xr = xc + oh * 8;
        for (let ow = 0, xi = xr, o = orow; ow < 6; ow += 2, xi += 2, o += 2) {
          const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2];
          out[o] += w0_0_0 * x0_0 + w0_0_1 * x0_1;
          out[o + 1] += w0_0_0 * x0_1 + w0_0_1 * x0_2;
        }
        for (let ow = 6, xi = xr + 6, o = orow + 6; ow < 7; ow += 1, xi += 1, o += 1) {
          const x0_0 = in0[xi], x0_1 = in0[xi + 1];
          out[o] += w0_0_0 * x0_0 + w0_0_1 * x0_1;
        }
      }
    }
  }
}

// conv2d: horizontal_edges
// [1, 1, 6, 8] -> [1, 1, 5, 8]
// params: p_weight = horizontal_edges.weight
function k1_horizontal_edges(out, in0, p_weight) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 48, ob = n * 40;
    const xg = xb;
    // output channels one at a time
    {
      const oc = 0;
      const op = ob + oc * 40;
      out.fill(0, op, op + 40);
      const xc = xg, wc = oc * 2;
      const w0_0_0 = p_weight[wc];
      const w0_1_0 = p_weight[wc + 1];
      // interior rows
      for (let oh = 0; oh < 5; oh++) {
        const orow = op + oh * 8;
        const xr = xc + oh * 8;
        for (let ow = 0, xi = xr, o = orow; ow < 8; ow += 2, xi += 2, o += 2) {
          const x0_0 = in0[xi], x0_1 = in0[xi + 1], x1_0 = in0[xi + 8], x1_1 = in0[xi + 9];
          out[o] += (w0_0_0 * x0_0) +
            (w0_1_0 * x1_0);
          out[o + 1] += (w0_0_0 * x0_1) +
            (w0_1_0 * x1_1);
        }
      }
    }
  }
}

let storage = null;
function runPlan(buffers, params) {
  // graph inputs
  const b0 = buffers["x"]; // x
  // parameters
  const p0 = params["vertical_edges.weight"];
  const p1 = params["horizontal_edges.weight"];
  // 0 storage slot(s) shared by intermediate buffers with disjoint lifetimes,
  // allocated on the first run and reused by later ones (every kernel overwrites its whole output)
  if (storage === null) storage = [];
  const b1 = new Float32Array(42); // vertical_edges
  const b2 = new Float32Array(40); // horizontal_edges
  // steps
  k0_vertical_edges(b1, b0, p0); // vertical_edges
  k1_horizontal_edges(b2, b0, p1); // horizontal_edges
  const result = Object.create(null);
  result["vertical_edges"] = b1;
  result["horizontal_edges"] = b2;
  return result;
}
