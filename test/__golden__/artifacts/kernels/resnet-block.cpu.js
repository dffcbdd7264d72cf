// cnnc CPU program for model ResNetBlocks

// conv2d: conv1, bn1, relu
// [1, 3, 64, 64] -> [1, 16, 64, 64], epilogue: then relu
// params: p_weight = conv1+bn1.weight; p_bias = conv1+bn1.bias
function k0_conv1_bn1_relu(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 12288, ob = n * 65536;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 16; oc += 8) {
      const op = ob + oc * 4096;
      out.fill(p_bias[oc], op, op + 4096);
      out.fill(p_bias[oc + 1], op + 4096, op + 8192);
      out.fill(p_bias[oc + 2], op + 8192, op + 12288);
      out.fill(p_bias[oc + 3], op + 12288, op + 16384);
      out.fill(p_bias[oc + 4], op + 16384, op + 20480);
      out.fill(p_bias[oc + 5], op + 20480, op + 24576);
      out.fill(p_bias[oc + 6], op + 24576, op + 28672);
      out.fill(p_bias[oc + 7], op + 28672, op + 32768);
      for (let c = 0; c < 3; c++) {
        const xc = xg + c * 4096, wc = oc * 27 + c * 9;
        const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2];
        const w0_1_0 = p_weight[wc + 3], w0_1_1 = p_weight[wc + 4], w0_1_2 = p_weight[wc + 5];
        const w0_2_0 = p_weight[wc + 6], w0_2_1 = p_weight[wc + 7], w0_2_2 = p_weight[wc + 8];
        const w1_0_0 = p_weight[wc + 27], w1_0_1 = p_weight[wc + 28], w1_0_2 = p_weight[wc + 29];
        const w1_1_0 = p_weight[wc + 30], w1_1_1 = p_weight[wc + 31], w1_1_2 = p_weight[wc + 32];
        const w1_2_0 = p_weight[wc + 33], w1_2_1 = p_weight[wc + 34], w1_2_2 = p_weight[wc + 35];
        const w2_0_0 = p_weight[wc + 54], w2_0_1 = p_weight[wc + 55], w2_0_2 = p_weight[wc + 56];
        const w2_1_0 = p_weight[wc + 57], w2_1_1 = p_weight[wc + 58], w2_1_2 = p_weight[wc + 59];
        const w2_2_0 = p_weight[wc + 60], w2_2_1 = p_weight[wc + 61], w2_2_2 = p_weight[wc + 62];
        const w3_0_0 = p_weight[wc + 81], w3_0_1 = p_weight[wc + 82], w3_0_2 = p_weight[wc + 83];
        const w3_1_0 = p_weight[wc + 84], w3_1_1 = p_weight[wc + 85], w3_1_2 = p_weight[wc + 86];
        const w3_2_0 = p_weight[wc + 87], w3_2_1 = p_weight[wc + 88], w3_2_2 = p_weight[wc + 89];
        const w4_0_0 = p_weight[wc + 108], w4_0_1 = p_weight[wc + 109], w4_0_2 = p_weight[wc + 110];
        const w4_1_0 = p_weight[wc + 111], w4_1_1 = p_weight[wc + 112], w4_1_2 = p_weight[wc + 113];
        const w4_2_0 = p_weight[wc + 114], w4_2_1 = p_weight[wc + 115], w4_2_2 = p_weight[wc + 116];
        const w5_0_0 = p_weight[wc + 135], w5_0_1 = p_weight[wc + 136], w5_0_2 = p_weight[wc + 137];
        const w5_1_0 = p_weight[wc + 138], w5_1_1 = p_weight[wc + 139], w5_1_2 = p_weight[wc + 140];
        const w5_2_0 = p_weight[wc + 141], w5_2_1 = p_weight[wc + 142], w5_2_2 = p_weight[wc + 143];
        const w6_0_0 = p_weight[wc + 162], w6_0_1 = p_weight[wc + 163], w6_0_2 = p_weight[wc + 164];
        const w6_1_0 = p_weight[wc + 165], w6_1_1 = p_weight[wc + 166], w6_1_2 = p_weight[wc + 167];
        const w6_2_0 = p_weight[wc + 168], w6_2_1 = p_weight[wc + 169], w6_2_2 = p_weight[wc + 170];
        const w7_0_0 = p_weight[wc + 189], w7_0_1 = p_weight[wc + 190], w7_0_2 = p_weight[wc + 191];
        const w7_1_0 = p_weight[wc + 192], w7_1_1 = p_weight[wc + 193], w7_1_2 = p_weight[wc + 194];
        const w7_2_0 = p_weight[wc + 195], w7_2_1 = p_weight[wc + 196], w7_2_2 = p_weight[wc + 197];
        // border rows (1 at the top, 1 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 2; r++) {
          const oh = r < 1 ? r : r + 62;
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          const ih0 = oh - 1;
          const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(3, 64 - ih0);
          for (let kh = khLo; kh < khHi; kh++) {
            const xk = xr + kh * 64, wk = wc + kh * 3;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2];
            const v1_0 = p_weight[wk + 27], v1_1 = p_weight[wk + 28], v1_2 = p_weight[wk + 29];
            const v2_0 = p_weight[wk + 54], v2_1 = p_weight[wk + 55], v2_2 = p_weight[wk + 56];
            const v3_0 = p_weight[wk + 81], v3_1 = p_weight[wk + 82], v3_2 = p_weight[wk + 83];
            const v4_0 = p_weight[wk + 108], v4_1 = p_weight[wk + 109], v4_2 = p_weight[wk + 110];
            const v5_0 = p_weight[wk + 135], v5_1 = p_weight[wk + 136], v5_2 = p_weight[wk + 137];
            const v6_0 = p_weight[wk + 162], v6_1 = p_weight[wk + 163], v6_2 = p_weight[wk + 164];
            const v7_0 = p_weight[wk + 189], v7_1 = p_weight[wk + 190], v7_2 = p_weight[wk + 191];
            for (let ow = 1, xi = xk, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3;
              out[o + 4096] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2;
              out[o + 4097] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3;
              out[o + 8192] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2;
              out[o + 8193] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3;
              out[o + 12288] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2;
              out[o + 12289] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3;
              out[o + 16384] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2;
              out[o + 16385] += v4_0 * x1 + v4_1 * x2 + v4_2 * x3;
              out[o + 20480] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2;
              out[o + 20481] += v5_0 * x1 + v5_1 * x2 + v5_2 * x3;
              out[o + 24576] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2;
              out[o + 24577] += v6_0 * x1 + v6_1 * x2 + v6_2 * x3;
              out[o + 28672] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2;
              out[o + 28673] += v7_0 * x1 + v7_1 * x2 + v7_2 * x3;
            }
            for (let i = 0; i < 2; i++) {
              const ow = i < 1 ? i : i + 62;
              const iw0 = ow - 1;
              let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 27] * t;
                s2 += p_weight[wk + kw + 54] * t;
                s3 += p_weight[wk + kw + 81] * t;
                s4 += p_weight[wk + kw + 108] * t;
                s5 += p_weight[wk + kw + 135] * t;
                s6 += p_weight[wk + kw + 162] * t;
                s7 += p_weight[wk + kw + 189] * t;
              }
              out[orow + ow] += s0;
              out[orow + ow + 4096] += s1;
              out[orow + ow + 8192] += s2;
              out[orow + ow + 12288] += s3;
              out[orow + ow + 16384] += s4;
              out[orow + ow + 20480] += s5;
              out[orow + ow + 24576] += s6;
              out[orow + ow + 28672] += s7;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 63; oh++) {
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          for (let ow = 1, xi = xr, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x1_0 = in0[xi + 64], x1_1 = in0[xi + 65], x1_2 = in0[xi + 66], x1_3 = in0[xi + 67], x2_0 = in0[xi + 128], x2_1 = in0[xi + 129], x2_2 = in0[xi + 130], x2_3 = in0[xi + 131];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_1 + w0_0_1 * x0_2 + w0_0_2 * x0_3) +
              (w0_1_0 * x1_1 + w0_1_1 * x1_2 + w0_1_2 * x1_3) +
              (w0_2_0 * x2_1 + w0_2_1 * x2_2 + w0_2_2 * x2_3);
            out[o + 4096] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2) +
              (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2) +
              (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2);
            out[o + 4097] += (w1_0_0 * x0_1 + w1_0_1 * x0_2 + w1_0_2 * x0_3) +
              (w1_1_0 * x1_1 + w1_1_1 * x1_2 + w1_1_2 * x1_3) +
              (w1_2_0 * x2_1 + w1_2_1 * x2_2 + w1_2_2 * x2_3);
            out[o + 8192] += (w2_0_0 * x0_0 + w2_0_1 * x0_1 + w2_0_2 * x0_2) +
              (w2_1_0 * x1_0 + w2_1_1 * x1_1 + w2_1_2 * x1_2) +
              (w2_2_0 * x2_0 + w2_2_1 * x2_1 + w2_2_2 * x2_2);
            out[o + 8193] += (w2_0_0 * x0_1 + w2_0_1 * x0_2 + w2_0_2 * x0_3) +
              (w2_1_0 * x1_1 + w2_1_1 * x1_2 + w2_1_2 * x1_3) +
              (w2_2_0 * x2_1 + w2_2_1 * x2_2 + w2_2_2 * x2_3);
            out[o + 12288] += (w3_0_0 * x0_0 + w3_0_1 * x0_1 + w3_0_2 * x0_2) +
              (w3_1_0 * x1_0 + w3_1_1 * x1_1 + w3_1_2 * x1_2) +
              (w3_2_0 * x2_0 + w3_2_1 * x2_1 + w3_2_2 * x2_2);
            out[o + 12289] += (w3_0_0 * x0_1 + w3_0_1 * x0_2 + w3_0_2 * x0_3) +
              (w3_1_0 * x1_1 + w3_1_1 * x1_2 + w3_1_2 * x1_3) +
              (w3_2_0 * x2_1 + w3_2_1 * x2_2 + w3_2_2 * x2_3);
            out[o + 16384] += (w4_0_0 * x0_0 + w4_0_1 * x0_1 + w4_0_2 * x0_2) +
              (w4_1_0 * x1_0 + w4_1_1 * x1_1 + w4_1_2 * x1_2) +
              (w4_2_0 * x2_0 + w4_2_1 * x2_1 + w4_2_2 * x2_2);
            out[o + 16385] += (w4_0_0 * x0_1 + w4_0_1 * x0_2 + w4_0_2 * x0_3) +
              (w4_1_0 * x1_1 + w4_1_1 * x1_2 + w4_1_2 * x1_3) +
              (w4_2_0 * x2_1 + w4_2_1 * x2_2 + w4_2_2 * x2_3);
            out[o + 20480] += (w5_0_0 * x0_0 + w5_0_1 * x0_1 + w5_0_2 * x0_2) +
              (w5_1_0 * x1_0 + w5_1_1 * x1_1 + w5_1_2 * x1_2) +
              (w5_2_0 * x2_0 + w5_2_1 * x2_1 + w5_2_2 * x2_2);
            out[o + 20481] += (w5_0_0 * x0_1 + w5_0_1 * x0_2 + w5_0_2 * x0_3) +
              (w5_1_0 * x1_1 + w5_1_1 * x1_2 + w5_1_2 * x1_3) +
              (w5_2_0 * x2_1 + w5_2_1 * x2_2 + w5_2_2 * x2_3);
            out[o + 24576] += (w6_0_0 * x0_0 + w6_0_1 * x0_1 + w6_0_2 * x0_2) +
              (w6_1_0 * x1_0 + w6_1_1 * x1_1 + w6_1_2 * x1_2) +
              (w6_2_0 * x2_0 + w6_2_1 * x2_1 + w6_2_2 * x2_2);
            out[o + 24577] += (w6_0_0 * x0_1 + w6_0_1 * x0_2 + w6_0_2 * x0_3) +
              (w6_1_0 * x1_1 + w6_1_1 * x1_2 + w6_1_2 * x1_3) +
              (w6_2_0 * x2_1 + w6_2_1 * x2_2 + w6_2_2 * x2_3);
            out[o + 28672] += (w7_0_0 * x0_0 + w7_0_1 * x0_1 + w7_0_2 * x0_2) +
              (w7_1_0 * x1_0 + w7_1_1 * x1_1 + w7_1_2 * x1_2) +
              (w7_2_0 * x2_0 + w7_2_1 * x2_1 + w7_2_2 * x2_2);
            out[o + 28673] += (w7_0_0 * x0_1 + w7_0_1 * x0_2 + w7_0_2 * x0_3) +
              (w7_1_0 * x1_1 + w7_1_1 * x1_2 + w7_1_2 * x1_3) +
              (w7_2_0 * x2_1 + w7_2_1 * x2_2 + w7_2_2 * x2_3);
          }
          for (let i = 0; i < 2; i++) {
            const ow = i < 1 ? i : i + 62;
            const iw0 = ow - 1;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (let kh = 0; kh < 3; kh++) {
              const xk = xr + kh * 64, wk = wc + kh * 3;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 27] * t;
                s2 += p_weight[wk + kw + 54] * t;
                s3 += p_weight[wk + kw + 81] * t;
                s4 += p_weight[wk + kw + 108] * t;
                s5 += p_weight[wk + kw + 135] * t;
                s6 += p_weight[wk + kw + 162] * t;
                s7 += p_weight[wk + kw + 189] * t;
              }
            }
            out[orow + ow] += s0;
            out[orow + ow + 4096] += s1;
            out[orow + ow + 8192] += s2;
            out[orow + ow + 12288] += s3;
            out[orow + ow + 16384] += s4;
            out[orow + ow + 20480] += s5;
            out[orow + ow + 24576] += s6;
            out[orow + ow + 28672] += s7;
          }
        }
      }
      for (let i = op; i < op + 32768; i++) {
        let v = out[i];
        if (v < 0) v = 0;
        out[i] = v;
      }
    }
  }
}

