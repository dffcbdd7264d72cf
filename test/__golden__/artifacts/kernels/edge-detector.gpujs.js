// output [42], arguments x, vertical_edges.weight
function conv2d_vertical_edges(x, weight) {
  // conv2d vertical_edges: [1, 1, 6, 8] -> [1, 1, 6, 7]
  // kernel 1x2, stride 1x1, pads [0, 0, 0, 0], dilation 1x1, groups 1, padding_mode zeros
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 42);
  const r_n = i - n * 42;
  const oc = Math.floor((r_n + 0.5) / 42);
  const r_oc = r_n - oc * 42;
  const oh = Math.floor((r_oc + 0.5) / 7);
  const ow = r_oc - oh * 7;
  const icBase = n * 1;
  let acc = 0;
  const wBase = oc * 2;
  for (let kh = 0; kh < 1; kh++) {
    const ih = oh + kh;
    if (ih >= 0 && ih < 6) {
      for (let kw = 0; kw < 2; kw++) {
        const iw = ow + kw;
        if (iw >= 0 && iw < 8) {
          const xAt = icBase * 48 + ih * 8 + iw;
          const wAt = wBase + kh * 2 + kw;
          for (let ic = 0; ic < 1; ic++) {
            acc += x[xAt + ic * 48] * weight[wAt + ic * 2];
          }
        }
      }
    }
  }
  let v = acc;
  return v;
}

// output [40], arguments x, horizontal_edges.weight
function conv2d_horizontal_edges(x, weight) {
  // conv2d horizontal_edges: [1, 1, 6, 8] -> [1, 1, 5, 8]
  // kernel 2x1, stride 1x1, pads [0, 0, 0, 0], dilation 1x1, groups 1, padding_mode zeros
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 40);
  const r_n = i - n * 40;
  const oc = Math.floor((r_n + 0.5) / 40);
  const r_oc = r_n - oc * 40;
  const oh = Math.floor((r_oc + 0.5) / 8);
  const ow = r_oc - oh * 8;
  const icBase = n * 1;
  let acc = 0;
  const wBase = oc * 2;
  for (let kh = 0; kh < 2; kh++) {
    const ih = oh + kh;
    if (ih >= 0 && ih < 6) {
      for (let kw = 0; kw < 1; kw++) {
        const iw = ow + kw;
        if (iw >= 0 && iw < 8) {
          const xAt = icBase * 48 + ih * 8 + iw;
          const wAt = wBase + kh * 1 + kw;
          for (let ic = 0; ic < 1; ic++) {
            acc += x[xAt + ic * 48] * weight[wAt + ic * 2];
          }
        }
      }
    }
  }
  let v = acc;
  return v;
}
