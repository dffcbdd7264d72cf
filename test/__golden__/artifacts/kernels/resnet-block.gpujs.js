// output [65536], arguments x, conv1+bn1.weight, conv1+bn1.bias
function conv2d_conv1(x, weight, bias) {
  // conv2d conv1 + bn1 + relu: [1, 3, 64, 64] -> [1, 16, 64, 64]
  // kernel 3x3, stride 1x1, pads [1, 1, 1, 1], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 65536);
  const r_n = i - n * 65536;
  const oc = Math.floor((r_n + 0.5) / 4096);
  const r_oc = r_n - oc * 4096;
  const oh = Math.floor((r_oc + 0.5) / 64);
  const ow = r_oc - oh * 64;
  const icBase = n * 3;
  let acc = 0;
  const wBase = oc * 27;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh + kh - 1;
    if (ih >= 0 && ih < 64) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow + kw - 1;
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

// output [65536], arguments relu, layer1.conv1+layer1.bn1.weight, layer1.conv1+layer1.bn1.bias
function conv2d_layer1_conv1(x, weight, bias) {
  // conv2d layer1.conv1 + layer1.bn1 + layer1.relu1: [1, 16, 64, 64] -> [1, 16, 64, 64]
  // kernel 3x3, stride 1x1, pads [1, 1, 1, 1], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 65536);
  const r_n = i - n * 65536;
  const oc = Math.floor((r_n + 0.5) / 4096);
  const r_oc = r_n - oc * 4096;
  const oh = Math.floor((r_oc + 0.5) / 64);
  const ow = r_oc - oh * 64;
  const icBase = n * 16;
  let acc = 0;
  const wBase = oc * 144;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh + kh - 1;
    if (ih >= 0 && ih < 64) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow + kw - 1;
        if (iw >= 0 && iw < 64) {
          const xAt = icBase * 4096 + ih * 64 + iw;
          const wAt = wBase + kh * 3 + kw;
          for (let ic = 0; ic < 16; ic++) {
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

// output [65536], arguments layer1.relu1, layer1.conv2+layer1.bn2.weight, layer1.conv2+layer1.bn2.bias, relu
function conv2d_layer1_conv2(x, weight, bias, residual) {
  // conv2d layer1.conv2 + layer1.bn2 + layer1.add + layer1.relu2: [1, 16, 64, 64] -> [1, 16, 64, 64]
  // kernel 3x3, stride 1x1, pads [1, 1, 1, 1], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: + residual relu, then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 65536);
  const r_n = i - n * 65536;
  const oc = Math.floor((r_n + 0.5) / 4096);
  const r_oc = r_n - oc * 4096;
  const oh = Math.floor((r_oc + 0.5) / 64);
  const ow = r_oc - oh * 64;
  const icBase = n * 16;
  let acc = 0;
  const wBase = oc * 144;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh + kh - 1;
    if (ih >= 0 && ih < 64) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow + kw - 1;
        if (iw >= 0 && iw < 64) {
          const xAt = icBase * 4096 + ih * 64 + iw;
          const wAt = wBase + kh * 3 + kw;
          for (let ic = 0; ic < 16; ic++) {
            acc += x[xAt + ic * 4096] * weight[wAt + ic * 9];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  v = v + residual[i];
  if (v < 0) { v = 0; }
  return v;
}

// output [65536], arguments layer1.relu2, layer2.conv1+layer2.bn1.weight, layer2.conv1+layer2.bn1.bias
function conv2d_layer2_conv1(x, weight, bias) {
  // conv2d layer2.conv1 + layer2.bn1 + layer2.relu1: [1, 16, 64, 64] -> [1, 16, 64, 64]
  // kernel 3x3, stride 1x1, pads [1, 1, 1, 1], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 65536);
  const r_n = i - n * 65536;
  const oc = Math.floor((r_n + 0.5) / 4096);
  const r_oc = r_n - oc * 4096;
  const oh = Math.floor((r_oc + 0.5) / 64);
  const ow = r_oc - oh * 64;
  const icBase = n * 16;
  let acc = 0;
  const wBase = oc * 144;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh + kh - 1;
    if (ih >= 0 && ih < 64) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow + kw - 1;
        if (iw >= 0 && iw < 64) {
          const xAt = icBase * 4096 + ih * 64 + iw;
          const wAt = wBase + kh * 3 + kw;
          for (let ic = 0; ic < 16; ic++) {
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

// output [65536], arguments layer2.relu1, layer2.conv2+layer2.bn2.weight, layer2.conv2+layer2.bn2.bias, layer1.relu2
function conv2d_layer2_conv2(x, weight, bias, residual) {
  // conv2d layer2.conv2 + layer2.bn2 + layer2.add + layer2.relu2: [1, 16, 64, 64] -> [1, 16, 64, 64]
  // kernel 3x3, stride 1x1, pads [1, 1, 1, 1], dilation 1x1, groups 1, padding_mode zeros
  // epilogue: + residual layer1.relu2, then relu
  const i = this.thread.x;
  const n = Math.floor((i + 0.5) / 65536);
  const r_n = i - n * 65536;
  const oc = Math.floor((r_n + 0.5) / 4096);
  const r_oc = r_n - oc * 4096;
  const oh = Math.floor((r_oc + 0.5) / 64);
  const ow = r_oc - oh * 64;
  const icBase = n * 16;
  let acc = 0;
  const wBase = oc * 144;
  for (let kh = 0; kh < 3; kh++) {
    const ih = oh + kh - 1;
    if (ih >= 0 && ih < 64) {
      for (let kw = 0; kw < 3; kw++) {
        const iw = ow + kw - 1;
        if (iw >= 0 && iw < 64) {
          const xAt = icBase * 4096 + ih * 64 + iw;
          const wAt = wBase + kh * 3 + kw;
          for (let ic = 0; ic < 16; ic++) {
            acc += x[xAt + ic * 4096] * weight[wAt + ic * 9];
          }
        }
      }
    }
  }
  let v = acc + bias[oc];
  v = v + residual[i];
  if (v < 0) { v = 0; }
  return v;
}