// conv2d: layer1.conv1, layer1.bn1, layer1.relu1
// [1, 16, 64, 64] -> [1, 16, 64, 64], epilogue: then relu
// params: p_weight = layer1.conv1+layer1.bn1.weight; p_bias = layer1.conv1+layer1.bn1.bias
function k1_layer1_conv1_layer1_bn1_layer1_relu1(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 65536, ob = n * 65536;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 16; oc += 8) {
      const op = ob + oc * 4096;
      out.fill(p_bias[oc], op, op + 4096);
      out.fill(p_bias[oc + 1], op + 4096, op + 8192);
      out.fill(p_bias[oc + 2], op + 8192, op + 12288);
      out.fill(p_bias[oc + 3], op + 12288, op + 16384);
      out.fill(p_bias[oc + 4], op + 16384, op + 20480);
      out.fill(p_bias[oc + 5], op + 20480, op + 24576);
      out.fill(p_bias[oc + 6], op + 24576, op + 28672);
      out.fill(p_bias[oc + 7], op + 28672, op + 32768);
      for (let c = 0; c < 16; c++) {
        const xc = xg + c * 4096, wc = oc * 144 + c * 9;
        const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2];
        const w0_1_0 = p_weight[wc + 3], w0_1_1 = p_weight[wc + 4], w0_1_2 = p_weight[wc + 5];
        const w0_2_0 = p_weight[wc + 6], w0_2_1 = p_weight[wc + 7], w0_2_2 = p_weight[wc + 8];
        const w1_0_0 = p_weight[wc + 144], w1_0_1 = p_weight[wc + 145], w1_0_2 = p_weight[wc + 146];
        const w1_1_0 = p_weight[wc + 147], w1_1_1 = p_weight[wc + 148], w1_1_2 = p_weight[wc + 149];
        const w1_2_0 = p_weight[wc + 150], w1_2_1 = p_weight[wc + 151], w1_2_2 = p_weight[wc + 152];
        const w2_0_0 = p_weight[wc + 288], w2_0_1 = p_weight[wc + 289], w2_0_2 = p_weight[wc + 290];
        const w2_1_0 = p_weight[wc + 291], w2_1_1 = p_weight[wc + 292], w2_1_2 = p_weight[wc + 293];
        const w2_2_0 = p_weight[wc + 294], w2_2_1 = p_weight[wc + 295], w2_2_2 = p_weight[wc + 296];
        const w3_0_0 = p_weight[wc + 432], w3_0_1 = p_weight[wc + 433], w3_0_2 = p_weight[wc + 434];
        const w3_1_0 = p_weight[wc + 435], w3_1_1 = p_weight[wc + 436], w3_1_2 = p_weight[wc + 437];
        const w3_2_0 = p_weight[wc + 438], w3_2_1 = p_weight[wc + 439], w3_2_2 = p_weight[wc + 440];
        const w4_0_0 = p_weight[wc + 576], w4_0_1 = p_weight[wc + 577], w4_0_2 = p_weight[wc + 578];
        const w4_1_0 = p_weight[wc + 579], w4_1_1 = p_weight[wc + 580], w4_1_2 = p_weight[wc + 581];
        const w4_2_0 = p_weight[wc + 582], w4_2_1 = p_weight[wc + 583], w4_2_2 = p_weight[wc + 584];
        const w5_0_0 = p_weight[wc + 720], w5_0_1 = p_weight[wc + 721], w5_0_2 = p_weight[wc + 722];
        const w5_1_0 = p_weight[wc + 723], w5_1_1 = p_weight[wc + 724], w5_1_2 = p_weight[wc + 725];
        const w5_2_0 = p_weight[wc + 726], w5_2_1 = p_weight[wc + 727], w5_2_2 = p_weight[wc + 728];
        const w6_0_0 = p_weight[wc + 864], w6_0_1 = p_weight[wc + 865], w6_0_2 = p_weight[wc + 866];
        const w6_1_0 = p_weight[wc + 867], w6_1_1 = p_weight[wc + 868], w6_1_2 = p_weight[wc + 869];
        const w6_2_0 = p_weight[wc + 870], w6_2_1 = p_weight[wc + 871], w6_2_2 = p_weight[wc + 872];
        const w7_0_0 = p_weight[wc + 1008], w7_0_1 = p_weight[wc + 1009], w7_0_2 = p_weight[wc + 1010];
        const w7_1_0 = p_weight[wc + 1011], w7_1_1 = p_weight[wc + 1012], w7_1_2 = p_weight[wc + 1013];
        const w7_2_0 = p_weight[wc + 1014], w7_2_1 = p_weight[wc + 1015], w7_2_2 = p_weight[wc + 1016];
        // border rows (1 at the top, 1 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 2; r++) {
          const oh = r < 1 ? r : r + 62;
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          const ih0 = oh - 1;
          const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(3, 64 - ih0);
          for (let kh = khLo; kh < khHi; kh++) {
            const xk = xr + kh * 64, wk = wc + kh * 3;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2];
            const v1_0 = p_weight[wk + 144], v1_1 = p_weight[wk + 145], v1_2 = p_weight[wk + 146];
            const v2_0 = p_weight[wk + 288], v2_1 = p_weight[wk + 289], v2_2 = p_weight[wk + 290];
            const v3_0 = p_weight[wk + 432], v3_1 = p_weight[wk + 433], v3_2 = p_weight[wk + 434];
            const v4_0 = p_weight[wk + 576], v4_1 = p_weight[wk + 577], v4_2 = p_weight[wk + 578];
            const v5_0 = p_weight[wk + 720], v5_1 = p_weight[wk + 721], v5_2 = p_weight[wk + 722];
            const v6_0 = p_weight[wk + 864], v6_1 = p_weight[wk + 865], v6_2 = p_weight[wk + 866];
            const v7_0 = p_weight[wk + 1008], v7_1 = p_weight[wk + 1009], v7_2 = p_weight[wk + 1010];
            for (let ow = 1, xi = xk, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3;
              out[o + 4096] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2;
              out[o + 4097] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3;
              out[o + 8192] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2;
              out[o + 8193] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3;
              out[o + 12288] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2;
              out[o + 12289] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3;
              out[o + 16384] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2;
              out[o + 16385] += v4_0 * x1 + v4_1 * x2 + v4_2 * x3;
              out[o + 20480] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2;
              out[o + 20481] += v5_0 * x1 + v5_1 * x2 + v5_2 * x3;
              out[o + 24576] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2;
              out[o + 24577] += v6_0 * x1 + v6_1 * x2 + v6_2 * x3;
              out[o + 28672] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2;
              out[o + 28673] += v7_0 * x1 + v7_1 * x2 + v7_2 * x3;
            }
            for (let i = 0; i < 2; i++) {
              const ow = i < 1 ? i : i + 62;
              const iw0 = ow - 1;
              let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
              out[orow + ow] += s0;
              out[orow + ow + 4096] += s1;
              out[orow + ow + 8192] += s2;
              out[orow + ow + 12288] += s3;
              out[orow + ow + 16384] += s4;
              out[orow + ow + 20480] += s5;
              out[orow + ow + 24576] += s6;
              out[orow + ow + 28672] += s7;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 63; oh++) {
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          for (let ow = 1, xi = xr, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x1_0 = in0[xi + 64], x1_1 = in0[xi + 65], x1_2 = in0[xi + 66], x1_3 = in0[xi + 67], x2_0 = in0[xi + 128], x2_1 = in0[xi + 129], x2_2 = in0[xi + 130], x2_3 = in0[xi + 131];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_1 + w0_0_1 * x0_2 + w0_0_2 * x0_3) +
              (w0_1_0 * x1_1 + w0_1_1 * x1_2 + w0_1_2 * x1_3) +
              (w0_2_0 * x2_1 + w0_2_1 * x2_2 + w0_2_2 * x2_3);
            out[o + 4096] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2) +
              (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2) +
              (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2);
            out[o + 4097] += (w1_0_0 * x0_1 + w1_0_1 * x0_2 + w1_0_2 * x0_3) +
              (w1_1_0 * x1_1 + w1_1_1 * x1_2 + w1_1_2 * x1_3) +
              (w1_2_0 * x2_1 + w1_2_1 * x2_2 + w1_2_2 * x2_3);
            out[o + 8192] += (w2_0_0 * x0_0 + w2_0_1 * x0_1 + w2_0_2 * x0_2) +
              (w2_1_0 * x1_0 + w2_1_1 * x1_1 + w2_1_2 * x1_2) +
              (w2_2_0 * x2_0 + w2_2_1 * x2_1 + w2_2_2 * x2_2);
            out[o + 8193] += (w2_0_0 * x0_1 + w2_0_1 * x0_2 + w2_0_2 * x0_3) +
              (w2_1_0 * x1_1 + w2_1_1 * x1_2 + w2_1_2 * x1_3) +
              (w2_2_0 * x2_1 + w2_2_1 * x2_2 + w2_2_2 * x2_3);
            out[o + 12288] += (w3_0_0 * x0_0 + w3_0_1 * x0_1 + w3_0_2 * x0_2) +
              (w3_1_0 * x1_0 + w3_1_1 * x1_1 + w3_1_2 * x1_2) +
              (w3_2_0 * x2_0 + w3_2_1 * x2_1 + w3_2_2 * x2_2);
            out[o + 12289] += (w3_0_0 * x0_1 + w3_0_1 * x0_2 + w3_0_2 * x0_3) +
              (w3_1_0 * x1_1 + w3_1_1 * x1_2 + w3_1_2 * x1_3) +
              (w3_2_0 * x2_1 + w3_2_1 * x2_2 + w3_2_2 * x2_3);
            out[o + 16384] += (w4_0_0 * x0_0 + w4_0_1 * x0_1 + w4_0_2 * x0_2) +
              (w4_1_0 * x1_0 + w4_1_1 * x1_1 + w4_1_2 * x1_2) +
              (w4_2_0 * x2_0 + w4_2_1 * x2_1 + w4_2_2 * x2_2);
            out[o + 16385] += (w4_0_0 * x0_1 + w4_0_1 * x0_2 + w4_0_2 * x0_3) +
              (w4_1_0 * x1_1 + w4_1_1 * x1_2 + w4_1_2 * x1_3) +
              (w4_2_0 * x2_1 + w4_2_1 * x2_2 + w4_2_2 * x2_3);
            out[o + 20480] += (w5_0_0 * x0_0 + w5_0_1 * x0_1 + w5_0_2 * x0_2) +
              (w5_1_0 * x1_0 + w5_1_1 * x1_1 + w5_1_2 * x1_2) +
              (w5_2_0 * x2_0 + w5_2_1 * x2_1 + w5_2_2 * x2_2);
            out[o + 20481] += (w5_0_0 * x0_1 + w5_0_1 * x0_2 + w5_0_2 * x0_3) +
              (w5_1_0 * x1_1 + w5_1_1 * x1_2 + w5_1_2 * x1_3) +
              (w5_2_0 * x2_1 + w5_2_1 * x2_2 + w5_2_2 * x2_3);
            out[o + 24576] += (w6_0_0 * x0_0 + w6_0_1 * x0_1 + w6_0_2 * x0_2) +
              (w6_1_0 * x1_0 + w6_1_1 * x1_1 + w6_1_2 * x1_2) +
              (w6_2_0 * x2_0 + w6_2_1 * x2_1 + w6_2_2 * x2_2);
            out[o + 24577] += (w6_0_0 * x0_1 + w6_0_1 * x0_2 + w6_0_2 * x0_3) +
              (w6_1_0 * x1_1 + w6_1_1 * x1_2 + w6_1_2 * x1_3) +
              (w6_2_0 * x2_1 + w6_2_1 * x2_2 + w6_2_2 * x2_3);
            out[o + 28672] += (w7_0_0 * x0_0 + w7_0_1 * x0_1 + w7_0_2 * x0_2) +
              (w7_1_0 * x1_0 + w7_1_1 * x1_1 + w7_1_2 * x1_2) +
              (w7_2_0 * x2_0 + w7_2_1 * x2_1 + w7_2_2 * x2_2);
            out[o + 28673] += (w7_0_0 * x0_1 + w7_0_1 * x0_2 + w7_0_2 * x0_3) +
              (w7_1_0 * x1_1 + w7_1_1 * x1_2 + w7_1_2 * x1_3) +
              (w7_2_0 * x2_1 + w7_2_1 * x2_2 + w7_2_2 * x2_3);
          }
          for (let i = 0; i < 2; i++) {
            const ow = i < 1 ? i : i + 62;
            const iw0 = ow - 1;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (let kh = 0; kh < 3; kh++) {
              const xk = xr + kh * 64, wk = wc + kh * 3;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
            }
            out[orow + ow] += s0;
            out[orow + ow + 4096] += s1;
            out[orow + ow + 8192] += s2;
            out[orow + ow + 12288] += s3;
            out[orow + ow + 16384] += s4;
            out[orow + ow + 20480] += s5;
            out[orow + ow + 24576] += s6;
            out[orow + ow + 28672] += s7;
          }
        }
      }
      for (let i = op; i < op + 32768; i++) {
        let v = out[i];
        if (v < 0) v = 0;
        out[i] = v;
      }
    }
  }
}

