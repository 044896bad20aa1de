package io.byzerllm.server;

import java.util.concurrent.ForkJoinPool;
import org.slf4j.LoggerFactory;

/**
 * The JDK's HttpClient hands every answer of {@code sendAsync} to the CompletableFuture async pool,
 * which is the common pool only when its parallelism is above 1; below that (a machine with 2
 * cores) it starts a new thread for every answer. A node's JVM sets the parallelism before anything
 * uses the pool: with {@link Node#JVM_OPTIONS}, or {@link #configure} first thing in a main method.
 */
public final class CommonPool {
  static final String PARALLELISM_PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";
  static final int PARALLELISM = 4;

  private CommonPool() {}

  /** Sets the parallelism unless the JVM was given one; takes effect only before the pool's first use. */
  public static void configure() {
    if (System.getProperty(PARALLELISM_PROPERTY) == null) {
      System.setProperty(PARALLELISM_PROPERTY, String.valueOf(PARALLELISM));
    }
  }

  static void warnIfThreadPerTask() {
    if (ForkJoinPool.getCommonPoolParallelism() < 2) {
      LoggerFactory.getLogger(Node.class).warn("every upstream answer will start a thread of its own: start the JVM"
          + " with -D{}={}", PARALLELISM_PROPERTY, PARALLELISM);
    }
  }
}
