// cnnc CPU program for model MobileNetBlocks

// conv2d: stem, bn, relu
// [1, 3, 64, 64] -> [1, 16, 32, 32], epilogue: then relu
// params: p_weight = stem+bn.weight; p_bias = stem+bn.bias
function k0_stem_bn_relu(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 12288, ob = n * 16384;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 16; oc += 8) {
      const op = ob + oc * 1024;
      out.fill(p_bias[oc], op, op + 1024);
      out.fill(p_bias[oc + 1], op + 1024, op + 2048);
      out.fill(p_bias[oc + 2], op + 2048, op + 3072);
      out.fill(p_bias[oc + 3], op + 3072, op + 4096);
      out.fill(p_bias[oc + 4], op + 4096, op + 5120);
      out.fill(p_bias[oc + 5], op + 5120, op + 6144);
      out.fill(p_bias[oc + 6], op + 6144, op + 7168);
      out.fill(p_bias[oc + 7], op + 7168, op + 8192);
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
        // border rows (1 at the top, 0 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 1; r++) {
          const oh = r;
          const orow = op + oh * 32;
          const xr = xc + oh * 128 - 64;
          const ih0 = oh * 2 - 1;
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
            for (let ow = 1, xi = xk + 1, o = orow + 1; ow < 31; ow += 2, xi += 4, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3], x4 = in0[xi + 4];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x2 + v0_1 * x3 + v0_2 * x4;
              out[o + 1024] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2;
              out[o + 1025] += v1_0 * x2 + v1_1 * x3 + v1_2 * x4;
              out[o + 2048] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2;
              out[o + 2049] += v2_0 * x2 + v2_1 * x3 + v2_2 * x4;
              out[o + 3072] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2;
              out[o + 3073] += v3_0 * x2 + v3_1 * x3 + v3_2 * x4;
              out[o + 4096] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2;
              out[o + 4097] += v4_0 * x2 + v4_1 * x3 + v4_2 * x4;
              out[o + 5120] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2;
              out[o + 5121] += v5_0 * x2 + v5_1 * x3 + v5_2 * x4;
              out[o + 6144] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2;
              out[o + 6145] += v6_0 * x2 + v6_1 * x3 + v6_2 * x4;
              out[o + 7168] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2;
              out[o + 7169] += v7_0 * x2 + v7_1 * x3 + v7_2 * x4;
            }
            for (let ow = 31, xi = xk + 61, o = orow + 31; ow < 32; ow += 1, xi += 2, o += 1) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1024] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2;
              out[o + 2048] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2;
              out[o + 3072] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2;
              out[o + 4096] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2;
              out[o + 5120] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2;
              out[o + 6144] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2;
              out[o + 7168] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2;
            }
            for (let i = 0; i < 1; i++) {
              const ow = i;
              const iw0 = ow * 2 - 1;
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
              out[orow + ow + 1024] += s1;
              out[orow + ow + 2048] += s2;
              out[orow + ow + 3072] += s3;
              out[orow + ow + 4096] += s4;
              out[orow + ow + 5120] += s5;
              out[orow + ow + 6144] += s6;
              out[orow + ow + 7168] += s7;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 32; oh++) {
          const orow = op + oh * 32;
          const xr = xc + oh * 128 - 64;
          for (let ow = 1, xi = xr + 1, o = orow + 1; ow < 31; ow += 2, xi += 4, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x0_4 = in0[xi + 4], x1_0 = in0[xi + 64], x1_1 = in0[xi + 65], x1_2 = in0[xi + 66], x1_3 = in0[xi + 67], x1_4 = in0[xi + 68], x2_0 = in0[xi + 128], x2_1 = in0[xi + 129], x2_2 = in0[xi + 130], x2_3 = in0[xi + 131], x2_4 = in0[xi + 132];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_2 + w0_0_1 * x0_3 + w0_0_2 * x0_4) +
              (w0_1_0 * x1_2 + w0_1_1 * x1_3 + w0_1_2 * x1_4) +
              (w0_2_0 * x2_2 + w0_2_1 * x2_3 + w0_2_2 * x2_4);
            out[o + 1024] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2) +
              (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2) +
              (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2);
            out[o + 1025] += (w1_0_0 * x0_2 + w1_0_1 * x0_3 + w1_0_2 * x0_4) +
              (w1_1_0 * x1_2 + w1_1_1 * x1_3 + w1_1_2 * x1_4) +
              (w1_2_0 * x2_2 + w1_2_1 * x2_3 + w1_2_2 * x2_4);
            out[o + 2048] += (w2_0_0 * x0_0 + w2_0_1 * x0_1 + w2_0_2 * x0_2) +
              (w2_1_0 * x1_0 + w2_1_1 * x1_1 + w2_1_2 * x1_2) +
              (w2_2_0 * x2_0 + w2_2_1 * x2_1 + w2_2_2 * x2_2);
            out[o + 2049] += (w2_0_0 * x0_2 + w2_0_1 * x0_3 + w2_0_2 * x0_4) +
              (w2_1_0 * x1_2 + w2_1_1 * x1_3 + w2_1_2 * x1_4) +
              (w2_2_0 * x2_2 + w2_2_1 * x2_3 + w2_2_2 * x2_4);
            out[o + 3072] += (w3_0_0 * x0_0 + w3_0_1 * x0_1 + w3_0_2 * x0_2) +
              (w3_1_0 * x1_0 + w3_1_1 * x1_1 + w3_1_2 * x1_2) +
              (w3_2_0 * x2_0 + w3_2_1 * x2_1 + w3_2_2 * x2_2);
            out[o + 3073] += (w3_0_0 * x0_2 + w3_0_1 * x0_3 + w3_0_2 * x0_4) +
              (w3_1_0 * x1_2 + w3_1_1 * x1_3 + w3_1_2 * x1_4) +
              (w3_2_0 * x2_2 + w3_2_1 * x2_3 + w3_2_2 * x2_4);
            out[o + 4096] += (w4_0_0 * x0_0 + w4_0_1 * x0_1 + w4_0_2 * x0_2) +
              (w4_1_0 * x1_0 + w4_1_1 * x1_1 + w4_1_2 * x1_2) +
              (w4_2_0 * x2_0 + w4_2_1 * x2_1 + w4_2_2 * x2_2);
            out[o + 4097] += (w4_0_0 * x0_2 + w4_0_1 * x0_3 + w4_0_2 * x0_4) +
              (w4_1_0 * x1_2 + w4_1_1 * x1_3 + w4_1_2 * x1_4) +
              (w4_2_0 * x2_2 + w4_2_1 * x2_3 + w4_2_2 * x2_4);
            out[o + 5120] += (w5_0_0 * x0_0 + w5_0_1 * x0_1 + w5_0_2 * x0_2) +
              (w5_1_0 * x1_0 + w5_1_1 * x1_1 + w5_1_2 * x1_2) +
              (w5_2_0 * x2_0 + w5_2_1 * x2_1 + w5_2_2 * x2_2);
            out[o + 5121] += (w5_0_0 * x0_2 + w5_0_1 * x0_3 + w5_0_2 * x0_4) +
              (w5_1_0 * x1_2 + w5_1_1 * x1_3 + w5_1_2 * x1_4) +
              (w5_2_0 * x2_2 + w5_2_1 * x2_3 + w5_2_2 * x2_4);
            out[o + 6144] += (w6_0_0 * x0_0 + w6_0_1 * x0_1 + w6_0_2 * x0_2) +
              (w6_1_0 * x1_0 + w6_1_1 * x1_1 + w6_1_2 * x1_2) +
              (w6_2_0 * x2_0 + w6_2_1 * x2_1 + w6_2_2 * x2_2);
            out[o + 6145] += (w6_0_0 * x0_2 + w6_0_1 * x0_3 + w6_0_2 * x0_4) +
              (w6_1_0 * x1_2 + w6_1_1 * x1_3 + w6_1_2 * x1_4) +
              (w6_2_0 * x2_2 + w6_2_1 * x2_3 + w6_2_2 * x2_4);
            out[o + 7168] += (w7_0_0 * x0_0 + w7_0_1 * x0_1 + w7_0_2 * x0_2) +
              (w7_1_0 * x1_0 + w7_1_1 * x1_1 + w7_1_2 * x1_2) +
              (w7_2_0 * x2_0 + w7_2_1 * x2_1 + w7_2_2 * x2_2);
            out[o + 7169] += (w7_0_0 * x0_2 + w7_0_1 * x0_3 + w7_0_2 * x0_4) +
              (w7_1_0 * x1_2 + w7_1_1 * x1_3 + w7_1_2 * x1_4) +
              (w7_2_0 * x2_2 + w7_2_1 * x2_3 + w7_2_2 * x2_4);
          }
          for (let ow = 31, xi = xr + 61, o = orow + 31; ow < 32; ow += 1, xi += 2, o += 1) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x1_0 = in0[xi + 64], x1_1 = in0[xi + 65], x1_2 = in0[xi + 66], x2_0 = in0[xi + 128], x2_1 = in0[xi + 129], x2_2 = in0[xi + 130];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1024] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2) +
              (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2) +
              (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2);
            out[o + 2048] += (w2_0_0 * x0_0 + w2_0_1 * x0_1 + w2_0_2 * x0_2) +
              (w2_1_0 * x1_0 + w2_1_1 * x1_1 + w2_1_2 * x1_2) +
              (w2_2_0 * x2_0 + w2_2_1 * x2_1 + w2_2_2 * x2_2);
            out[o + 3072] += (w3_0_0 * x0_0 + w3_0_1 * x0_1 + w3_0_2 * x0_2) +
              (w3_1_0 * x1_0 + w3_1_1 * x1_1 + w3_1_2 * x1_2) +
              (w3_2_0 * x2_0 + w3_2_1 * x2_1 + w3_2_2 * x2_2);
            out[o + 4096] += (w4_0_0 * x0_0 + w4_0_1 * x0_1 + w4_0_2 * x0_2) +
              (w4_1_0 * x1_0 + w4_1_1 * x1_1 + w4_1_2 * x1_2) +
              (w4_2_0 * x2_0 + w4_2_1 * x2_1 + w4_2_2 * x2_2);
            out[o + 5120] += (w5_0_0 * x0_0 + w5_0_1 * x0_1 + w5_0_2 * x0_2) +
              (w5_1_0 * x1_0 + w5_1_1 * x1_1 + w5_1_2 * x1_2) +
              (w5_2_0 * x2_0 + w5_2_1 * x2_1 + w5_2_2 * x2_2);
            out[o + 6144] += (w6_0_0 * x0_0 + w6_0_1 * x0_1 + w6_0_2 * x0_2) +
              (w6_1_0 * x1_0 + w6_1_1 * x1_1 + w6_1_2 * x1_2) +
              (w6_2_0 * x2_0 + w6_2_1 * x2_1 + w6_2_2 * x2_2);
            out[o + 7168] += (w7_0_0 * x0_0 + w7_0_1 * x0_1 + w7_0_2 * x0_2) +
              (w7_1_0 * x1_0 + w7_1_1 * x1_1 + w7_1_2 * x1_2) +
              (w7_2_0 * x2_0 + w7_2_1 * x2_1 + w7_2_2 * x2_2);
          }
          for (let i = 0; i < 1; i++) {
            const ow = i;
            const iw0 = ow * 2 - 1;
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
            out[orow + ow + 1024] += s1;
            out[orow + ow + 2048] += s2;
            out[orow + ow + 3072] += s3;
            out[orow + ow + 4096] += s4;
            out[orow + ow + 5120] += s5;
            out[orow + ow + 6144] += s6;
            out[orow + ow + 7168] += s7;
          }
        }
      }
      for (let i = op; i < op + 8192; i++) {
        let v = out[i];
        if (v < 0) v = 0;
        out[i] = v;
      }
    }
  }
}

