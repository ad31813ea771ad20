/**
 * Adam (Kingma & Ba, 2015) with the update PyTorch uses:
 *
 *   m ← β1·m + (1 − β1)·g        v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * Written here instead of using tf.train.adam because its whole state is (t, m, v): the bias corrections
 * are recomputed from t in float64 every step, so a run resumed from a checkpoint continues bit for bit
 * (tf.train.adam accumulates β powers in float32 and rebuilds them differently after setWeights).
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  readonly cfg: AdamConfig;
  readonly vars: readonly tf.Variable[];
  private t = 0;
  private m: tf.Variable[];
  private v: tf.Variable[];

  constructor(vars: readonly tf.Variable[], cfg: AdamConfig) {
    this.cfg = cfg;
    this.vars = vars;
    this.m = vars.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = vars.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  get step(): number {
    return this.t;
  }

  /** One update; `grads[i]` belongs to `vars[i]`. The caller disposes the gradients. */
  apply(grads: readonly tf.Tensor[]): void {
    if (grads.length !== this.vars.length) throw new Error(`Adam.apply: ${grads.length} gradients for ${this.vars.length} variables`);
    this.t += 1;
    const { lr, beta1, beta2, epsilon } = this.cfg;
    const bc1 = 1 - Math.pow(beta1, this.t);
    const bc2 = 1 - Math.pow(beta2, this.t);
    const stepSize = lr / bc1;
    const invSqrtBc2 = 1 / Math.sqrt(bc2);
    tf.tidy(() => {
      for (let i = 0; i < this.vars.length; i++) {
        const g = grads[i]!;
        const m = tf.add(tf.mul(this.m[i]!, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i]!, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.mul(tf.sqrt(v), invSqrtBc2), epsilon);
        this.vars[i]!.assign(tf.sub(this.vars[i]!, tf.mul(tf.div(m, denom), stepSize)));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
      }
    });
  }

  /** A copy of the state as plain arrays (for a checkpoint). */
  async getState(): Promise<AdamState> {
    const m = await Promise.all(this.m.map(async (x) => (await x.data()) as Float32Array));
    const v = await Promise.all(this.v.map(async (x) => (await x.data()) as Float32Array));
    return { step: this.t, m, v };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.vars.length || s.v.length !== this.vars.length) {
      throw new Error(`optimizer state holds ${s.m.length} moments for ${this.vars.length} variables`);
    }
    this.t = s.step;
    for (let i = 0; i < this.vars.length; i++) {
      const shape = this.vars[i]!.shape;
      this.m[i]!.assign(tf.tensor(s.m[i]!, shape));
      this.v[i]!.assign(tf.tensor(s.v[i]!, shape));
    }
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
