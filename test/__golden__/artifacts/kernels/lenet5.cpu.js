// cnnc CPU program for model LeNet5

// conv2d: conv1, sig1
// [1, 1, 28, 28] -> [1, 6, 28, 28], epilogue: then sigmoid
// params: p_weight = conv1.weight; p_bias = conv1.bias
function k0_conv1_sig1(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 784, ob = n * 4704;
    const xg = xb;
    // output channels as one block of 4
    {
      const oc = 0;
      const op = ob + oc * 784;
      out.fill(p_bias[oc], op, op + 784);
      out.fill(p_bias[oc + 1], op + 784, op + 1568);
      out.fill(p_bias[oc + 2], op + 1568, op + 2352);
      out.fill(p_bias[oc + 3], op + 2352, op + 3136);
      const xc = xg, wc = oc * 25;
      // border rows (2 at the top, 2 at the bottom): only kernel rows inside the input
      for (let r = 0; r < 4; r++) {
        const oh = r < 2 ? r : r + 24;
        const orow = op + oh * 28;
        const xr = xc + oh * 28 - 56;
        const ih0 = oh - 2;
        const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(5, 28 - ih0);
        for (let kh = khLo; kh < khHi; kh++) {
          const xk = xr + kh * 28, wk = wc + kh * 5;
          const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2], v0_3 = p_weight[wk + 3], v0_4 = p_weight[wk + 4];
          const v1_0 = p_weight[wk + 25], v1_1 = p_weight[wk + 26], v1_2 = p_weight[wk + 27], v1_3 = p_weight[wk + 28], v1_4 = p_weight[wk + 29];
          const v2_0 = p_weight[wk + 50], v2_1 = p_weight[wk + 51], v2_2 = p_weight[wk + 52], v2_3 = p_weight[wk + 53], v2_4 = p_weight[wk + 54];
          const v3_0 = p_weight[wk + 75], v3_1 = p_weight[wk + 76], v3_2 = p_weight[wk + 77], v3_3 = p_weight[wk + 78], v3_4 = p_weight[wk + 79];
          for (let ow = 2, xi = xk, o = orow + 2; ow < 26; ow += 2, xi += 2, o += 2) {
            const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3], x4 = in0[xi + 4], x5 = in0[xi + 5];
            out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2 + v0_3 * x3 + v0_4 * x4;
            out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3 + v0_3 * x4 + v0_4 * x5;
            out[o + 784] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2 + v1_3 * x3 + v1_4 * x4;
            out[o + 785] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3 + v1_3 * x4 + v1_4 * x5;
            out[o + 1568] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2 + v2_3 * x3 + v2_4 * x4;
            out[o + 1569] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3 + v2_3 * x4 + v2_4 * x5;
            out[o + 2352] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2 + v3_3 * x3 + v3_4 * x4;
            out[o + 2353] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3 + v3_3 * x4 + v3_4 * x5;
          }
          for (let i = 0; i < 4; i++) {
            const ow = i < 2 ? i : i + 24;
            const iw0 = ow - 2;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (let kw = 0; kw < 5; kw++) {
              const iw = iw0 + kw;
              if (iw < 0 || iw >= 28) continue;
              const t = in0[xk + iw];
              s0 += p_weight[wk + kw] * t;
              s1 += p_weight[wk + kw + 25] * t;
              s2 += p_weight[wk + kw + 50] * t;
              s3 += p_weight[wk + kw + 75] * t;
            }
            out[orow + ow] += s0;
            out[orow + ow + 784] += s1;
            out[orow + ow + 1568] += s2;
            out[orow + ow + 2352] += s3;
          }
        }
      }
      // interior rows
      for (let oh = 2; oh < 26; oh++) {
        const orow = op + oh * 28;
        const xr = xc + oh * 28 - 56;
        for (let kh = 0; kh < 5; kh++) {
          const xk = xr + kh * 28, wk = wc + kh * 5;
          const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2], v0_3 = p_weight[wk + 3], v0_4 = p_weight[wk + 4];
          const v1_0 = p_weight[wk + 25], v1_1 = p_weight[wk + 26], v1_2 = p_weight[wk + 27], v1_3 = p_weight[wk + 28], v1_4 = p_weight[wk + 29];
          const v2_0 = p_weight[wk + 50], v2_1 = p_weight[wk + 51], v2_2 = p_weight[wk + 52], v2_3 = p_weight[wk + 53], v2_4 = p_weight[wk + 54];
          const v3_0 = p_weight[wk + 75], v3_1 = p_weight[wk + 76], v3_2 = p_weight[wk + 77], v3_3 = p_weight[wk + 78], v3_4 = p_weight[wk + 79];
          for (let ow = 2, xi = xk, o = orow + 2; ow < 26; ow += 2, xi += 2, o += 2) {
            const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3], x4 = in0[xi + 4], x5 = in0[xi + 5];
            out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2 + v0_3 * x3 + v0_4 * x4;
            out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3 + v0_3 * x4 + v0_4 * x5;
            out[o + 784] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2 + v1_3 * x3 + v1_4 * x4;
            out[o + 785] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3 + v1_3 * x4 + v1_4 * x5;
            out[o + 1568] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2 + v2_3 * x3 + v2_4 * x4;
            out[o + 1569] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3 + v2_3 * x4 + v2_4 * x5;
            out[o + 2352] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2 + v3_3 * x3 + v3_4 * x4;
            out[o + 2353] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3 + v3_3 * x4 + v3_4 * x5;
          }
          for (let i = 0; i < 4; i++) {
            const ow = i < 2 ? i : i + 24;
            const iw0 = ow - 2;
            let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (let kw = 0; kw < 5; kw++) {
              const iw = iw0 + kw;
              if (iw < 0 || iw >= 28) continue;
              const t = in0[xk + iw];
              s0 += p_weight[wk + kw] * t;
              s1 += p_weight[wk + kw + 25] * t;
              s2 += p_weight[wk + kw + 50] * t;
              s3 += p_weight[wk + kw + 75] * t;
            }
            out[orow + ow] += s0;
            out[orow + ow + 784] += s1;
            out[orow + ow + 1568] += s2;
            out[orow + ow + 2352] += s3;
          }
        }
      }
      for (let i = op; i < op + 3136; i++) {
        let v = out[i];
        v = 1 / (1 + Math.exp(-v));
        out[i] = v;
      }
    }
    // output channels as one block of 2
    {
      const oc = 4;
      const op = ob + oc * 784;
      out.fill(p_bias[oc], op, op + 784);
      out.fill(p_bias[oc + 1], op + 784, op + 1568);
      const xc = xg, wc = oc * 25;
      const w0_0_0 = p_weight[wc], w0_0_1 = p_weight[wc + 1], w0_0_2 = p_weight[wc + 2], w0_0_3 = p_weight[wc + 3], w0_0_4 = p_weight[wc + 4];
      const w0_1_0 = p_weight[wc + 5], w0_1_1 = p_weight[wc + 6], w0_1_2 = p_weight[wc + 7], w0_1_3 = p_weight[wc + 8], w0_1_4 = p_weight[wc + 9];
      const w0_2_0 = p_weight[wc + 10], w0_2_1 = p_weight[wc + 11], w0_2_2 = p_weight[wc + 12], w0_2_3 = p_weight[wc + 13], w0_2_4 = p_weight[wc + 14];
      const w0_3_0 = p_weight[wc + 15], w0_3_1 = p_weight[wc + 16], w0_3_2 = p_weight[wc + 17], w0_3_3 = p_weight[wc + 18], w0_3_4 = p_weight[wc + 19];
      const w0_4_0 = p_weight[wc + 20], w0_4_1 = p_weight[wc + 21], w0_4_2 = p_weight[wc + 22], w0_4_3 = p_weight[wc + 23], w0_4_4 = p_weight[wc + 24];
      const w1_0_0 = p_weight[wc + 25], w1_0_1 = p_weight[wc + 26], w1_0_2 = p_weight[wc + 27], w1_0_3 = p_weight[wc + 28], w1_0_4 = p_weight[wc + 29];
      const w1_1_0 = p_weight[wc + 30], w1_1_1 = p_weight[wc + 31], w1_1_2 = p_weight[wc + 32], w1_1_3 = p_weight[wc + 33], w1_1_4 = p_weight[wc + 34];
      const w1_2_0 = p_weight[wc + 35], w1_2_1 = p_weight[wc + 36], w1_2_2 = p_weight[wc + 37], w1_2_3 = p_weight[wc + 38], w1_2_4 = p_weight[wc + 39];
      const w1_3_0 = p_weight[wc + 40], w1_3_1 = p_weight[wc + 41], w1_3_2 = p_weight[wc + 42], w1_3_3 = p_weight[wc + 43], w1_3_4 = p_weight[wc + 44];
      const w1_4_0 = p_weight[wc + 45], w1_4_1 = p_weight[wc + 46], w1_4_2 = p_weight[wc + 47], w1_4_3 = p_weight[wc + 48], w1_4_4 = p_weight[wc + 49];
      // border rows (2 at the top, 2 at the bottom): only kernel rows inside the input
      for (let r = 0; r < 4; r++) {
        const oh = r < 2 ? r : r + 24;
        const orow = op + oh * 28;
        const xr = xc + oh * 28 - 56;
        const ih0 = oh - 2;
        const khLo = ih0 < 0 ? -ih0 : 0, khHi = Math.min(5, 28 - ih0);
        for (let kh = khLo; kh < khHi; kh++) {
          const xk = xr + kh * 28, wk = wc + kh * 5;
          const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2], v0_3 = p_weight[wk + 3], v0_4 = p_weight[wk + 4];
          const v1_0 = p_weight[wk + 25], v1_1 = p_weight[wk + 26], v1_2 = p_weight[wk + 27], v1_3 = p_weight[wk + 28], v1_4 = p_weight[wk + 29];
          for (let ow = 2, xi = xk, o = orow + 2; ow < 26; ow += 2, xi += 2, o += 2) {
            const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3], x4 = in0[xi + 4], x5 = in0[xi + 5];
            out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2 + v0_3 * x3 + v0_4 * x4;
            out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3 + v0_3 * x4 + v0_4 * x5;
            out[o + 784] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2 + v1_3 * x3 + v1_4 * x4;
            out[o + 785] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3 + v1_3 * x4 + v1_4 * x5;
          }
          for (let i = 0; i < 4; i++) {
            const ow = i < 2 ? i : i + 24;
            const iw0 = ow - 2;
            let s0 = 0, s1 = 0;
            for (let kw = 0; kw < 5; kw++) {
              const iw = iw0 + kw;
              if (iw < 0 || iw >= 28) continue;
              const t = in0[xk + iw];
              s0 += p_weight[wk + kw] * t;
              s1 += p_weight[wk + kw + 25] * t;
            }
            out[orow + ow] += s0;
            out[orow + ow + 784] += s1;
          }
        }
      }
      // interior rows
      for (let oh = 2; oh < 26; oh++) {
        const orow = op + oh * 28;
        const xr = xc + oh * 28 - 56;
        for (let ow = 2, xi = xr, o = orow + 2; ow < 26; ow += 2, xi += 2, o += 2) {
          const x0_0 = in0[xi], x0_1 = in0[xi + 1], x0_2 = in0[xi + 2], x0_3 = in0[xi + 3], x0_4 = in0[xi + 4], x0_5 = in0[xi + 5], x1_0 = in0[xi + 28], x1_1 = in0[xi + 29], x1_2 = in0[xi + 30], x1_3 = in0[xi + 31], x1_4 = in0[xi + 32], x1_5 = in0[xi + 33], x2_0 = in0[xi + 56], x2_1 = in0[xi + 57], x2_2 = in0[xi + 58], x2_3 = in0[xi + 59], x2_4 = in0[xi + 60], x2_5 = in0[xi + 61], x3_0 = in0[xi + 84], x3_1 = in0[xi + 85], x3_2 = in0[xi + 86], x3_3 = in0[xi + 87], x3_4 = in0[xi + 88], x3_5 = in0[xi + 89], x4_0 = in0[xi + 112], x4_1 = in0[xi + 113], x4_2 = in0[xi + 114], x4_3 = in0[xi + 115], x4_4 = in0[xi + 116], x4_5 = in0[xi + 117];
          out[o] += (w0_0_0 * x0_0 + w0_0_1 * x0_1 + w0_0_2 * x0_2 + w0_0_3 * x0_3 + w0_0_4 * x0_4) +
            (w0_1_0 * x1_0 + w0_1_1 * x1_1 + w0_1_2 * x1_2 + w0_1_3 * x1_3 + w0_1_4 * x1_4) +
            (w0_2_0 * x2_0 + w0_2_1 * x2_1 + w0_2_2 * x2_2 + w0_2_3 * x2_3 + w0_2_4 * x2_4) +
            (w0_3_0 * x3_0 + w0_3_1 * x3_1 + w0_3_2 * x3_2 + w0_3_3 * x3_3 + w0_3_4 * x3_4) +
            (w0_4_0 * x4_0 + w0_4_1 * x4_1 + w0_4_2 * x4_2 + w0_4_3 * x4_3 + w0_4_4 * x4_4);
          out[o + 1] += (w0_0_0 * x0_1 + w0_0_1 * x0_2 + w0_0_2 * x0_3 + w0_0_3 * x0_4 + w0_0_4 * x0_5) +
            (w0_1_0 * x1_1 + w0_1_1 * x1_2 + w0_1_2 * x1_3 + w0_1_3 * x1_4 + w0_1_4 * x1_5) +
            (w0_2_0 * x2_1 + w0_2_1 * x2_2 + w0_2_2 * x2_3 + w0_2_3 * x2_4 + w0_2_4 * x2_5) +
            (w0_3_0 * x3_1 + w0_3_1 * x3_2 + w0_3_2 * x3_3 + w0_3_3 * x3_4 + w0_3_4 * x3_5) +
            (w0_4_0 * x4_1 + w0_4_1 * x4_2 + w0_4_2 * x4_3 + w0_4_3 * x4_4 + w0_4_4 * x4_5);
          out[o + 784] += (w1_0_0 * x0_0 + w1_0_1 * x0_1 + w1_0_2 * x0_2 + w1_0_3 * x0_3 + w1_0_4 * x0_4) +
            (w1_1_0 * x1_0 + w1_1_1 * x1_1 + w1_1_2 * x1_2 + w1_1_3 * x1_3 + w1_1_4 * x1_4) +
            (w1_2_0 * x2_0 + w1_2_1 * x2_1 + w1_2_2 * x2_2 + w1_2_3 * x2_3 + w1_2_4 * x2_4) +
            (w1_3_0 * x3_0 + w1_3_1 * x3_1 + w1_3_2 * x3_2 + w1_3_3 * x3_3 + w1_3_4 * x3_4) +
            (w1_4_0 * x4_0 + w1_4_1 * x4_1 + w1_4_2 * x4_2 + w1_4_3 * x4_3 + w1_4_4 * x4_4);
          out[o + 785] += (w1_0_0 * x0_1 + w1_0_1 * x0_2 + w1_0_2 * x0_3 + w1_0_3 * x0_4 + w1_0_4 * x0_5) +
            (w1_1_0 * x1_1 + w1_1_1 * x1_2 + w1_1_2 * x1_3 + w1_1_3 * x1_4 + w1_1_4 * x1_5) +
            (w1_2_0 * x2_1 + w1_2_1 * x2_2 + w1_2_2 * x2_3 + w1_2_3 * x2_4 + w1_2_4 * x2_5) +
            (w1_3_0 * x3_1 + w1_3_1 * x3_2 + w1_3_2 * x3_3 + w1_3_3 * x3_4 + w1_3_4 * x3_5) +
            (w1_4_0 * x4_1 + w1_4_1 * x4_2 + w1_4_2 * x4_3 + w1_4_3 * x4_4 + w1_4_4 * x4_5);
        }
        for (let i = 0; i < 4; i++) {
          const ow = i < 2 ? i : i + 24;
          const iw0 = ow - 2;
          let s0 = 0, s1 = 0;
          for (let kh = 0; kh < 5; kh++) {
            const xk = xr + kh * 28, wk = wc + kh * 5;
            for (let kw = 0; kw < 5; kw++) {
              const iw = iw0 + kw;
              if (iw < 0 || iw >= 28) continue;
              const t = in0[xk + iw];
              s0 += p_weight[wk + kw] * t;
              s1 += p_weight[wk + kw + 25] * t;
            }
          }
          out[orow + ow] += s0;
          out[orow + ow + 784] += s1;
        }
      }
      for (let i = op; i < op + 1568; i++) {
        let v = out[i];
        v = 1 / (1 + Math.exp(-v));
        out[i] = v;
      }
    }
  }
}

