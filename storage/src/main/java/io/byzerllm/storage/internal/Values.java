package io.byzerllm.storage.internal;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * Turns the loosely typed values of JSON rows and filters into the schema's types. JSON parsers hand out Integer
 * for small whole numbers and Double for decimals, so a LONG accepts any whole number and FLOAT/DOUBLE accept any
 * finite number (byzerllm casts instead and fails on ids below 2^31). {@code where} names the row and field or the
 * filter, and starts every message.
 */
public final class Values {
  private Values() {}

  public static String string(Object v, String where) {
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(v, where, "a string");
  }

  public static long whole(Object v, String where) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if ((v instanceof Double || v instanceof Float || v instanceof BigDecimal) && isWholeLong((Number) v)) {
      return ((Number) v).longValue();
    }
    throw wrongType(v, where, "a whole number (long)");
  }

  public static double finiteDouble(Object v, String where) {
    if (v instanceof Number n && !(v instanceof BigInteger && ((BigInteger) v).bitLength() > 1023)) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        return d;
      }
    }
    throw wrongType(v, where, "a finite number");
  }

  public static float finiteFloat(Object v, String where) {
    double d = finiteDouble(v, where);
    float f = (float) d;
    if (!Float.isFinite(f)) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, where + ": " + v + " does not fit a float; use a double field");
    }
    return f;
  }

  public static boolean bool(Object v, String where) {
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw wrongType(v, where, "true or false");
  }

  /** A vector given as float[], double[] or a list of numbers; finite and not all zeros (cosine needs a length). */
  public static float[] vector(Object v, String where) {
    float[] out;
    if (v instanceof float[] f) {
      out = f.clone();
    } else if (v instanceof double[] d) {
      out = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        out[i] = (float) d[i];
      }
    } else if (v instanceof List<?> list) {
      out = new float[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Number n)) {
          throw wrongType(v, where, "a list of numbers (element " + i + " is " + describe(list.get(i)) + ")");
        }
        out[i] = n.floatValue();
      }
    } else if (v instanceof String) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, where
          + ": is text; the store takes vectors as numbers (the node embeds text when the field is listed in vector_fields)");
    } else {
      throw wrongType(v, where, "a vector (float[] or a list of numbers)");
    }
    if (out.length == 0) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, where + ": the vector is empty");
    }
    boolean allZero = true;
    for (int i = 0; i < out.length; i++) {
      if (!Float.isFinite(out[i])) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, where + ": element " + i + " is " + out[i]
            + "; vectors must be finite numbers");
      }
      allZero &= out[i] == 0f;
    }
    if (allZero) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, where + ": the vector is all zeros; cosine similarity needs a non-zero vector");
    }
    return out;
  }

  /**
   * {@link #vector} scaled to length 1. The index compares unit vectors by dot product, which equals their cosine and
   * costs a third of Lucene's COSINE (that recomputes both norms at every comparison); the score is (1+cos)/2 either way.
   */
  public static float[] unitVector(Object v, String where) {
    float[] out = vector(v, where);
    double norm = 0;
    for (float x : out) {
      norm += (double) x * x;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < out.length; i++) {
      out[i] *= scale;
    }
    return out;
  }

  private static boolean isWholeLong(Number n) {
    double d = n.doubleValue();
    return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63;
  }

  private static LlmException wrongType(Object v, String where, String expected) {
    return new LlmException(ErrorKind.INVALID_REQUEST, where + ": expected " + expected + ", got " + describe(v));
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    String text = String.valueOf(v);
    if (text.length() > 60) {
      text = text.substring(0, 60) + "...";
    }
    return text + " (" + v.getClass().getSimpleName() + ")";
  }
}
