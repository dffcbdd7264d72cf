// output [4704], arguments x, conv1.weight, conv1.bias
function conv2d_conv1(x, weight, bias) {
  // conv2d conv1 + sig1: [1, 1, 28, 28] -> [1, 6, 28, 28]
  // kernel 5x5, stride 1x1, pads [2, 2, 2, 2], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then sigmoid
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 4704);
  const r_n = i - n * 4704;
  const oc = Math.floor((r_n + 0.5) / 784);
  const r_oc = r_n - oc * 784;
  const oh = Math.floor((r_oc + 0.5) / 28);
  const ow = r_oc - oh * 28;
  const icBase = n * 1;
  let acc = 0;
  const wBase = oc * 25;
  for (let kh = 0; kh < 5; kh++) {
    const ih = oh + kh - 2;
    if (ih >= 0 && ih < 28) {
      for (let kw = 0; kw < 5; kw++) {
        const iw = ow + kw - 2;
        if (iw >= 0 && iw < 28) {
          const xAt = icBase * 784 + ih * 28 + iw;
          const wAt = wBase + kh * 5 + kw;
          for (let ic = 0; ic < 1; ic++) {
            acc += x[xAt + ic * 784] * weight[wAt + ic * 25];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  v = 1 / (1 + Math.exp(-v));
  return v;
}

// output [1176], arguments sig1
function avgpool2d_pool1(x) {
  // avgpool2d pool1: [1, 6, 28, 28] -> [1, 6, 14, 14]
  // kernel 2x2, stride 2x2, padding 0x0, ceil_mode false, count_include_pad true, divisor_override null
  const i = this.thread.x;
  const nc = Math.floor((i + 0.5) / 196);
  const r_nc = i - nc * 196;
  const oh = Math.floor((r_nc + 0.5) / 14);
  const ow = r_nc - oh * 14;
  const xPlane = nc * 784;
  const hs = oh * 2;
  const ws = ow * 2;
  let he = hs + 2;
  if (he > 28) { he = 28; }
  let we = ws + 2;
  if (we > 28) { we = 28; }
  const poolSize = (he - hs) * (we - ws);
  let h0 = hs;
  if (h0 < 0) { h0 = 0; }
  let w0 = ws;
  if (w0 < 0) { w0 = 0; }
  if (he > 28) { he = 28; }
  if (we > 28) { we = 28; }
  let sum = 0;
  for (let kh = 0; kh < 2; kh++) {
    const ih = hs + kh;
    if (ih >= h0 && ih < he) {
      for (let kw = 0; kw < 2; kw++) {
        const iw = ws + kw;
        if (iw >= w0 && iw < we) { sum += x[xPlane + ih * 28 + iw]; }
      }
    }
  }
  let v = he > h0 && we > w0 ? sum / poolSize : 0;
  return v;
}

// output [1600], arguments pool1, conv2.weight, conv2.bias
function conv2d_conv2(x, weight, bias) {
  // conv2d conv2 + sig2: [1, 6, 14, 14] -> [1, 16, 10, 10]
  // kernel 5x5, stride 1x1, pads [0, 0, 0, 0], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then sigmoid
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 1600);
  const r_n = i - n * 1600;
  const oc = Math.floor((r_n + 0.5) / 100);
  const r_oc = r_n - oc * 100;
  const oh = Math.floor((r_oc + 0.5) / 10);
  const ow = r_oc - oh * 10;
  const icBase = n * 6;
  let acc = 0;
  const wBase = oc * 150;
  for (let kh = 0; kh < 5; kh++) {
    const ih = oh + kh;
    if (ih >= 0 && ih < 14) {
      for (let kw = 0; kw < 5; kw++) {
        const iw = ow + kw;
        if (iw >= 0 && iw < 14) {
          const xAt = icBase * 196 + ih * 14 + iw;
          const wAt = wBase + kh * 5 + kw;
          for (let ic = 0; ic < 6; ic++) {
            acc += x[xAt + ic * 196] * weight[wAt + ic * 25];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  v = 1 / (1 + Math.exp(-v));
  return v;
}

// output [400], arguments sig2
function avgpool2d_pool2(x) {
  // avgpool2d pool2: [1, 16, 10, 10] -> [1, 16, 5, 5]
  // kernel 2x2, stride 2x2, padding 0x0, ceil_mode false, count_include_pad true, divisor_override null
  const i = this.thread.x;
  const nc = Math.floor((i + 0.5) / 25);
  const r_nc = i - nc * 25;
  const oh = Math.floor((r_nc + 0.5) / 5);
  const ow = r_nc - oh * 5;
  const xPlane = nc * 100;
  const hs = oh * 2;
  const ws = ow * 2;
  let he = hs + 2;
  if (he > 10) { he = 10; }
  let we = ws + 2;
  if (we > 10) { we = 10; }
  const poolSize = (he - hs) * (we - ws);
  let h0 = hs;
  if (h0 < 0) { h0 = 0; }
  let w0 = ws;
  if (w0 < 0) { w0 = 0; }
  if (he > 10) { he = 10; }
  if (we > 10) { we = 10; }
  let sum = 0;
  for (let kh = 0; kh < 2; kh++) {
    const ih = hs + kh;
    if (ih >= h0 && ih < he) {
      for (let kw = 0; kw < 2; kw++) {
        const iw = ws + kw;
        if (iw >= w0 && iw < we) { sum += x[xPlane + ih * 10 + iw]; }
      }
    }
  }
  let v = he > h0 && we > w0 ? sum / poolSize : 0;
  return v;
}

// output [120], arguments pool2, fc1.weight, fc1.bias
function linear_fc1(x, weight, bias) {
  // linear fc1 + sig3: [1, 400] -> [1, 120]
  // in_features 400, out_features 120, bias true
  // epilogue: then sigmoid
  const i = this.thread.x;
  const row = Math.floor((i + 0.5) / 120);
  const o = i - row * 120;
  const xRow = row * 400;
  const wRow = o * 400;
  let acc = 0;
  for (let k = 0; k < 400; k++) {
    acc += x[xRow + k] * weight[wRow + k];
  }
  let v = acc + bias[o];
  v = 1 / (1 + Math.exp(-v));
  return v;
}

// output [84], arguments sig3, fc2.weight, fc2.bias
function linear_fc2(x, weight, bias) {
  // linear fc2 + sig4: [1, 120] -> [1, 84]
  // in_features 120, out_features 84, bias true
  // epilogue: then sigmoid
  const i = this.thread.x;
  const row = Math.floor((i + 0.5) / 84);
  const o = i - row * 84;
  const xRow = row * 120;
  const wRow = o * 120;
  let acc = 0;
  for (let k = 0; k < 120; k++) {
    acc += x[xRow + k] * weight[wRow + k];
  }
  let v = acc + bias[o];
  v = 1 / (1 + Math.exp(-v));
  return v;
}

// output [10], arguments sig4, fc3.weight, fc3.bias
function linear_fc3(x, weight, bias) {
  // linear fc3: [1, 84] -> [1, 10]
  // in_features 84, out_features 10, bias true
  const i = this.thread.x;
  const row = Math.floor((i + 0.5) / 10);
  const o = i - row * 10;
  const xRow = row * 84;
  const wRow = o * 84;
  let acc = 0;
  for (let k = 0; k < 84; k++) {
    acc += x[xRow + k] * weight[wRow + k];
  }
  let v = acc + bias[o];
  return v;
}