// conv2d: block1.depthwise, block1.bn1, block1.relu1
// [1, 16, 32, 32] -> [1, 16, 32, 32], epilogue: then relu
// params: p_weight = block1.depthwise+block1.bn1.weight; p_bias = block1.depthwise+block1.bn1.bias
function k1_block1_depthwise_block1_bn1_block1_relu1(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 16384, ob = n * 16384;
    for (let gi = 0; gi < 16; gi++) {
      const g0 = gi, xg = xb + gi * 1024;
      // output channels one at a time
      {
        const oc = g0;
        const op = ob + oc * 1024;
        out.fill(p_bias[oc], op, op + 1024);
        const xc = xg, wc = oc * 9;
        const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2];
        const w0_1_0 = p_weight[wc + 3], w0_1_1 = p_weight[wc + 4], w0_1_2 = p_weight[wc + 5];
        const w0_2_0 = p_weight[wc + 6], w0_2_1 = p_weight[wc + 7], w0_2_2 = p_weight[wc + 8];
        // border rows (1 at the top, 1 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 2; r++) {
          const oh = r < 1 ? r : r + 30;
          const orow = op + oh * 32;
          const xr = xc + oh * 32 - 32;
          const ih0 = oh - 1;
          const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(3, 32 - ih0);
          for (let kh = khLo; kh < khHi; kh++) {
            const xk = xr + kh * 32, wk = wc + kh * 3;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2];
            for (let ow = 1, xi = xk, o = orow + 1; ow < 31; ow += 2, xi += 2, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3;
            }
            for (let i = 0; i < 2; i++) {
              const ow = i < 1 ? i : i + 30;
              const iw0 = ow - 1;
              let s0 = 0;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 32) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
              }
              out[orow + ow] += s0;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 31; oh++) {
          const orow = op + oh * 32;
          const xr = xc + oh * 32 - 32;
          for (let ow = 1, xi = xr, o = orow + 1; ow < 31; ow += 2, xi += 2, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x1_0 = in0[xi + 32], x1_1 = in0[xi + 33], x1_2 = in0[xi + 34], x1_3 = in0[xi + 35], x2_0 = in0[xi + 64], x2_1 = in0[xi + 65], x2_2 = in0[xi + 66], x2_3 = in0[xi + 67];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_1 + w0_0_1 * x0_2 + w0_0_2 * x0_3) +
              (w0_1_0 * x1_1 + w0_1_1 * x1_2 + w0_1_2 * x1_3) +
              (w0_2_0 * x2_1 + w0_2_1 * x2_2 + w0_2_2 * x2_3);
          }
          for (let i = 0; i < 2; i++) {
            const ow = i < 1 ? i : i + 30;
            const iw0 = ow - 1;
            let s0 = 0;
            for (let kh = 0; kh < 3; kh++) {
              const xk = xr + kh * 32, wk = wc + kh * 3;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 32) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
              }
            }
            out[orow + ow] += s0;
          }
        }
        for (let i = op; i < op + 1024; i++) {
          let v = out[i];
          if (v < 0) v = 0;
          out[i] = v;
        }
      }
    }
  }
}

