/**
 * The GAN objective of Goodfellow et al. (2014), computed from discriminator logits in a numerically stable
 * form. With σ the sigmoid and softplus(x) = log(1 + eˣ):
 *
 *   −log σ(x)     = softplus(−x)
 *   −log(1 − σ(x)) = softplus(x)
 *
 * so that
 *   L_D = −E[log D(x)] − E[log(1 − D(G(z)))] = E[softplus(−d_real)] + E[softplus(d_fake)]
 *   L_G = −E[log D(G(z))]                  = E[softplus(−d_fake)]        (the non-saturating loss)
 *
 * softplus is evaluated as max(x, 0) + log1p(exp(−|x|)), which never overflows, so saturated logits give
 * large finite losses and finite gradients instead of NaN or Inf.
 */
import * as tf from '@tensorflow/tfjs';

/** softplus(x) = log(1 + eˣ) without overflow, with the exact gradient σ(x). */
export const stableSoftplus: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  const value = tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.sigmoid(saved[0]!))],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** L_D = E[softplus(−d_real)] + E[softplus(d_fake)]; both arguments are logits [B, 1]. */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mean(stableSoftplus(tf.neg(realLogits))), tf.mean(stableSoftplus(fakeLogits))) as tf.Scalar);
}

/** L_G = E[softplus(−d_fake)], the non-saturating generator loss. */
export function generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(stableSoftplus(tf.neg(fakeLogits))) as tf.Scalar);
}