// conv2d: layer1.conv2, layer1.bn2, layer1.add, layer1.relu2
// [1, 16, 64, 64] -> [1, 16, 64, 64], epilogue: + residual then relu
// params: p_weight = layer1.conv2+layer1.bn2.weight; p_bias = layer1.conv2+layer1.bn2.bias
function k2_layer1_conv2_layer1_bn2_layer1_add_layer(out, in0, res, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 65536, ob = n * 65536;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 16; oc += 8) {
      const op = ob + oc * 4096;
      out.fill(p_bias[oc], op, op + 4096);
      out.fill(p_bias[oc + 1], op + 4096, op + 8192);
      out.fill(p_bias[oc + 2], op + 8192, op + 12288);
      out.fill(p_bias[oc + 3], op + 12288, op + 16384);
      out.fill(p_bias[oc + 4], op + 16384, op + 20480);
      out.fill(p_bias[oc + 5], op + 20480, op + 24576);
      out.fill(p_bias[oc + 6], op + 24576, op + 28672);
      out.fill(p_bias[oc + 7], op + 28672, op + 32768);
      for (let c = 0; c < 16; c++) {
        const xc = xg + c * 4096, wc = oc * 144 + c * 9;
        const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2];
        const w0_1_0 = p_weight[wc + 3], w0_1_1 = p_weight[wc + 4], w0_1_2 = p_weight[wc + 5];
        const w0_2_0 = p_weight[wc + 6], w0_2_1 = p_weight[wc + 7], w0_2_2 = p_weight[wc + 8];
        const w1_0_0 = p_weight[wc + 144], w1_0_1 = p_weight[wc + 145], w1_0_2 = p_weight[wc + 146];
        const w1_1_0 = p_weight[wc + 147], w1_1_1 = p_weight[wc + 148], w1_1_2 = p_weight[wc + 149];
        const w1_2_0 = p_weight[wc + 150], w1_2_1 = p_weight[wc + 151], w1_2_2 = p_weight[wc + 152];
        const w2_0_0 = p_weight[wc + 288], w2_0_1 = p_weight[wc + 289], w2_0_2 = p_weight[wc + 290];
        const w2_1_0 = p_weight[wc + 291], w2_1_1 = p_weight[wc + 292], w2_1_2 = p_weight[wc + 293];
        const w2_2_0 = p_weight[wc + 294], w2_2_1 = p_weight[wc + 295], w2_2_2 = p_weight[wc + 296];
        const w3_0_0 = p_weight[wc + 432], w3_0_1 = p_weight[wc + 433], w3_0_2 = p_weight[wc + 434];
        const w3_1_0 = p_weight[wc + 435], w3_1_1 = p_weight[wc + 436], w3_1_2 = p_weight[wc + 437];
        const w3_2_0 = p_weight[wc + 438], w3_2_1 = p_weight[wc + 439], w3_2_2 = p_weight[wc + 440];
        const w4_0_0 = p_weight[wc + 576], w4_0_1 = p_weight[wc + 577], w4_0_2 = p_weight[wc + 578];
        const w4_1_0 = p_weight[wc + 579], w4_1_1 = p_weight[wc + 580], w4_1_2 = p_weight[wc + 581];
        const w4_2_0 = p_weight[wc + 582], w4_2_1 = p_weight[wc + 583], w4_2_2 = p_weight[wc + 584];
        const w5_0_0 = p_weight[wc + 720], w5_0_1 = p_weight[wc + 721], w5_0_2 = p_weight[wc + 722];
        const w5_1_0 = p_weight[wc + 723], w5_1_1 = p_weight[wc + 724], w5_1_2 = p_weight[wc + 725];
        const w5_2_0 = p_weight[wc + 726], w5_2_1 = p_weight[wc + 727], w5_2_2 = p_weight[wc + 728];
        const w6_0_0 = p_weight[wc + 864], w6_0_1 = p_weight[wc + 865], w6_0_2 = p_weight[wc + 866];
        const w6_1_0 = p_weight[wc + 867], w6_1_1 = p_weight[wc + 868], w6_1_2 = p_weight[wc + 869];
        const w6_2_0 = p_weight[wc + 870], w6_2_1 = p_weight[wc + 871], w6_2_2 = p_weight[wc + 872];
        const w7_0_0 = p_weight[wc + 1008], w7_0_1 = p_weight[wc + 1009], w7_0_2 = p_weight[wc + 1010];
        const w7_1_0 = p_weight[wc + 1011], w7_1_1 = p_weight[wc + 1012], w7_1_2 = p_weight[wc + 1013];
        const w7_2_0 = p_weight[wc + 1014], w7_2_1 = p_weight[wc + 1015], w7_2_2 = p_weight[wc + 1016];
        // border rows (1 at the top, 1 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 2; r++) {
          const oh = r < 1 ? r : r + 62;
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          const ih0 = oh - 1;
          const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(3, 64 - ih0);
          for (let kh = khLo; kh < khHi; kh++) {
            const xk = xr + kh * 64, wk = wc + kh * 3;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2];
            const v1_0 = p_weight[wk + 144], v1_1 = p_weight[wk + 145], v1_2 = p_weight[wk + 146];
            const v2_0 = p_weight[wk + 288], v2_1 = p_weight[wk + 289], v2_2 = p_weight[wk + 290];
            const v3_0 = p_weight[wk + 432], v3_1 = p_weight[wk + 433], v3_2 = p_weight[wk + 434];
            const v4_0 = p_weight[wk + 576], v4_1 = p_weight[wk + 577], v4_2 = p_weight[wk + 578];
            const v5_0 = p_weight[wk + 720], v5_1 = p_weight[wk + 721], v5_2 = p_weight[wk + 722];
            const v6_0 = p_weight[wk + 864], v6_1 = p_weight[wk + 865], v6_2 = p_weight[wk + 866];
            const v7_0 = p_weight[wk + 1008], v7_1 = p_weight[wk + 1009], v7_2 = p_weight[wk + 1010];
            for (let ow = 1, xi = xk, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3;
              out[o + 4096] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2;
              out[o + 4097] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3;
              out[o + 8192] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2;
              out[o + 8193] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3;
              out[o + 12288] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2;
              out[o + 12289] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3;
              out[o + 16384] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2;
              out[o + 16385] += v4_0 * x1 + v4_1 * x2 + v4_2 * x3;
              out[o + 20480] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2;
              out[o + 20481] += v5_0 * x1 + v5_1 * x2 + v5_2 * x3;
              out[o + 24576] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2;
              out[o + 24577] += v6_0 * x1 + v6_1 * x2 + v6_2 * x3;
              out[o + 28672] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2;
              out[o + 28673] += v7_0 * x1 + v7_1 * x2 + v7_2 * x3;
            }
            for (let i = 0; i < 2; i++) {
              const ow = i < 1 ? i : i + 62;
              const iw0 = ow - 1;
              let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
              out[orow + ow] += s0;
              out[orow + ow + 4096] += s1;
              out[orow + ow + 8192] += s2;
              out[orow + ow + 12288] += s3;
              out[orow + ow + 16384] += s4;
              out[orow + ow + 20480] += s5;
              out[orow + ow + 24576] += s6;
              out[orow + ow + 28672] += s7;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 63; oh++) {
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          for (let ow = 1, xi = xr, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x1_0 = in0[xi + 64], x1_1 = in0[xi + 65], x1_2 = in0[xi + 66], x1_3 = in0[xi + 67], x2_0 = in0[xi + 128], x2_1 = in0[xi + 129], x2_2 = in0[xi + 130], x2_3 = in0[xi + 131];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_1 + w0_0_1 * x0_2 + w0_0_2 * x0_3) +
              (w0_1_0 * x1_1 + w0_1_1 * x1_2 + w0_1_2 * x1_3) +
              (w0_2_0 * x2_1 + w0_2_1 * x2_2 + w0_2_2 * x2_3);
            out[o + 4096] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2) +
              (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2) +
              (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2);
            out[o + 4097] += (w1_0_0 * x0_1 + w1_0_1 * x0_2 + w1_0_2 * x0_3) +
              (w1_1_0 * x1_1 + w1_1_1 * x1_2 + w1_1_2 * x1_3) +
              (w1_2_0 * x2_1 + w1_2_1 * x2_2 + w1_2_2 * x2_3);
            out[o + 8192] += (w2_0_0 * x0_0 + w2_0_1 * x0_1 + w2_0_2 * x0_2) +
              (w2_1_0 * x1_0 + w2_1_1 * x1_1 + w2_1_2 * x1_2) +
              (w2_2_0 * x2_0 + w2_2_1 * x2_1 + w2_2_2 * x2_2);
            out[o + 8193] += (w2_0_0 * x0_1 + w2_0_1 * x0_2 + w2_0_2 * x0_3) +
              (w2_1_0 * x1_1 + w2_1_1 * x1_2 + w2_1_2 * x1_3) +
              (w2_2_0 * x2_1 + w2_2_1 * x2_2 + w2_2_2 * x2_3);
            out[o + 12288] += (w3_0_0 * x0_0 + w3_0_1 * x0_1 + w3_0_2 * x0_2) +
              (w3_1_0 * x1_0 + w3_1_1 * x1_1 + w3_1_2 * x1_2) +
              (w3_2_0 * x2_0 + w3_2_1 * x2_1 + w3_2_2 * x2_2);
            out[o + 12289] += (w3_0_0 * x0_1 + w3_0_1 * x0_2 + w3_0_2 * x0_3) +
              (w3_1_0 * x1_1 + w3_1_1 * x1_2 + w3_1_2 * x1_3) +
              (w3_2_0 * x2_1 + w3_2_1 * x2_2 + w3_2_2 * x2_3);
            out[o + 16384] += (w4_0_0 * x0_0 + w4_0_1 * x0_1 + w4_0_2 * x0_2) +
              (w4_1_0 * x1_0 + w4_1_1 * x1_1 + w4_1_2 * x1_2) +
              (w4_2_0 * x2_0 + w4_2_1 * x2_1 + w4_2_2 * x2_2);
            out[o + 16385] += (w4_0_0 * x0_1 + w4_0_1 * x0_2 + w4_0_2 * x0_3) +
              (w4_1_0 * x1_1 + w4_1_1 * x1_2 + w4_1_2 * x1_3) +
              (w4_2_0 * x2_1 + w4_2_1 * x2_2 + w4_2_2 * x2_3);
            out[o + 20480] += (w5_0_0 * x0_0 + w5_0_1 * x0_1 + w5_0_2 * x0_2) +
              (w5_1_0 * x1_0 + w5_1_1 * x1_1 + w5_1_2 * x1_2) +
              (w5_2_0 * x2_0 + w5_2_1 * x2_1 + w5_2_2 * x2_2);
            out[o + 20481] += (w5_0_0 * x0_1 + w5_0_1 * x0_2 + w5_0_2 * x0_3) +
              (w5_1_0 * x1_1 + w5_1_1 * x1_2 + w5_1_2 * x1_3) +
              (w5_2_0 * x2_1 + w5_2_1 * x2_2 + w5_2_2 * x2_3);
            out[o + 24576] += (w6_0_0 * x0_0 + w6_0_1 * x0_1 + w6_0_2 * x0_2) +
              (w6_1_0 * x1_0 + w6_1_1 * x1_1 + w6_1_2 * x1_2) +
              (w6_2_0 * x2_0 + w6_2_1 * x2_1 + w6_2_2 * x2_2);
            out[o + 24577] += (w6_0_0 * x0_1 + w6_0_1 * x0_2 + w6_0_2 * x0_3) +
              (w6_1_0 * x1_1 + w6_1_1 * x1_2 + w6_1_2 * x1_3) +
              (w6_2_0 * x2_1 + w6_2_1 * x2_2 + w6_2_2 * x2_3);
            out[o + 28672] += (w7_0_0 * x0_0 + w7_0_1 * x0_1 + w7_0_2 * x0_2) +
              (w7_1_0 * x1_0 + w7_1_1 * x1_1 + w7_1_2 * x1_2) +
              (w7_2_0 * x2_0 + w7_2_1 * x2_1 + w7_2_2 * x2_2);
            out[o + 28673] += (w7_0_0 * x0_1 + w7_0_1 * x0_2 + w7_0_2 * x0_3) +
              (w7_1_0 * x1_1 + w7_1_1 * x1_2 + w7_1_2 * x1_3) +
              (w7_2_0 * x2_1 + w7_2_1 * x2_2 + w7_2_2 * x2_3);
          }
          for (let i = 0; i < 2; i++) {
            const ow = i < 1 ? i : i + 62;
            const iw0 = ow - 1;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (let kh = 0; kh < 3; kh++) {
              const xk = xr + kh * 64, wk = wc + kh * 3;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
            }
            out[orow + ow] += s0;
            out[orow + ow + 4096] += s1;
            out[orow + ow + 8192] += s2;
            out[orow + ow + 12288] += s3;
            out[orow + ow + 16384] += s4;
            out[orow + ow + 20480] += s5;
            out[orow + ow + 24576] += s6;
            out[orow + ow + 28672] += s7;
          }
        }
      }
      for (let i = op; i < op + 32768; i++) {
        let v = out[i];
        v += res[i];
        if (v < 0) v = 0;
        out[i] = v;
      }
    }
  }
}

