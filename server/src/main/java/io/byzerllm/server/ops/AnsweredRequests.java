package io.byzerllm.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.server.http.CallOutcome;
import io.byzerllm.server.http.HttpEdge;
import io.byzerllm.worker.Usage;
import io.byzerllm.worker.actor.StreamEvent;
import java.time.Instant;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * What a node does with each answer its edge sends: counts it ({@link NodeMetrics}), writes its
 * access-log line, and keeps it among the {@link RecentErrors} when it is one. A stream is
 * accounted when it ends, with its tokens. Either the metrics or the access log may be off (null).
 */
public final class AnsweredRequests implements HttpEdge.AnswerListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String NO_MODEL = "";
  static final String NOT_DEPLOYED = "(not deployed)";

  private final NodeMetrics metrics;
  private final AccessLog accessLog;
  private final RecentErrors recentErrors;
  private final KeyIds keyIds;

  public AnsweredRequests(NodeMetrics metrics, AccessLog accessLog, RecentErrors recentErrors, KeyIds keyIds) {
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.recentErrors = recentErrors;
    this.keyIds = keyIds;
  }

  @Override
  public void answered(HttpRequest request, HttpResponse response, long startNanos) {
    Endpoint endpoint = Endpoint.of(request.getUri().path());
    if (endpoint == null) {
      return;
    }
    CallOutcome outcome = response.getAttribute(CallOutcome.KEY).orElse(null);
    int status = response.status().intValue();
    if (outcome != null && outcome.streamEnd() != null) {
      outcome.streamEnd().whenComplete((last, e) -> account(request, endpoint, status, outcome, last, null, startNanos));
    } else {
      account(request, endpoint, status, outcome, null, response, startNanos);
    }
  }

  private void account(HttpRequest request, Endpoint endpoint, int status, CallOutcome outcome, StreamEvent last,
                       HttpResponse response, long startNanos) {
    long totalNanos = System.nanoTime() - startNanos;
    String model = model(outcome);
    long backendNanos = 0;
    Usage usage = Usage.NONE;
    if (outcome != null && outcome.failure() == null) {
      if (last != null && last.done() != null) {
        backendNanos = last.backendNanos();
        usage = last.done().usage();
      } else if (last == null) {
        backendNanos = outcome.backendNanos();
        usage = AnswerTokens.of(outcome.value());
      }
    }
    if (last != null && last.failure() != null) { // a stream that failed after its first event
      status = last.failure().status();
      recentErrors.add(new RecentErrors.Entry(Instant.now(), model, endpoint.label(), status, last.failure().message()));
    } else if (status >= 400) {
      recentErrors.add(new RecentErrors.Entry(Instant.now(), model, endpoint.label(), status, errorMessage(response)));
    }
    if (metrics != null) {
      RequestMeters meters = metrics.meters(model, endpoint);
      meters.answered(status, totalNanos);
      if (backendNanos > 0) {
        meters.backend(totalNanos, backendNanos, usage.promptTokens(), usage.completionTokens());
      }
    }
    if (accessLog != null) {
      accessLog.offer(new AccessLog.Line(System.currentTimeMillis(), model, endpoint.label(), status, totalNanos / 1000,
          outcome == null ? 0 : outcome.queueNanos() / 1000, backendNanos / 1000, usage.promptTokens(),
          usage.completionTokens(), keyIds.of(request)));
    }
  }

  /** The model label: the call's model, one label for names no deployment has, none before a model was read. */
  private static String model(CallOutcome outcome) {
    if (outcome == null) {
      return NO_MODEL;
    }
    return outcome.failure() == ErrorKind.MODEL_NOT_FOUND ? NOT_DEPLOYED : outcome.model();
  }

  /** The message of an OpenAI-shaped error body (what the caller read), or the status line. */
  private static String errorMessage(HttpResponse response) {
    if (response != null && response.entity() instanceof HttpEntity.Strict strict) {
      try {
        JsonNode message = JSON.readTree(strict.getData().toArray()).path("error").path("message");
        if (message.isTextual()) {
          return message.asText();
        }
      } catch (java.io.IOException | RuntimeException e) {
        // not our JSON shape: the status line says enough
      }
    }
    return response == null ? "" : response.status().reason();
  }
}
