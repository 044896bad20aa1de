package io.byzerllm.server.routing;

import io.byzerllm.deploy.ModelSpec;
import java.time.Duration;

/**
 * How long a call to a worker on another node may take before its caller gives up: the longest it
 * may wait in the worker's queue, plus the provider's own timeout ({@code saas.timeout}, or the
 * local-model budget), plus slack for the hop. A lost message then costs this, never minutes more.
 */
final class CallDeadline {
  private static final double DEFAULT_PROVIDER_SECONDS = 120;

  private CallDeadline() {}

  static Duration of(ModelSpec spec, Duration queueTimeout, Duration slack) {
    double seconds;
    try {
      seconds = Double.parseDouble(spec.param("saas.timeout", String.valueOf(DEFAULT_PROVIDER_SECONDS)).trim());
    } catch (NumberFormatException e) {
      seconds = DEFAULT_PROVIDER_SECONDS; // the worker refuses such a spec with its own message
    }
    return queueTimeout.plus(Duration.ofMillis(Math.round(Math.max(0, seconds) * 1000))).plus(slack);
  }
}