// conv2d: layer2.conv1, layer2.bn1, layer2.relu1
// [1, 16, 64, 64] -> [1, 16, 64, 64], epilogue: then relu
// params: p_weight = layer2.conv1+layer2.bn1.weight; p_bias = layer2.conv1+layer2.bn1.bias
function k3_layer2_conv1_layer2_bn1_layer2_relu1(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 65536, ob = n * 65536;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 16; oc += 8) {
      const op = ob + oc * 4096;
      out.fill(p_bias[oc], op, op + 4096);
      out.fill(p_bias[oc + 1], op + 4096, op + 8192);
      out.fill(p_bias[oc + 2], op + 8192, op + 12288);
      out.fill(p_bias[oc + 3], op + 12288, op + 16384);
      out.fill(p_bias[oc + 4], op + 16384, op + 20480);
      out.fill(p_bias[oc + 5], op + 20480, op + 24576);
      out.fill(p_bias[oc + 6], op + 24576, op + 28672);
      out.fill(p_bias[oc + 7], op + 28672, op + 32768);
      for (let c = 0; c < 16; c++) {
        const xc = xg + c * 4096, wc = oc * 144 + c * 9;
        const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2];
        const w0_1_0 = p_weight[wc + 3], w0_1_1 = p_weight[wc + 4], w0_1_2 = p_weight[wc + 5];
        const w0_2_0 = p_weight[wc + 6], w0_2_1 = p_weight[wc + 7], w0_2_2 = p_weight[wc + 8];
        const w1_0_0 = p_weight[wc + 144], w1_0_1 = p_weight[wc + 145], w1_0_2 = p_weight[wc + 146];
        const w1_1_0 = p_weight[wc + 147], w1_1_1 = p_weight[wc + 148], w1_1_2 = p_weight[wc + 149];
        const w1_2_0 = p_weight[wc + 150], w1_2_1 = p_weight[wc + 151], w1_2_2 = p_weight[wc + 152];
        const w2_0_0 = p_weight[wc + 288], w2_0_1 = p_weight[wc + 289], w2_0_2 = p_weight[wc + 290];
        const w2_1_0 = p_weight[wc + 291], w2_1_1 = p_weight[wc + 292], w2_1_2 = p_weight[wc + 293];
        const w2_2_0 = p_weight[wc + 294], w2_2_1 = p_weight[wc + 295], w2_2_2 = p_weight[wc + 296];
        const w3_0_0 = p_weight[wc + 432], w3_0_1 = p_weight[wc + 433], w3_0_2 = p_weight[wc + 434];
        const w3_1_0 = p_weight[wc + 435], w3_1_1 = p_weight[wc + 436], w3_1_2 = p_weight[wc + 437];
        const w3_2_0 = p_weight[wc + 438], w3_2_1 = p_weight[wc + 439], w3_2_2 = p_weight[wc + 440];
        const w4_0_0 = p_weight[wc + 576], w4_0_1 = p_weight[wc + 577], w4_0_2 = p_weight[wc + 578];
        const w4_1_0 = p_weight[wc + 579], w4_1_1 = p_weight[wc + 580], w4_1_2 = p_weight[wc + 581];
        const w4_2_0 = p_weight[wc + 582], w4_2_1 = p_weight[wc + 583], w4_2_2 = p_weight[wc + 584];
        const w5_0_0 = p_weight[wc + 720], w5_0_1 = p_weight[wc + 721], w5_0_2 = p_weight[wc + 722];
        const w5_1_0 = p_weight[wc + 723], w5_1_1 = p_weight[wc + 724], w5_1_2 = p_weight[wc + 725];
        const w5_2_0 = p_weight[wc + 726], w5_2_1 = p_weight[wc + 727], w5_2_2 = p_weight[wc + 728];
        const w6_0_0 = p_weight[wc + 864], w6_0_1 = p_weight[wc + 865], w6_0_2 = p_weight[wc + 866];
        const w6_1_0 = p_weight[wc + 867], w6_1_1 = p_weight[wc + 868], w6_1_2 = p_weight[wc + 869];
        const w6_2_0 = p_weight[wc + 870], w6_2_1 = p_weight[wc + 871], w6_2_2 = p_weight[wc + 872];
        const w7_0_0 = p_weight[wc + 1008], w7_0_1 = p_weight[wc + 1009], w7_0_2 = p_weight[wc + 1010];
        const w7_1_0 = p_weight[wc + 1011], w7_1_1 = p_weight[wc + 1012], w7_1_2 = p_weight[wc + 1013];
        const w7_2_0 = p_weight[wc + 1014], w7_2_1 = p_weight[wc + 1015], w7_2_2 = p_weight[wc + 1016];
        // border rows (1 at the top, 1 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 2; r++) {
          const oh = r < 1 ? r : r + 62;
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          const ih0 = oh - 1;
          const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(3, 64 - ih0);
          for (let kh = khLo; kh < khHi; kh++) {
            const xk = xr + kh * 64, wk = wc + kh * 3;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2];
            const v1_0 = p_weight[wk + 144], v1_1 = p_weight[wk + 145], v1_2 = p_weight[wk + 146];
            const v2_0 = p_weight[wk + 288], v2_1 = p_weight[wk + 289], v2_2 = p_weight[wk + 290];
            const v3_0 = p_weight[wk + 432], v3_1 = p_weight[wk + 433], v3_2 = p_weight[wk + 434];
            const v4_0 = p_weight[wk + 576], v4_1 = p_weight[wk + 577], v4_2 = p_weight[wk + 578];
            const v5_0 = p_weight[wk + 720], v5_1 = p_weight[wk + 721], v5_2 = p_weight[wk + 722];
            const v6_0 = p_weight[wk + 864], v6_1 = p_weight[wk + 865], v6_2 = p_weight[wk + 866];
            const v7_0 = p_weight[wk + 1008], v7_1 = p_weight[wk + 1009], v7_2 = p_weight[wk + 1010];
            for (let ow = 1, xi = xk, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3;
              out[o + 4096] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2;
              out[o + 4097] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3;
              out[o + 8192] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2;
              out[o + 8193] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3;
              out[o + 12288] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2;
              out[o + 12289] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3;
              out[o + 16384] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2;
              out[o + 16385] += v4_0 * x1 + v4_1 * x2 + v4_2 * x3;
              out[o + 20480] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2;
              out[o + 20481] += v5_0 * x1 + v5_1 * x2 + v5_2 * x3;
              out[o + 24576] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2;
              out[o + 24577] += v6_0 * x1 + v6_1 * x2 + v6_2 * x3;
              out[o + 28672] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2;
              out[o + 28673] += v7_0 * x1 + v7_1 * x2 + v7_2 * x3;
            }
            for (let i = 0; i < 2; i++) {
              const ow = i < 1 ? i : i + 62;
              const iw0 = ow - 1;
              let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
              out[orow + ow] += s0;
              out[orow + ow + 4096] += s1;
              out[orow + ow + 8192] += s2;
              out[orow + ow + 12288] += s3;
              out[orow + ow + 16384] += s4;
              out[orow + ow + 20480] += s5;
              out[orow + ow + 24576] += s6;
              out[orow + ow + 28672] += s7;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 63; oh++) {
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          for (let ow = 1, xi = xr, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x1_0 = in0[xi + 64], x1_1 = in0[xi + 65], x1_2 = in0[xi + 66], x1_3 = in0[xi + 67], x2_0 = in0[xi + 128], x2_1 = in0[xi + 129], x2_2 = in0[xi + 130], x2_3 = in0[xi + 131];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_1 + w0_0_1 * x0_2 + w0_0_2 * x0_3) +
              (w0_1_0 * x1_1 + w0_1_1 * x1_2 + w0_1_2 * x1_3) +
              (w0_2_0 * x2_1 + w0_2_1 * x2_2 + w0_2_2 * x2_3);
            out[o + 4096] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2) +
              (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2) +
              (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2);
            out[o + 4097] += (w1_0_0 * x0_1 + w1_0_1 * x0_2 + w1_0_2 * x0_3) +
              (w1_1_0 * x1_1 + w1_1_1 * x1_2 + w1_1_2 * x1_3) +
              (w1_2_0 * x2_1 + w1_2_1 * x2_2 + w1_2_2 * x2_3);
            out[o + 8192] += (w2_0_0 * x0_0 + w2_0_1 * x0_1 + w2_0_2 * x0_2) +
              (w2_1_0 * x1_0 + w2_1_1 * x1_1 + w2_1_2 * x1_2) +
              (w2_2_0 * x2_0 + w2_2_1 * x2_1 + w2_2_2 * x2_2);
            out[o + 8193] += (w2_0_0 * x0_1 + w2_0_1 * x0_2 + w2_0_2 * x0_3) +
              (w2_1_0 * x1_1 + w2_1_1 * x1_2 + w2_1_2 * x1_3) +
              (w2_2_0 * x2_1 + w2_2_1 * x2_2 + w2_2_2 * x2_3);
            out[o + 12288] += (w3_0_0 * x0_0 + w3_0_1 * x0_1 + w3_0_2 * x0_2) +
              (w3_1_0 * x1_0 + w3_1_1 * x1_1 + w3_1_2 * x1_2) +
              (w3_2_0 * x2_0 + w3_2_1 * x2_1 + w3_2_2 * x2_2);
            out[o + 12289] += (w3_0_0 * x0_1 + w3_0_1 * x0_2 + w3_0_2 * x0_3) +
              (w3_1_0 * x1_1 + w3_1_1 * x1_2 + w3_1_2 * x1_3) +
              (w3_2_0 * x2_1 + w3_2_1 * x2_2 + w3_2_2 * x2_3);
            out[o + 16384] += (w4_0_0 * x0_0 + w4_0_1 * x0_1 + w4_0_2 * x0_2) +
              (w4_1_0 * x1_0 + w4_1_1 * x1_1 + w4_1_2 * x1_2) +
              (w4_2_0 * x2_0 + w4_2_1 * x2_1 + w4_2_2 * x2_2);
            out[o + 16385] += (w4_0_0 * x0_1 + w4_0_1 * x0_2 + w4_0_2 * x0_3) +
              (w4_1_0 * x1_1 + w4_1_1 * x1_2 + w4_1_2 * x1_3) +
              (w4_2_0 * x2_1 + w4_2_1 * x2_2 + w4_2_2 * x2_3);
            out[o + 20480] += (w5_0_0 * x0_0 + w5_0_1 * x0_1 + w5_0_2 * x0_2) +
              (w5_1_0 * x1_0 + w5_1_1 * x1_1 + w5_1_2 * x1_2) +
              (w5_2_0 * x2_0 + w5_2_1 * x2_1 + w5_2_2 * x2_2);
            out[o + 20481] += (w5_0_0 * x0_1 + w5_0_1 * x0_2 + w5_0_2 * x0_3) +
              (w5_1_0 * x1_1 + w5_1_1 * x1_2 + w5_1_2 * x1_3) +
              (w5_2_0 * x2_1 + w5_2_1 * x2_2 + w5_2_2 * x2_3);
            out[o + 24576] += (w6_0_0 * x0_0 + w6_0_1 * x0_1 + w6_0_2 * x0_2) +
              (w6_1_0 * x1_0 + w6_1_1 * x1_1 + w6_1_2 * x1_2) +
              (w6_2_0 * x2_0 + w6_2_1 * x2_1 + w6_2_2 * x2_2);
            out[o + 24577] += (w6_0_0 * x0_1 + w6_0_1 * x0_2 + w6_0_2 * x0_3) +
              (w6_1_0 * x1_1 + w6_1_1 * x1_2 + w6_1_2 * x1_3) +
              (w6_2_0 * x2_1 + w6_2_1 * x2_2 + w6_2_2 * x2_3);
            out[o + 28672] += (w7_0_0 * x0_0 + w7_0_1 * x0_1 + w7_0_2 * x0_2) +
              (w7_1_0 * x1_0 + w7_1_1 * x1_1 + w7_1_2 * x1_2) +
              (w7_2_0 * x2_0 + w7_2_1 * x2_1 + w7_2_2 * x2_2);
            out[o + 28673] += (w7_0_0 * x0_1 + w7_0_1 * x0_2 + w7_0_2 * x0_3) +
              (w7_1_0 * x1_1 + w7_1_1 * x1_2 + w7_1_2 * x1_3) +
              (w7_2_0 * x2_1 + w7_2_1 * x2_2 + w7_2_2 * x2_3);
          }
          for (let i = 0; i < 2; i++) {
            const ow = i < 1 ? i : i + 62;
            const iw0 = ow - 1;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (let kh = 0; kh < 3; kh++) {
              const xk = xr + kh * 64, wk = wc + kh * 3;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
            }
            out[orow + ow] += s0;
            out[orow + ow + 4096] += s1;
            out[orow + ow + 8192] += s2;
            out[orow + ow + 12288] += s3;
            out[orow + ow + 16384] += s4;
            out[orow + ow + 20480] += s5;
            out[orow + ow + 24576] += s6;
            out[orow + ow + 28672] += s7;
          }
        }
      }
      for (let i = op; i < op + 32768; i++) {
        let v = out[i];
        if (v < 0) v = 0;
        out[i] = v;
      }
    }
  }
}

