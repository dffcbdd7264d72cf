// output [16384], arguments x, stem+bn.weight, stem+bn.bias
function conv2d_stem(x, weight, bias) {
  // conv2d stem + bn + relu: [1, 3, 64, 64] -> [1, 16, 32, 32]
  // kernel 3x3, stride 2x2, pads [1, 1, 1, 1], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 16384);
  const r_n = i - n * 16384;
  const oc = Math.floor((r_n + 0.5) / 1024);
  const r_oc = r_n - oc * 1024;
  const oh = Math.floor((r_oc + 0.5) / 32);
  const ow = r_oc - oh * 32;
  const icBase = n * 3;
  let acc = 0;
  const wBase = oc * 27;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh * 2 + kh - 1;
    if (ih >= 0 && ih < 64) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow * 2 + kw - 1;
        if (iw >= 0 && iw < 64) {
          const xAt = icBase * 4096 + ih * 64 + iw;
          const wAt = wBase + kh * 3 + kw;
          for (let ic = 0; ic < 3; ic++) {
            acc += x[xAt + ic * 4096] * weight[wAt + ic * 9];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  if (v < 0) { v = 0; }
  return v;
}

// output [16384], arguments relu, block1.depthwise+block1.bn1.weight, block1.depthwise+block1.bn1.bias
function conv2d_block1_depthwise(x, weight, bias) {
  // conv2d block1.depthwise + block1.bn1 + block1.relu1: [1, 16, 32, 32] -> [1, 16, 32, 32]
  // kernel 3x3, stride 1x1, pads [1, 1, 1, 1], dilation 1x1, groups 16, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 16384);
  const r_n = i - n * 16384;
  const oc = Math.floor((r_n + 0.5) / 1024);
  const r_oc = r_n - oc * 1024;
  const oh = Math.floor((r_oc + 0.5) / 32);
  const ow = r_oc - oh * 32;
  const icBase = n * 16 + oc * 1;
  let acc = 0;
  const wBase = oc * 9;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh + kh - 1;
    if (ih >= 0 && ih < 32) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow + kw - 1;
        if (iw >= 0 && iw < 32) {
          const xAt = icBase * 1024 + ih * 32 + iw;
          const wAt = wBase + kh * 3 + kw;
          for (let ic = 0; ic < 1; ic++) {
            acc += x[xAt + ic * 1024] * weight[wAt + ic * 9];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  if (v < 0) { v = 0; }
  return v;
}

// output [32768], arguments block1.relu1, block1.pointwise+block1.bn2.weight, block1.pointwise+block1.bn2.bias
function conv2d_block1_pointwise(x, weight, bias) {
  // conv2d block1.pointwise + block1.bn2 + block1.relu2: [1, 16, 32, 32] -> [1, 32, 32, 32]
  // kernel 1x1, stride 1x1, pads [0, 0, 0, 0], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 32768);
  const r_n = i - n * 32768;
  const oc = Math.floor((r_n + 0.5) / 1024);
  const r_oc = r_n - oc * 1024;
  const oh = Math.floor((r_oc + 0.5) / 32);
  const ow = r_oc - oh * 32;
  const icBase = n * 16;
  let acc = 0;
  const wBase = oc * 16;
  for (let kh = 0; kh < 1; kh++) {
    const ih = oh + kh;
    if (ih >= 0 && ih < 32) {
      for (let kw = 0; kw < 1; kw++) {
        const iw = ow + kw;
        if (iw >= 0 && iw < 32) {
          const xAt = icBase * 1024 + ih * 32 + iw;
          const wAt = wBase + kh * 1 + kw;
          for (let ic = 0; ic < 16; ic++) {
            acc += x[xAt + ic * 1024] * weight[wAt + ic * 1];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  if (v < 0) { v = 0; }
  return v;
}

// output [8192], arguments block1.relu2, block2.depthwise+block2.bn1.weight, block2.depthwise+block2.bn1.bias
function conv2d_block2_depthwise(x, weight, bias) {
  // conv2d block2.depthwise + block2.bn1 + block2.relu1: [1, 32, 32, 32] -> [1, 32, 16, 16]
  // kernel 3x3, stride 2x2, pads [1, 1, 1, 1], dilation 1x1, groups 32, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 8192);
  const r_n = i - n * 8192;
  const oc = Math.floor((r_n + 0.5) / 256);
  const r_oc = r_n - oc * 256;
  const oh = Math.floor((r_oc + 0.5) / 16);
  const ow = r_oc - oh * 16;
  const icBase = n * 32 + oc * 1;
  let acc = 0;
  const wBase = oc * 9;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh * 2 + kh - 1;
    if (ih >= 0 && ih < 32) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow * 2 + kw - 1;
        if (iw >= 0 && iw < 32) {
          const xAt = icBase * 1024 + ih * 32 + iw;
          const wAt = wBase + kh * 3 + kw;
          for (let ic = 0; ic < 1; ic++) {
            acc += x[xAt + ic * 1024] * weight[wAt + ic * 9];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  if (v < 0) { v = 0; }
  return v;
}

// output [16384], arguments block2.relu1, block2.pointwise+block2.bn2.weight, block2.pointwise+block2.bn2.bias
function conv2d_block2_pointwise(x, weight, bias) {
  // conv2d block2.pointwise + block2.bn2 + block2.relu2: [1, 32, 16, 16] -> [1, 64, 16, 16]
  // kernel 1x1, stride 1x1, pads [0, 0, 0, 0], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 16384);
  const r_n = i - n * 16384;
  const oc = Math.floor((r_n + 0.5) / 256);
  const r_oc = r_n - oc * 256;
  const oh = Math.floor((r_oc + 0.5) / 16);
  const ow = r_oc - oh * 16;
  const icBase = n * 32;
  let acc = 0;
  const wBase = oc * 32;
  for (let kh = 0; kh < 1; kh++) {
    const ih = oh + kh;
    if (ih >= 0 && ih < 16) {
      for (let kw = 0; kw < 1; kw++) {
        const iw = ow + kw;
        if (iw >= 0 && iw < 16) {
          const xAt = icBase * 256 + ih * 16 + iw;
          const wAt = wBase + kh * 1 + kw;
          for (let ic = 0; ic < 32; ic++) {
            acc += x[xAt + ic * 256] * weight[wAt + ic * 1];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  if (v < 0) { v = 0; }
  return v;
}