// avgpool2d: pool1
// [1, 6, 28, 28] -> [1, 6, 14, 14]
function k1_pool1(out, in0) {
  for (let q = 0; q < 6; q++) {
    const xp = q * 784, op = q * 196;
    for (let oh = 0; oh < 14; oh++) {
      const h0 = oh * 2, h1 = Math.min(h0 + 2, 28);
      const hs = h0 < 0 ? 0 : h0, he = h1 < 28 ? h1 : 28;
      for (let ow = 0; ow < 14; ow++) {
        const w0 = ow * 2, w1 = Math.min(w0 + 2, 28);
        const ws = w0 < 0 ? 0 : w0, we = w1 < 28 ? w1 : 28;
        const poolSize = (h1 - h0) * (w1 - w0);
        let v = 0;
        if (hs < he && ws < we) {
          let s = 0;
          for (let h = hs; h < he; h++) {
            const row = xp + h * 28;
            for (let w = ws; w < we; w++) s += in0[row + w];
          }
          v = s / poolSize;
        }
        const o = op + oh * 14 + ow;
        out[o] = v;
      }
    }
  }
}

// conv2d: conv2, sig2
// [1, 6, 14, 14] -> [1, 16, 10, 10], epilogue: then sigmoid
// params: p_weight = conv2.weight; p_bias = conv2.bias
function k2_conv2_sig2(out, in0, p_weight, p_bias) {
  for (let n = 0; n < 1; n++) {
    const xb = n * 1176, ob = n * 1600;
    const xg = xb;
    // output channels in blocks of 8
    for (let oc = 0; oc < 16; oc += 8) {
      const op = ob + oc * 100;
      out.fill(p_bias[oc], op, op + 100);
      out.fill(p_bias[oc + 1], op + 100, op + 200);
      out.fill(p_bias[oc + 2], op + 200, op + 300);
      out.fill(p_bias[oc + 3], op + 300, op + 400);
      out.fill(p_bias[oc + 4], op + 400, op + 500);
      out.fill(p_bias[oc + 5], op + 500, op + 600);
      out.fill(p_bias[oc + 6], op + 600, op + 700);
      out.fill(p_bias[oc + 7], op + 700, op + 800);
      for (let c = 0; c < 6; c++) {
        const xc = xg + c * 196, wc = oc * 150 + c * 25;
        // interior rows
        for (let oh = 0; oh < 10; oh++) {
          const orow = op + oh * 10;
          const xr = xc + oh * 14;
          for (let kh = 0; kh < 5; kh++) {
            const xk = xr + kh * 14, wk = wc + kh * 5;
            const v0_0 = p_weight[wk], v0_1 = p_weight[wk + 1], v0_2 = p_weight[wk + 2], v0_3 = p_weight[wk + 3], v0_4 = p_weight[wk + 4];
            const v1_0 = p_weight[wk + 150], v1_1 = p_weight[wk + 151], v1_2 = p_weight[wk + 152], v1_3 = p_weight[wk + 153], v1_4 = p_weight[wk + 154];
            const v2_0 = p_weight[wk + 300], v2_1 = p_weight[wk + 301], v2_2 = p_weight[wk + 302], v2_3 = p_weight[wk + 303], v2_4 = p_weight[wk + 304];
            const v3_0 = p_weight[wk + 450], v3_1 = p_weight[wk + 451], v3_2 = p_weight[wk + 452], v3_3 = p_weight[wk + 453], v3_4 = p_weight[wk + 454];
            const v4_0 = p_weight[wk + 600], v4_1 = p_weight[wk + 601], v4_2 = p_weight[wk + 602], v4_3 = p_weight[wk + 603], v4_4 = p_weight[wk + 604];
            const v5_0 = p_weight[wk + 750], v5_1 = p_weight[wk + 751], v5_2 = p_weight[wk + 752], v5_3 = p_weight[wk + 753], v5_4 = p_weight[wk + 754];
            const v6_0 = p_weight[wk + 900], v6_1 = p_weight[wk + 901], v6_2 = p_weight[wk + 902], v6_3 = p_weight[wk + 903], v6_4 = p_weight[wk + 904];
            const v7_0 = p_weight[wk + 1050], v7_1 = p_weight[wk + 1051], v7_2 = p_weight[wk + 1052], v7_3 = p_weight[wk + 1053], v7_4 = p_weight[wk + 1054];
            for (let ow = 0, xi = xk, o = orow; ow < 10; ow += 2, xi += 2, o += 2) {
              const x0 = in0[xi], x1 = in0[xi + 1], x2 = in0[xi + 2], x3 = in0[xi + 3], x4 = in0[xi + 4], x5 = in0[xi + 5];
              out[o] += v0_0 * x0 + v0_1 * x1 + v0_2 * x2 + v0_3 * x3 + v0_4 * x4;
              out[o + 1] += v0_0 * x1 + v0_1 * x2 + v0_2 * x3 + v0_3 * x4 + v0_4 * x5;
              out[o + 100] += v1_0 * x0 + v1_1 * x1 + v1_2 * x2 + v1_3 * x3 + v1_4 * x4;
              out[o + 101] += v1_0 * x1 + v1_1 * x2 + v1_2 * x3 + v1_3 * x4 + v1_4 * x5;
              out[o + 200] += v2_0 * x0 + v2_1 * x1 + v2_2 * x2 + v2_3 * x3 + v2_4 * x4;
              out[o + 201] += v2_0 * x1 + v2_1 * x2 + v2_2 * x3 + v2_3 * x4 + v2_4 * x5;
              out[o + 300] += v3_0 * x0 + v3_1 * x1 + v3_2 * x2 + v3_3 * x3 + v3_4 * x4;
              out[o + 301] += v3_0 * x1 + v3_1 * x2 + v3_2 * x3 + v3_3 * x4 + v3_4 * x5;
              out[o + 400] += v4_0 * x0 + v4_1 * x1 + v4_2 * x2 + v4_3 * x3 + v4_4 * x4;
              out[o + 401] += v4_0 * x1 + v4_1 * x2 + v4_2 * x3 + v4_3 * x4 + v4_4 * x5;
              out[o + 500] += v5_0 * x0 + v5_1 * x1 + v5_2 * x2 + v5_3 * x3 + v5_4 * x4;
              out[o + 501] += v5_0 * x1 + v5_1 * x2 + v5_2 * x3 + v5_3 * x4 + v5_4 * x5;
              out[o + 600] += v6_0 * x0 + v6_1 * x1 + v6_2 * x2 + v6_3 * x3 + v6_4 * x4;
              out[o + 601] += v6_0 * x1 + v6_1 * x2 + v6_2 * x3 + v6_3 * x4 + v6_4 * x5;
              out[o + 700] += v7_0 * x0 + v7_1 * x1 + v7_2 * x2 + v7_3 * x3 + v7_4 * x4;
              out[o + 701] += v7_0 * x1 + v7_1 * x2 + v7_2 * x3 + v7_3 * x4 + v7_4 * x5;
            }
          }
        }
      }
      for (let i = op; i < op + 800; i++) {
        let v = out[i];
        v = 1 / (1 + Math.exp(-v));
        out[i] = v;
      }
    }
  }
}