// conv2d: layer2.conv2, layer2.bn2, layer2.add, layer2.relu2
// [1, 16, 64, 64] -> [1, 16, 64, 64], epilogue: + residual then relu
// params: p_weight = layer2.conv2+layer2.bn2.weight; p_bias = layer2.conv2+layer2.bn2.bias
function k4_layer2_conv2_layer2_bn2_layer2_add_layer(out, in0, res, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 65536, ob = n * 65536;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 16; oc += 8) {
      const op = ob + oc * 4096;
      out.fill(p_bias[oc], op, op + 4096);
      out.fill(p_bias[oc + 1], op + 4096, op + 8192);
      out.fill(p_bias[oc + 2], op + 8192, op + 12288);
      out.fill(p_bias[oc + 3], op + 12288, op + 16384);
      out.fill(p_bias[oc + 4], op + 16384, op + 20480);
      out.fill(p_bias[oc + 5], op + 20480, op + 24576);
      out.fill(p_bias[oc + 6], op + 24576, op + 28672);
      out.fill(p_bias[oc + 7], op + 28672, op + 32768);
      for (let c = 0; c < 16; c++) {
        const xc = xg + c * 4096, wc = oc * 144 + c * 9;
        const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2];
        const w0_1_0 = p_weight[wc + 3], w0_1_1 = p_weight[wc + 4], w0_1_2 = p_weight[wc + 5];
        const w0_2_0 = p_weight[wc + 6], w0_2_1 = p_weight[wc + 7], w0_2_2 = p_weight[wc + 8];
        const w1_0_0 = p_weight[wc + 144], w1_0_1 = p_weight[wc + 145], w1_0_2 = p_weight[wc + 146];
        const w1_1_0 = p_weight[wc + 147], w1_1_1 = p_weight[wc + 148], w1_1_2 = p_weight[wc + 149];
        const w1_2_0 = p_weight[wc + 150], w1_2_1 = p_weight[wc + 151], w1_2_2 = p_weight[wc + 152];
        const w2_0_0 = p_weight[wc + 288], w2_0_1 = p_weight[wc + 289], w2_0_2 = p_weight[wc + 290];
        const w2_1_0 = p_weight[wc + 291], w2_1_1 = p_weight[wc + 292], w2_1_2 = p_weight[wc + 293];
        const w2_2_0 = p_weight[wc + 294], w2_2_1 = p_weight[wc + 295], w2_2_2 = p_weight[wc + 296];
        const w3_0_0 = p_weight[wc + 432], w3_0_1 = p_weight[wc + 433], w3_0_2 = p_weight[wc + 434];
        const w3_1_0 = p_weight[wc + 435], w3_1_1 = p_weight[wc + 436], w3_1_2 = p_weight[wc + 437];
        const w3_2_0 = p_weight[wc + 438], w3_2_1 = p_weight[wc + 439], w3_2_2 = p_weight[wc + 440];
        const w4_0_0 = p_weight[wc + 576], w4_0_1 = p_weight[wc + 577], w4_0_2 = p_weight[wc + 578];
        const w4_1_0 = p_weight[wc + 579], w4_1_1 = p_weight[wc + 580], w4_1_2 = p_weight[wc + 581];
        const w4_2_0 = p_weight[wc + 582], w4_2_1 = p_weight[wc + 583], w4_2_2 = p_weight[wc + 584];
        const w5_0_0 = p_weight[wc + 720], w5_0_1 = p_weight[wc + 721], w5_0_2 = p_weight[wc + 722];
        const w5_1_0 = p_weight[wc + 723], w5_1_1 = p_weight[wc + 724], w5_1_2 = p_weight[wc + 725];
        const w5_2_0 = p_weight[wc + 726], w5_2_1 = p_weight[wc + 727], w5_2_2 = p_weight[wc + 728];
        const w6_0_0 = p_weight[wc + 864], w6_0_1 = p_weight[wc + 865], w6_0_2 = p_weight[wc + 866];
        const w6_1_0 = p_weight[wc + 867], w6_1_1 = p_weight[wc + 868], w6_1_2 = p_weight[wc + 869];
        const w6_2_0 = p_weight[wc + 870], w6_2_1 = p_weight[wc + 871], w6_2_2 = p_weight[wc + 872];
        const w7_0_0 = p_weight[wc + 1008], w7_0_1 = p_weight[wc + 1009], w7_0_2 = p_weight[wc + 1010];
        const w7_1_0 = p_weight[wc + 1011], w7_1_1 = p_weight[wc + 1012], w7_1_2 = p_weight[wc + 1013];
        const w7_2_0 = p_weight[wc + 1014], w7_2_1 = p_weight[wc + 1015], w7_2_2 = p_weight[wc + 1016];
        // border rows (1 at the top, 1 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 2; r++) {
          const oh = r < 1 ? r : r + 62;
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          const ih0 = oh - 1;
          const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(3, 64 - ih0);
          for (let kh = khLo; kh < khHi; kh++) {
            const xk = xr + kh * 64, wk = wc + kh * 3;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2];
            const v1_0 = p_weight[wk + 144], v1_1 = p_weight[wk + 145], v1_2 = p_weight[wk + 146];
            const v2_0 = p_weight[wk + 288], v2_1 = p_weight[wk + 289], v2_2 = p_weight[wk + 290];
            const v3_0 = p_weight[wk + 432], v3_1 = p_weight[wk + 433], v3_2 = p_weight[wk + 434];
            const v4_0 = p_weight[wk + 576], v4_1 = p_weight[wk + 577], v4_2 = p_weight[wk + 578];
            const v5_0 = p_weight[wk + 720], v5_1 = p_weight[wk + 721], v5_2 = p_weight[wk + 722];
            const v6_0 = p_weight[wk + 864], v6_1 = p_weight[wk + 865], v6_2 = p_weight[wk + 866];
            const v7_0 = p_weight[wk + 1008], v7_1 = p_weight[wk + 1009], v7_2 = p_weight[wk + 1010];
            for (let ow = 1, xi = xk, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3;
              out[o + 4096] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2;
              out[o + 4097] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3;
              out[o + 8192] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2;
              out[o + 8193] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3;
              out[o + 12288] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2;
              out[o + 12289] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3;
              out[o + 16384] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2;
              out[o + 16385] += v4_0 * x1 + v4_1 * x2 + v4_2 * x3;
              out[o + 20480] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2;
              out[o + 20481] += v5_0 * x1 + v5_1 * x2 + v5_2 * x3;
              out[o + 24576] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2;
              out[o + 24577] += v6_0 * x1 + v6_1 * x2 + v6_2 * x3;
              out[o + 28672] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2;
              out[o + 28673] += v7_0 * x1 + v7_1 * x2 + v7_2 * x3;
            }
            for (let i = 0; i < 2; i++) {
              const ow = i < 1 ? i : i + 62;
              const iw0 = ow - 1;
              let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
              out[orow + ow] += s0;
              out[orow + ow + 4096] += s1;
              out[orow + ow + 8192] += s2;
              out[orow + ow + 12288] += s3;
              out[orow + ow + 16384] += s4;
              out[orow + ow + 20480] += s5;
              out[orow + ow + 24576] += s6;
              out[orow + ow + 28672] += s7;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 63; oh++) {
          const orow = op + oh * 64;
          const xr = xc + oh * 64 - 64;
          for (let ow = 1, xi = xr, o = orow + 1; ow < 63; ow += 2, xi += 2, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x1_0 = in0[xi + 64], x1_1 = in0[xi + 65], x1_2 = in0[xi + 66], x1_3 = in0[xi + 67], x2_0 = in0[xi + 128], x2_1 = in0[xi + 129], x2_2 = in0[xi + 130], x2_3 = in0[xi + 131];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_1 + w0_0_1 * x0_2 + w0_0_2 * x0_3) +
              (w0_1_0 * x1_1 + w0_1_1 * x1_2 + w0_1_2 * x1_3) +
              (w0_2_0 * x2_1 + w0_2_1 * x2_2 + w0_2_2 * x2_3);
            out[o + 4096] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2) +
              (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2) +
              (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2);
            out[o + 4097] += (w1_0_0 * x0_1 + w1_0_1 * x0_2 + w1_0_2 * x0_3) +
              (w1_1_0 * x1_1 + w1_1_1 * x1_2 + w1_1_2 * x1_3) +
              (w1_2_0 * x2_1 + w1_2_1 * x2_2 + w1_2_2 * x2_3);
            out[o + 8192] += (w2_0_0 * x0_0 + w2_0_1 * x0_1 + w2_0_2 * x0_2) +
              (w2_1_0 * x1_0 + w2_1_1 * x1_1 + w2_1_2 * x1_2) +
              (w2_2_0 * x2_0 + w2_2_1 * x2_1 + w2_2_2 * x2_2);
            out[o + 8193] += (w2_0_0 * x0_1 + w2_0_1 * x0_2 + w2_0_2 * x0_3) +
              (w2_1_0 * x1_1 + w2_1_1 * x1_2 + w2_1_2 * x1_3) +
              (w2_2_0 * x2_1 + w2_2_1 * x2_2 + w2_2_2 * x2_3);
            out[o + 12288] += (w3_0_0 * x0_0 + w3_0_1 * x0_1 + w3_0_2 * x0_2) +
              (w3_1_0 * x1_0 + w3_1_1 * x1_1 + w3_1_2 * x1_2) +
              (w3_2_0 * x2_0 + w3_2_1 * x2_1 + w3_2_2 * x2_2);
            out[o + 12289] += (w3_0_0 * x0_1 + w3_0_1 * x0_2 + w3_0_2 * x0_3) +
              (w3_1_0 * x1_1 + w3_1_1 * x1_2 + w3_1_2 * x1_3) +
              (w3_2_0 * x2_1 + w3_2_1 * x2_2 + w3_2_2 * x2_3);
            out[o + 16384] += (w4_0_0 * x0_0 + w4_0_1 * x0_1 + w4_0_2 * x0_2) +
              (w4_1_0 * x1_0 + w4_1_1 * x1_1 + w4_1_2 * x1_2) +
              (w4_2_0 * x2_0 + w4_2_1 * x2_1 + w4_2_2 * x2_2);
            out[o + 16385] += (w4_0_0 * x0_1 + w4_0_1 * x0_2 + w4_0_2 * x0_3) +
              (w4_1_0 * x1_1 + w4_1_1 * x1_2 + w4_1_2 * x1_3) +
              (w4_2_0 * x2_1 + w4_2_1 * x2_2 + w4_2_2 * x2_3);
            out[o + 20480] += (w5_0_0 * x0_0 + w5_0_1 * x0_1 + w5_0_2 * x0_2) +
              (w5_1_0 * x1_0 + w5_1_1 * x1_1 + w5_1_2 * x1_2) +
              (w5_2_0 * x2_0 + w5_2_1 * x2_1 + w5_2_2 * x2_2);
            out[o + 20481] += (w5_0_0 * x0_1 + w5_0_1 * x0_2 + w5_0_2 * x0_3) +
              (w5_1_0 * x1_1 + w5_1_1 * x1_2 + w5_1_2 * x1_3) +
              (w5_2_0 * x2_1 + w5_2_1 * x2_2 + w5_2_2 * x2_3);
            out[o + 24576] += (w6_0_0 * x0_0 + w6_0_1 * x0_1 + w6_0_2 * x0_2) +
              (w6_1_0 * x1_0 + w6_1_1 * x1_1 + w6_1_2 * x1_2) +
              (w6_2_0 * x2_0 + w6_2_1 * x2_1 + w6_2_2 * x2_2);
            out[o + 24577] += (w6_0_0 * x0_1 + w6_0_1 * x0_2 + w6_0_2 * x0_3) +
              (w6_1_0 * x1_1 + w6_1_1 * x1_2 + w6_1_2 * x1_3) +
              (w6_2_0 * x2_1 + w6_2_1 * x2_2 + w6_2_2 * x2_3);
            out[o + 28672] += (w7_0_0 * x0_0 + w7_0_1 * x0_1 + w7_0_2 * x0_2) +
              (w7_1_0 * x1_0 + w7_1_1 * x1_1 + w7_1_2 * x1_2) +
              (w7_2_0 * x2_0 + w7_2_1 * x2_1 + w7_2_2 * x2_2);
            out[o + 28673] += (w7_0_0 * x0_1 + w7_0_1 * x0_2 + w7_0_2 * x0_3) +
              (w7_1_0 * x1_1 + w7_1_1 * x1_2 + w7_1_2 * x1_3) +
              (w7_2_0 * x2_1 + w7_2_1 * x2_2 + w7_2_2 * x2_3);
          }
          for (let i = 0; i < 2; i++) {
            const ow = i < 1 ? i : i + 62;
            const iw0 = ow - 1;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (let kh = 0; kh < 3; kh++) {
              const xk = xr + kh * 64, wk = wc + kh * 3;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 64) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
                s1 += p_weight[wk + kw + 144] * t;
                s2 += p_weight[wk + kw + 288] * t;
                s3 += p_weight[wk + kw + 432] * t;
                s4 += p_weight[wk + kw + 576] * t;
                s5 += p_weight[wk + kw + 720] * t;
                s6 += p_weight[wk + kw + 864] * t;
                s7 += p_weight[wk + kw + 1008] * t;
              }
            }
            out[orow + ow] += s0;
            out[orow + ow + 4096] += s1;
            out[orow + ow + 8192] += s2;
            out[orow + ow + 12288] += s3;
            out[orow + ow + 16384] += s4;
            out[orow + ow + 20480] += s5;
            out[orow + ow + 24576] += s6;
            out[orow + ow + 28672] += s7;
          }
        }
      }
      for (let i = op; i < op + 32768; i++) {
        let v = out[i];
        v += res[i];
        if (v < 0) v = 0;
        out[i] = v;
      }
    }
  }
}