// conv2d: block1.pointwise, block1.bn2, block1.relu2
// [1, 16, 32, 32] -> [1, 32, 32, 32], epilogue: then relu
// params: p_weight = block1.pointwise+block1.bn2.weight; p_bias = block1.pointwise+block1.bn2.bias
function k2_block1_pointwise_block1_bn2_block1_relu2(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 16384, ob = n * 32768;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 32; oc += 8) {
      const op = ob + oc * 1024;
      out.fill(p_bias[oc], op, op + 1024);
      out.fill(p_bias[oc + 1], op + 1024, op + 2048);
      out.fill(p_bias[oc + 2], op + 2048, op + 3072);
      out.fill(p_bias[oc + 3], op + 3072, op + 4096);
      out.fill(p_bias[oc + 4], op + 4096, op + 5120);
      out.fill(p_bias[oc + 5], op + 5120, op + 6144);
      out.fill(p_bias[oc + 6], op + 6144, op + 7168);
      out.fill(p_bias[oc + 7], op + 7168, op + 8192);
      for (let t = 0; t < 1024; t += 512) {
        const te = t + 512 < 1024 ? t + 512 : 1024;
        for (let c = 0; c < 16; c += 4) {
          const wi = oc * 16 + c, xc = xg + c * 1024;
          const a0_0 = p_weight[wi], a0_1 = p_weight[wi + 1], a0_2 = p_weight[wi + 2], a0_3 = p_weight[wi + 3];
          const a1_0 = p_weight[wi + 16], a1_1 = p_weight[wi + 17], a1_2 = p_weight[wi + 18], a1_3 = p_weight[wi + 19];
          const a2_0 = p_weight[wi + 32], a2_1 = p_weight[wi + 33], a2_2 = p_weight[wi + 34], a2_3 = p_weight[wi + 35];
          const a3_0 = p_weight[wi + 48], a3_1 = p_weight[wi + 49], a3_2 = p_weight[wi + 50], a3_3 = p_weight[wi + 51];
          const a4_0 = p_weight[wi + 64], a4_1 = p_weight[wi + 65], a4_2 = p_weight[wi + 66], a4_3 = p_weight[wi + 67];
          const a5_0 = p_weight[wi + 80], a5_1 = p_weight[wi + 81], a5_2 = p_weight[wi + 82], a5_3 = p_weight[wi + 83];
          const a6_0 = p_weight[wi + 96], a6_1 = p_weight[wi + 97], a6_2 = p_weight[wi + 98], a6_3 = p_weight[wi + 99];
          const a7_0 = p_weight[wi + 112], a7_1 = p_weight[wi + 113], a7_2 = p_weight[wi + 114], a7_3 = p_weight[wi + 115];
          for (let p = t; p < te; p++) {
            const v0 = in0[xc + p], v1 = in0[xc + p + 1024], v2 = in0[xc + p + 2048], v3 = in0[xc + p + 3072];
            out[op + p] += (a0_0 * v0 + a0_1 * v1) + (a0_2 * v2 + a0_3 * v3);
            out[op + p + 1024] += (a1_0 * v0 + a1_1 * v1) + (a1_2 * v2 + a1_3 * v3);
            out[op + p + 2048] += (a2_0 * v0 + a2_1 * v1) + (a2_2 * v2 + a2_3 * v3);
            out[op + p + 3072] += (a3_0 * v0 + a3_1 * v1) + (a3_2 * v2 + a3_3 * v3);
            out[op + p + 4096] += (a4_0 * v0 + a4_1 * v1) + (a4_2 * v2 + a4_3 * v3);
            out[op + p + 5120] += (a5_0 * v0 + a5_1 * v1) + (a5_2 * v2 + a5_3 * v3);
            out[op + p + 6144] += (a6_0 * v0 + a6_1 * v1) + (a6_2 * v2 + a6_3 * v3);
            out[op + p + 7168] += (a7_0 * v0 + a7_1 * v1) + (a7_2 * v2 + a7_3 * v3);
          }
        }
        for (let i = op + t; i < op + te; i++) {
          {
            let v = out[i];
            if (v < 0) v = 0;
            out[i] = v;
          }
          {
            let v = out[i + 1024];
            if (v < 0) v = 0;
            out[i + 1024] = v;
          }
          {
            let v = out[i + 2048];
            if (v < 0) v = 0;
            out[i + 2048] = v;
          }
          {
            let v = out[i + 3072];
            if (v < 0) v = 0;
            out[i + 3072] = v;
          }
          {
            let v = out[i + 4096];
            if (v < 0) v = 0;
            out[i + 4096] = v;
          }
          {
            let v = out[i + 5120];
            if (v < 0) v = 0;
            out[i + 5120] = v;
          }
          {
            let v = out[i + 6144];
            if (v < 0) v = 0;
            out[i + 6144] = v;
          }
          {
            let v = out[i + 7168];
            if (v < 0) v = 0;
            out[i + 7168] = v;
          }
        }
      }
    }
  }
}

