package io.byzerllm.worker.saas;

import io.byzerllm.deploy.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bearer token Zhipu's open platform wants: a JWT signed HS256 with the secret half of the
 * {@code id.secret} API key, header {@code {"alg":"HS256","sign_type":"SIGN"}}, payload
 * {@code {"api_key":id,"exp":ms,"timestamp":ms}} (milliseconds, as Zhipu's own SDK writes them).
 * A token lives {@link #LIFETIME}; one is reused until {@link #RENEW_BEFORE} before it expires, so
 * a request never carries a token about to lapse. Thread-safe; the key never appears in messages.
 */
final class ZhipuToken {
  static final Duration LIFETIME = Duration.ofMinutes(3);
  static final Duration RENEW_BEFORE = Duration.ofSeconds(30);
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = BASE64URL.encodeToString(
      "{\"alg\":\"HS256\",\"sign_type\":\"SIGN\"}".getBytes(StandardCharsets.UTF_8));

  private final String id;
  private final SecretKeySpec secret;
  private final Clock clock;
  private volatile Issued current;

  /** A token and the instant (ms) after which a new one is made. */
  private record Issued(String token, long renewAtMillis) {}

  ZhipuToken(String apiKey, Clock clock) {
    int dot = apiKey.indexOf('.');
    if (dot <= 0 || dot == apiKey.length() - 1 || apiKey.indexOf('.', dot + 1) >= 0) {
      throw new InvalidSpecException("saas.api_key for saas/zhipu must be the key from open.bigmodel.cn in the form "
          + "<id>.<secret> (one '.'); the key given is not");
    }
    this.id = apiKey.substring(0, dot);
    this.secret = new SecretKeySpec(apiKey.substring(dot + 1).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  /** The token to send now: the cached one, or a new one once the cached one is within {@link #RENEW_BEFORE} of expiry. */
  String current() {
    long now = clock.millis();
    Issued issued = current;
    if (issued == null || now >= issued.renewAtMillis()) {
      long exp = now + LIFETIME.toMillis();
      issued = new Issued(sign(now, exp), exp - RENEW_BEFORE.toMillis());
      current = issued; // two threads may both sign at a renewal; either token is valid
    }
    return issued.token();
  }

  private String sign(long nowMillis, long expMillis) {
    String payload = "{\"api_key\":" + SaasJson.MAPPER.getNodeFactory().textNode(id) + ",\"exp\":" + expMillis
        + ",\"timestamp\":" + nowMillis + "}";
    String signingInput = HEADER + "." + BASE64URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256"); // a Mac is not thread-safe: one per signature (every 2.5 minutes)
      mac.init(secret);
      return signingInput + "." + BASE64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