// avgpool2d: pool2
// [1, 16, 10, 10] -> [1, 16, 5, 5]
function k3_pool2(out, in0) {
  for (let q = 0; q < 16; q++) {
    const xp = q * 100, op = q * 25;
    for (let oh = 0; oh < 5; oh++) {
      const h0 = oh * 2, h1 = Math.min(h0 + 2, 10);
      const hs = h0 < 0 ? 0 : h0, he = h1 < 10 ? h1 : 10;
      for (let ow = 0; ow < 5; ow++) {
        const w0 = ow * 2, w1 = Math.min(w0 + 2, 10);
        const ws = w0 < 0 ? 0 : w0, we = w1 < 10 ? w1 : 10;
        const poolSize = (h1 - h0) * (w1 - w0);
        let v = 0;
        if (hs < he && ws < we) {
          let s = 0;
          for (let h = hs; h < he; h++) {
            const row = xp + h * 10;
            for (let w = ws; w < we; w++) s += in0[row + w];
          }
          v = s / poolSize;
        }
        const o = op + oh * 5 + ow;
        out[o] = v;
      }
    }
  }
}

// linear: fc1, sig3
// [1, 400] -> [1, 120], epilogue: then sigmoid
// params: p_weight = fc1.weight; p_bias = fc1.bias
function k4_fc1_sig3(out, in0, p_weight, p_bias) {
  for (let r = 0; r < 1; r++) {
    const xr = r * 400, orow = r * 120;
    for (let o = 0; o < 120; o += 4) {
      const w0 = o * 400, w1 = w0 + 400, w2 = w0 + 800, w3 = w0 + 1200;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < 400; i++) {
        const x = in0[xr + i];
        s0 += x * p_weight[w0 + i]; s1 += x * p_weight[w1 + i]; s2 += x * p_weight[w2 + i]; s3 += x * p_weight[w3 + i];
      }
      {
        let v = s0 + p_bias[o];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o] = v;
      }
      {
        let v = s1 + p_bias[o + 1];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o + 1] = v;
      }
      {
        let v = s2 + p_bias[o + 2];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o + 2] = v;
      }
      {
        let v = s3 + p_bias[o + 3];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o + 3] = v;
      }
    }
  }
}