// conv2d: block2.depthwise, block2.bn1, block2.relu1
// [1, 32, 32, 32] -> [1, 32, 16, 16], epilogue: then relu
// params: p_weight = block2.depthwise+block2.bn1.weight; p_bias = block2.depthwise+block2.bn1.bias
function k3_block2_depthwise_block2_bn1_block2_relu1(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 32768, ob = n * 8192;
    for (let gi = 0; gi < 32; gi++) {
      const g0 = gi, xg = xb + gi * 1024;
      // output channels one at a time
      {
        const oc = g0;
        const op = ob + oc * 256;
        out.fill(p_bias[oc], op, op + 256);
        const xc = xg, wc = oc * 9;
        const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2];
        const w0_1_0 = p_weight[wc + 3], w0_1_1 = p_weight[wc + 4], w0_1_2 = p_weight[wc + 5];
        const w0_2_0 = p_weight[wc + 6], w0_2_1 = p_weight[wc + 7], w0_2_2 = p_weight[wc + 8];
        // border rows (1 at the top, 0 at the bottom): only kernel rows inside the input
        for (let r = 0; r < 1; r++) {
          const oh = r;
          const orow = op + oh * 16;
          const xr = xc + oh * 64 - 32;
          const ih0 = oh * 2 - 1;
          const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(3, 32 - ih0);
          for (let kh = khLo; kh < khHi; kh++) {
            const xk = xr + kh * 32, wk = wc + kh * 3;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2];
            for (let ow = 1, xi = xk + 1, o = orow + 1; ow < 15; ow += 2, xi += 4, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3], x4 = in0[xi + 4];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
              out[o + 1] += v0_0 * x2 + v0_1 * x3 + v0_2 * x4;
            }
            for (let ow = 15, xi = xk + 29, o = orow + 15; ow < 16; ow += 1, xi += 2, o += 1) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2;
            }
            for (let i = 0; i < 1; i++) {
              const ow = i;
              const iw0 = ow * 2 - 1;
              let s0 = 0;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 32) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
              }
              out[orow + ow] += s0;
            }
          }
        }
        // interior rows
        for (let oh = 1; oh < 16; oh++) {
          const orow = op + oh * 16;
          const xr = xc + oh * 64 - 32;
          for (let ow = 1, xi = xr + 1, o = orow + 1; ow < 15; ow += 2, xi += 4, o += 2) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x0_4 = in0[xi + 4], x1_0 = in0[xi + 32], x1_1 = in0[xi + 33], x1_2 = in0[xi + 34], x1_3 = in0[xi + 35], x1_4 = in0[xi + 36], x2_0 = in0[xi + 64], x2_1 = in0[xi + 65], x2_2 = in0[xi + 66], x2_3 = in0[xi + 67], x2_4 = in0[xi + 68];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
            out[o + 1] += (w0_0_0 * x0_2 + w0_0_1 * x0_3 + w0_0_2 * x0_4) +
              (w0_1_0 * x1_2 + w0_1_1 * x1_3 + w0_1_2 * x1_4) +
              (w0_2_0 * x2_2 + w0_2_1 * x2_3 + w0_2_2 * x2_4);
          }
          for (let ow = 15, xi = xr + 29, o = orow + 15; ow < 16; ow += 1, xi += 2, o += 1) {
            const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x1_0 = in0[xi + 32], x1_1 = in0[xi + 33], x1_2 = in0[xi + 34], x2_0 = in0[xi + 64], x2_1 = in0[xi + 65], x2_2 = in0[xi + 66];
            out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2) +
              (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2) +
              (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2);
          }
          for (let i = 0; i < 1; i++) {
            const ow = i;
            const iw0 = ow * 2 - 1;
            let s0 = 0;
            for (let kh = 0; kh < 3; kh++) {
              const xk = xr + kh * 32, wk = wc + kh * 3;
              for (let kw = 0; kw < 3; kw++) {
                const iw = iw0 + kw;
                if (iw < 0 || iw >= 32) continue;
                const t = in0[xk + iw];
                s0 += p_weight[wk + kw] * t;
              }
            }
            out[orow + ow] += s0;
          }
        }
        for (let i = op; i < op + 256; i++) {
          let v = out[i];
          if (v < 0) v = 0;
          out[i] = v;
        }
      }
    }
  }
}

