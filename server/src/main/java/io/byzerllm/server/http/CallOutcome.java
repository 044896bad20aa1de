package io.byzerllm.server.http;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.worker.actor.StreamEvent;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.AttributeKey;

/**
 * What a model call tells the node's request accounting ({@code /metrics}, the access log) about
 * its HTTP answer, carried as an attribute of the response: the model, and for an answer the
 * worker's value (tokens are read from it only when counted), the backend's time and the time
 * queued on its worker; for a failure its kind. A stream's answer leaves at its first
 * event: {@code streamEnd} completes with its last event (null when it was cut short).
 */
public record CallOutcome(String model, Object value, long backendNanos, long queueNanos, ErrorKind failure,
                          CompletionStage<StreamEvent> streamEnd) {

  public static final AttributeKey<CallOutcome> KEY = AttributeKey.create("byzerllm-call-outcome", CallOutcome.class);

  static CallOutcome failed(String model, ErrorKind kind) {
    return new CallOutcome(model, null, 0, 0, kind, null);
  }
}
