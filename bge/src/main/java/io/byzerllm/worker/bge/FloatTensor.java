package io.byzerllm.worker.bge;

import java.nio.FloatBuffer;
import java.util.Arrays;

/** A named float32 tensor: row-major data of {@code shape}. The buffer is read-only by convention. */
record FloatTensor(String name, long[] shape, FloatBuffer data) {
  FloatTensor {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (n != data.remaining()) {
      throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape) + " but "
          + data.remaining() + " values");
    }
  }

  long elements() {
    return data.remaining();
  }

  /** The 2-D transpose, materialised: an ONNX MatMul weight [in, out] becomes PyTorch's Linear layout [out, in]. */
  FloatTensor transposed(String newName) {
    if (shape.length != 2) {
      throw new IllegalArgumentException("only 2-D tensors transpose; " + name + " is " + Arrays.toString(shape));
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    float[] out = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = data.get(data.position() + r * cols + c);
      }
    }
    return new FloatTensor(newName, new long[] {cols, rows}, FloatBuffer.wrap(out));
  }

  FloatTensor renamed(String newName) {
    return new FloatTensor(newName, shape, data);
  }
}