// conv2d: block2.pointwise, block2.bn2, block2.relu2
// [1, 32, 16, 16] -> [1, 64, 16, 16], epilogue: then relu
// params: p_weight = block2.pointwise+block2.bn2.weight; p_bias = block2.pointwise+block2.bn2.bias
function k4_block2_pointwise_block2_bn2_block2_relu2(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 8192, ob = n * 16384;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 64; oc += 8) {
      const op = ob + oc * 256;
      out.fill(p_bias[oc], op, op + 256);
      out.fill(p_bias[oc + 1], op + 256, op + 512);
      out.fill(p_bias[oc + 2], op + 512, op + 768);
      out.fill(p_bias[oc + 3], op + 768, op + 1024);
      out.fill(p_bias[oc + 4], op + 1024, op + 1280);
      out.fill(p_bias[oc + 5], op + 1280, op + 1536);
      out.fill(p_bias[oc + 6], op + 1536, op + 1792);
      out.fill(p_bias[oc + 7], op + 1792, op + 2048);
      for (let c = 0; c < 32; c += 4) {
        const wi = oc * 32 + c, xc = xg + c * 256;
        const a0_0 = p_weight[wi], a0_1 = p_weight[wi + 1], a0_2 = p_weight[wi + 2], a0_3 = p_weight[wi + 3];
        const a1_0 = p_weight[wi + 32], a1_1 = p_weight[wi + 33], a1_2 = p_weight[wi + 34], a1_3 = p_weight[wi + 35];
        const a2_0 = p_weight[wi + 64], a2_1 = p_weight[wi + 65], a2_2 = p_weight[wi + 66], a2_3 = p_weight[wi + 67];
        const a3_0 = p_weight[wi + 96], a3_1 = p_weight[wi + 97], a3_2 = p_weight[wi + 98], a3_3 = p_weight[wi + 99];
        const a4_0 = p_weight[wi + 128], a4_1 = p_weight[wi + 129], a4_2 = p_weight[wi + 130], a4_3 = p_weight[wi + 131];
        const a5_0 = p_weight[wi + 160], a5_1 = p_weight[wi + 161], a5_2 = p_weight[wi + 162], a5_3 = p_weight[wi + 163];
        const a6_0 = p_weight[wi + 192], a6_1 = p_weight[wi + 193], a6_2 = p_weight[wi + 194], a6_3 = p_weight[wi + 195];
        const a7_0 = p_weight[wi + 224], a7_1 = p_weight[wi + 225], a7_2 = p_weight[wi + 226], a7_3 = p_weight[wi + 227];
        for (let p = 0; p < 256; p++) {
          const v0 = in0[xc + p], v1 = in0[xc + p + 256], v2 = in0[xc + p + 512], v3 = in0[xc + p + 768];
          out[op + p] += (a0_0 * v0 + a0_1 * v1) + (a0_2 * v2 + a0_3 * v3);
          out[op + p + 256] += (a1_0 * v0 + a1_1 * v1) + (a1_2 * v2 + a1_3 * v3);
          out[op + p + 512] += (a2_0 * v0 + a2_1 * v1) + (a2_2 * v2 + a2_3 * v3);
          out[op + p + 768] += (a3_0 * v0 + a3_1 * v1) + (a3_2 * v2 + a3_3 * v3);
          out[op + p + 1024] += (a4_0 * v0 + a4_1 * v1) + (a4_2 * v2 + a4_3 * v3);
          out[op + p + 1280] += (a5_0 * v0 + a5_1 * v1) + (a5_2 * v2 + a5_3 * v3);
          out[op + p + 1536] += (a6_0 * v0 + a6_1 * v1) + (a6_2 * v2 + a6_3 * v3);
          out[op + p + 1792] += (a7_0 * v0 + a7_1 * v1) + (a7_2 * v2 + a7_3 * v3);
        }
      }
      for (let i = op + 0; i < op + 256; i++) {
        {
          let v = out[i];
          if (v < 0) v = 0;
          out[i] = v;
        }
        {
          let v = out[i + 256];
          if (v < 0) v = 0;
          out[i + 256] = v;
        }
        {
          let v = out[i + 512];
          if (v < 0) v = 0;
          out[i + 512] = v;
        }
        {
          let v = out[i + 768];
          if (v < 0) v = 0;
          out[i + 768] = v;
        }
        {
          let v = out[i + 1024];
          if (v < 0) v = 0;
          out[i + 1024] = v;
        }
        {
          let v = out[i + 1280];
          if (v < 0) v = 0;
          out[i + 1280] = v;
        }
        {
          let v = out[i + 1536];
          if (v < 0) v = 0;
          out[i + 1536] = v;
        }
        {
          let v = out[i + 1792];
          if (v < 0) v = 0;
          out[i + 1792] = v;
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
  const p0 = params["stem.weight"];
  const p1 = params["bn.weight"];
  const p2 = params["bn.bias"];
  const p3 = params["bn.running_mean"];
  const p4 = params["bn.running_var"];
  const p5 = params["block1.depthwise.weight"];
  const p6 = params["block1.bn1.weight"];
  const p7 = params["block1.bn1.bias"];
  const p8 = params["block1.bn1.running_mean"];
  const p9 = params["block1.bn1.running_var"];
  const p10 = params["block1.pointwise.weight"];
  const p11 = params["block1.bn2.weight"];
  const p12 = params["block1.bn2.bias"];
  const p13 = params["block1.bn2.running_mean"];
  const p14 = params["block1.bn2.running_var"];
  const p15 = params["block2.depthwise.weight"];
  const p16 = params["block2.bn1.weight"];
  const p17 = params["block2.bn1.bias"];
  const p18 = params["block2.bn1.running_mean"];
  const p19 = params["block2.bn1.running_var"];
  const p20 = params["block2.pointwise.weight"];
  const p21 = params["block2.bn2.weight"];
  const p22 = params["block2.bn2.bias"];
  const p23 = params["block2.bn2.running_mean"];
  const p24 = params["block2.bn2.running_var"];
  const p25 = params["stem+bn.weight"];
  const p26 = params["stem+bn.bias"];
  const p27 = params["block1.depthwise+block1.bn1.weight"];
  const p28 = params["block1.depthwise+block1.bn1.bias"];
  const p29 = params["block1.pointwise+block1.bn2.weight"];
  const p30 = params["block1.pointwise+block1.bn2.bias"];
  const p31 = params["block2.depthwise+block2.bn1.weight"];
  const p32 = params["block2.depthwise+block2.bn1.bias"];
  const p33 = params["block2.pointwise+block2.bn2.weight"];
  const p34 = params["block2.pointwise+block2.bn2.bias"];
  // 2 storage slot(s) shared by intermediate buffers with disjoint lifetimes,
  // allocated on the first run and reused by later ones (every kernel overwrites its whole output)
  if (storage === null) storage = [new Float32Array(32768), new Float32Array(16384)];
  const s0 = storage[0];
  const s1 = storage[1];
  const b1 = s0.subarray(0, 16384); // relu
  const b2 = s1.subarray(0, 16384); // block1.relu1
  const b3 = s0.subarray(0, 32768); // block1.relu2
  const b4 = s1.subarray(0, 8192); // block2.relu1
  const b5 = new Float32Array(16384); // block2.relu2
  // steps
  k0_stem_bn_relu(b1, b0, p25, p26); // stem, bn, relu
  k1_block1_depthwise_block1_bn1_block1_relu1(b2, b1, p27, p28); // block1.depthwise, block1.bn1, block1.relu1
  k2_block1_pointwise_block1_bn2_block1_relu2(b3, b2, p29, p30); // block1.pointwise, block1.bn2, block1.relu2
  k3_block2_depthwise_block2_bn1_block2_relu1(b4, b3, p31, p32); // block2.depthwise, block2.bn1, block2.relu1
  k4_block2_pointwise_block2_bn2_block2_relu2(b5, b4, p33, p34); // block2.pointwise, block2.bn2, block2.relu2
  const result = Object.create(null);
  result["block2.relu2"] = b5;
  return result;
}