let storage = null;
function runPlan(buffers, params) {
  // graph inputs
  const b0 = buffers["x"]; // x
  // parameters
  const p0 = params["conv1.weight"];
  const p1 = params["bn1.weight"];
  const p2 = params["bn1.bias"];
  const p3 = params["bn1.running_mean"];
  const p4 = params["bn1.running_var"];
  const p5 = params["layer1.conv1.weight"];
  const p6 = params["layer1.bn1.weight"];
  const p7 = params["layer1.bn1.bias"];
  const p8 = params["layer1.bn1.running_mean"];
  const p9 = params["layer1.bn1.running_var"];
  const p10 = params["layer1.conv2.weight"];
  const p11 = params["layer1.bn2.weight"];
  const p12 = params["layer1.bn2.bias"];
  const p13 = params["layer1.bn2.running_mean"];
  const p14 = params["layer1.bn2.running_var"];
  const p15 = params["layer2.conv1.weight"];
  const p16 = params["layer2.bn1.weight"];
  const p17 = params["layer2.bn1.bias"];
  const p18 = params["layer2.bn1.running_mean"];
  const p19 = params["layer2.bn1.running_var"];
  const p20 = params["layer2.conv2.weight"];
  const p21 = params["layer2.bn2.weight"];
  const p22 = params["layer2.bn2.bias"];
  const p23 = params["layer2.bn2.running_mean"];
  const p24 = params["layer2.bn2.running_var"];
  const p25 = params["conv1+bn1.weight"];
  const p26 = params["conv1+bn1.bias"];
  const p27 = params["layer1.conv1+layer1.bn1.weight"];
  const p28 = params["layer1.conv1+layer1.bn1.bias"];
  const p29 = params["layer1.conv2+layer1.bn2.weight"];
  const p30 = params["layer1.conv2+layer1.bn2.bias"];
  const p31 = params["layer2.conv1+layer2.bn1.weight"];
  const p32 = params["layer2.conv1+layer2.bn1.bias"];
  const p33 = params["layer2.conv2+layer2.bn2.weight"];
  const p34 = params["layer2.conv2+layer2.bn2.bias"];
  // 3 storage slot(s) shared by intermediate buffers with disjoint lifetimes,
  // allocated on the first run and reused by later ones (every kernel overwrites its whole output)
  if (storage === null) storage = [new Float32Array(65536), new Float32Array(65536), new Float32Array(65536)];
  const s0 = storage[0];
  const s1 = storage[1];
  const s2 = storage[2];
  const b1 = s0.subarray(0, 65536); // relu
  const b2 = s1.subarray(0, 65536); // layer1.relu1
  const b3 = s2.subarray(0, 65536); // layer1.relu2
  const b4 = s1.subarray(0, 65536); // layer2.relu1
  const b5 = new Float32Array(65536); // layer2.relu2
  // steps
  k0_conv1_bn1_relu(b1, b0, p25, p26); // conv1, bn1, relu
  k1_layer1_conv1_layer1_bn1_layer1_relu1(b2, b1, p27, p28); // layer1.conv1, layer1.bn1, layer1.relu1
  k2_layer1_conv2_layer1_bn2_layer1_add_layer(b3, b2, b1, p29, p30); // layer1.conv2, layer1.bn2, layer1.add, layer1.relu2
  k3_layer2_conv1_layer2_bn1_layer2_relu1(b4, b3, p31, p32); // layer2.conv1, layer2.bn1, layer2.relu1
  k4_layer2_conv2_layer2_bn2_layer2_add_layer(b5, b4, b3, p33, p34); // layer2.conv2, layer2.bn2, layer2.add, layer2.relu2
  const result = Object.create(null);
  result["layer2.relu2"] = b5;
  return result;
}