// linear: fc2, sig4
// [1, 120] -> [1, 84], epilogue: then sigmoid
// params: p_weight = fc2.weight; p_bias = fc2.bias
function k5_fc2_sig4(out, in0, p_weight, p_bias) {
  for (let r = 0; r < 1; r++) {
    const xr = r * 120, orow = r * 84;
    for (let o = 0; o < 84; o += 4) {
      const w0 = o * 120, w1 = w0 + 120, w2 = w0 + 240, w3 = w0 + 360;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < 120; i++) {
        const x = in0[xr + i];
        s0 += x * p_weight[w0 + i]; s1 += x * p_weight[w1 + i]; s2 += x * p_weight[w2 + i]; s3 += x * p_weight[w3 + i];
      }
      {
        let v = s0 + p_bias[o];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o] = v;
      }
      {
        let v = s1 + p_bias[o + 1];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o + 1] = v;
      }
      {
        let v = s2 + p_bias[o + 2];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o + 2] = v;
      }
      {
        let v = s3 + p_bias[o + 3];
        v = 1 / (1 + Math.exp(-v));
        out[orow + o + 3] = v;
      }
    }
  }
}

// linear: fc3
// [1, 84] -> [1, 10]
// params: p_weight = fc3.weight; p_bias = fc3.bias
function k6_fc3(out, in0, p_weight, p_bias) {
  for (let r = 0; r < 1; r++) {
    const xr = r * 84, orow = r * 10;
    for (let o = 0; o < 8; o += 4) {
      const w0 = o * 84, w1 = w0 + 84, w2 = w0 + 168, w3 = w0 + 252;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < 84; i++) {
        const x = in0[xr + i];
        s0 += x * p_weight[w0 + i]; s1 += x * p_weight[w1 + i]; s2 += x * p_weight[w2 + i]; s3 += x * p_weight[w3 + i];
      }
      {
        let v = s0 + p_bias[o];
        out[orow + o] = v;
      }
      {
        let v = s1 + p_bias[o + 1];
        out[orow + o + 1] = v;
      }
      {
        let v = s2 + p_bias[o + 2];
        out[orow + o + 2] = v;
      }
      {
        let v = s3 + p_bias[o + 3];
        out[orow + o + 3] = v;
      }
    }
    for (let o = 8; o < 10; o++) {
      const w0 = o * 84;
      let s0 = 0;
      for (let i = 0; i < 84; i++) s0 += in0[xr + i] * p_weight[w0 + i];
      {
        let v = s0 + p_bias[o];
        out[orow + o] = v;
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
  const p1 = params["conv1.bias"];
  const p2 = params["conv2.weight"];
  const p3 = params["conv2.bias"];
  const p4 = params["fc1.weight"];
  const p5 = params["fc1.bias"];
  const p6 = params["fc2.weight"];
  const p7 = params["fc2.bias"];
  const p8 = params["fc3.weight"];
  const p9 = params["fc3.bias"];
  // 2 storage slot(s) shared by intermediate buffers with disjoint lifetimes,
  // allocated on the first run and reused by later ones (every kernel overwrites its whole output)
  if (storage === null) storage = [new Float32Array(4704), new Float32Array(1176)];
  const s0 = storage[0];
  const s1 = storage[1];
  const b1 = s0.subarray(0, 4704); // sig1
  const b2 = s1.subarray(0, 1176); // pool1
  const b3 = s0.subarray(0, 1600); // sig2
  const b4 = s1.subarray(0, 400); // pool2
  const b5 = s0.subarray(0, 120); // sig3
  const b6 = s1.subarray(0, 84); // sig4
  const b7 = new Float32Array(10); // fc3
  // steps
  k0_conv1_sig1(b1, b0, p0, p1); // conv1, sig1
  k1_pool1(b2, b1); // pool1
  k2_conv2_sig2(b3, b2, p2, p3); // conv2, sig2
  k3_pool2(b4, b3); // pool2
  k4_fc1_sig3(b5, b4, p4, p5); // fc1, sig3
  k5_fc2_sig4(b6, b5, p6, p7); // fc2, sig4
  k6_fc3(b7, b6, p8, p9); // fc3
  const result = Object.create(null);
  result["fc3"] = b7;
  return result;
}
