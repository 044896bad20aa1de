package io.byzerllm.testkit;

import java.util.Random;

/**
 * Synthetic embeddings for vector-search tests and benchmarks: {@code dimensions}-wide vectors that lie near a
 * {@code latent}-dimensional subspace (a fixed random projection of a Gaussian latent vector, plus small isotropic
 * noise). Real text embeddings have this shape, a low intrinsic dimension; uniformly random high-dimensional vectors
 * do not: their distances concentrate, every point is nearly equidistant from a query, and "nearest neighbours"
 * become noise that no index (or user) would meet. Deterministic for a seed.
 */
public final class LowRankVectors {
  private final float[][] projection;
  private final float noise;
  private final Random random;

  public LowRankVectors(int dimensions, int latent, float noise, long seed) {
    this.random = new Random(seed);
    this.noise = noise;
    this.projection = new float[latent][dimensions];
    for (float[] row : projection) {
      for (int j = 0; j < dimensions; j++) {
        row[j] = (float) (random.nextGaussian() / Math.sqrt(latent));
      }
    }
  }

  public float[] next() {
    int dims = projection[0].length;
    float[] v = new float[dims];
    for (float[] row : projection) {
      float z = (float) random.nextGaussian();
      for (int j = 0; j < dims; j++) {
        v[j] += z * row[j];
      }
    }
    for (int j = 0; j < dims; j++) {
      v[j] += (float) (noise * random.nextGaussian());
    }
    return v;
  }

  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
