package io.byzerllm.server.http;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.keys.ApiKey;
import io.byzerllm.server.keys.Caller;
import io.byzerllm.server.keys.KeyLimiter;
import io.byzerllm.server.keys.KeyRing;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Who may do what: the bearer key names a {@link Caller} (or the answer is 401); admin operations
 * need an admin key (403); an issued key calls only its allowed models (403) within its limits
 * (429 with Retry-After). An admitted call's {@link Pass} puts the key's remaining budget in the
 * response headers and gives the key's place back when the answer (a stream: its last byte) is sent.
 */
public final class AccessGate {
  private final KeyRing ring;
  private final KeyLimiter limiter;

  public AccessGate(KeyRing ring, KeyLimiter limiter) {
    this.ring = ring;
    this.limiter = limiter;
  }

  /** The caller of {@code request}, or null when its key is missing, wrong or revoked. */
  public Caller authenticate(HttpRequest request) {
    return ring.authenticate(request.getHeader("Authorization").map(h -> h.value()).orElse(null));
  }

  public boolean guarded() {
    return ring.guarded();
  }

  static HttpResponse unauthorized() {
    return ApiErrors.body(401, ErrorKind.AUTHENTICATION,
        "missing, wrong or revoked API key: send 'Authorization: Bearer <key>' with the node's --api_key or a key"
            + " from 'llm keys create'", null);
  }

  /**
   * Throws 403 when {@code caller} may not make this {@code /api} request: everything but reading
   * (GET) and storage searches is for admin keys, and so is reading the key list.
   */
  static void checkApi(Caller caller, HttpRequest request, String pathUnderApi) {
    if (caller.admin()) {
      return;
    }
    boolean read = request.method() == HttpMethods.GET && !pathUnderApi.startsWith("/keys");
    boolean search = request.method() == HttpMethods.POST && pathUnderApi.startsWith("/storage/")
        && pathUnderApi.endsWith("/search");
    if (!read && !search) {
      throw new LlmException(ErrorKind.PERMISSION, "key " + caller.keyId() + " is an inference key: "
          + request.method().name() + " /api" + pathUnderApi + " needs an admin key (llm keys create --admin)");
    }
  }

  /** Admits a hot endpoint's call, reading the body's model only for a key limited to some models. */
  Pass admit(Caller caller, org.apache.pekko.util.ByteString body) {
    return admit(caller, restricted(caller) ? RequestedModel.of(body.toArray()) : null);
  }

  /** Whether {@code caller} may call only some models, so its request's model must be read. */
  static boolean restricted(Caller caller) {
    return caller instanceof Caller.Keyed k && !k.key().allowedModels().isEmpty();
  }

  /**
   * Admits an inference call of {@code caller} for {@code model} (null: the endpoint's model is not
   * read here) or throws 403/429.
   */
  Pass admit(Caller caller, String model) {
    if (!(caller instanceof Caller.Keyed keyed)) {
      return Pass.FREE;
    }
    ApiKey key = keyed.key();
    if (!key.allowedModels().isEmpty()) {
      if (model == null) {
        throw new LlmException(ErrorKind.PERMISSION, "key " + key.id() + " may call only " + key.allowedModels()
            + " and this request names no model the node can check (a JSON body's 'model'; uploads are not read)");
      }
      if (!key.allows(model)) {
        throw new LlmException(ErrorKind.PERMISSION, "key " + key.id() + " may not call model '" + model
            + "'; it may call " + key.allowedModels());
      }
    }
    if (!key.limits().any()) {
      return Pass.FREE;
    }
    return new Pass(limiter.admit(key), key.limits().tokensPerMinute() > 0);
  }

  /** An admitted call's place under its key's limits. */
  static final class Pass {
    static final Pass FREE = new Pass(null, false);
    private final KeyLimiter.Grant grant;
    private final boolean countTokens;

    private Pass(KeyLimiter.Grant grant, boolean countTokens) {
      this.grant = grant;
      this.countTokens = countTokens;
    }

    /** The call failed before an answer, or its connection closed: give its place back (once; later calls do nothing). */
    void abandon() {
      if (grant != null) {
        grant.finish(0);
      }
    }

    /** {@code response} with the remaining budget, giving the place back once it has been sent. */
    HttpResponse finish(HttpResponse response) {
      if (grant == null) {
        return response;
      }
      if (grant.remainingRequests() >= 0) {
        response = response.addHeader(RawHeader.create("x-ratelimit-remaining-requests",
            Long.toString(grant.remainingRequests())));
      }
      if (grant.remainingTokens() >= 0) {
        response = response.addHeader(RawHeader.create("x-ratelimit-remaining-tokens",
            Long.toString(grant.remainingTokens())));
      }
      CallOutcome outcome = response.getAttribute(CallOutcome.KEY).orElse(null);
      if (outcome != null && outcome.streamEnd() != null) {
        // A stream's tokens are those of its end, whether or not the caller asked for the usage chunk.
        outcome.streamEnd().whenComplete((last, e) -> grant.finish(countTokens && last != null && last.done() != null
            ? last.done().usage().totalTokens() : 0));
        return response;
      }
      HttpEntity entity = response.entity();
      if (entity instanceof HttpEntity.Strict strict) {
        grant.finish(countTokens ? UsageScan.totalTokens(strict.getData()) : 0);
        return response;
      }
      AtomicLong tokens = new AtomicLong();
      var data = entity.getDataBytes().map(chunk -> {
        if (countTokens) {
          long t = UsageScan.totalTokens(chunk);
          if (t > 0) {
            tokens.set(t);
          }
        }
        return chunk;
      }).watchTermination((m, done) -> {
        done.whenComplete((d, e) -> grant.finish(tokens.get()));
        return m;
      });
      return response.withEntity(HttpEntities.createChunked(entity.getContentType(), data));
    }
  }
}
