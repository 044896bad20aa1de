package io.byzerllm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one rule for what is secret, for params and for the headers a deployment sends upstream. */
@Timeout(10)
class SecretsTest {

  @Test
  void isSecretParam_credentialHeaders_secret() {
    for (String header : List.of("Authorization", "Proxy-Authorization", "X-Api-Key", "api-key", "x-goog-api-key",
        "X-Auth-Token", "Cookie", "X-Amz-Security-Token", "Ocp-Apim-Subscription-Key", "X-Client-Secret")) {
      assertThat(Secrets.isSecretParam("saas.headers." + header)).as(header).isTrue();
    }
  }

  @Test
  void isSecretParam_plainHeadersAndParams_notSecret() {
    for (String name : List.of("saas.headers.X-Request-Source", "saas.headers.OpenAI-Organization",
        "saas.headers.User-Agent", "saas.max_output_tokens", "saas.api_key_file", "saas.model", "saas.base_url")) {
      assertThat(Secrets.isSecretParam(name)).as(name).isFalse();
    }
    assertThat(Secrets.isSecretParam("saas.api_key")).isTrue();
    assertThat(Secrets.isSecretParam("saas.access_token")).isTrue();
  }

  @Test
  void redacted_headerSecrets_maskedAndTheirValuesKnownToTheRedactor() {
    ModelSpec spec = SpecFields.toSpec(Map.of("model", "m", "infer_params", Map.of(
        "saas.headers.Authorization", "Bearer hdr-0a9b8c7d6e5f", "saas.headers.X-Api-Key", "xk-11223344556677",
        "saas.headers.X-Request-Source", "byzerllm")));

    assertThat(SpecFields.toRedactedFields(spec).toString()).doesNotContain("hdr-0a9b8c7d6e5f")
        .doesNotContain("xk-11223344556677").contains("X-Request-Source=byzerllm");
    assertThat(spec.toString()).doesNotContain("hdr-0a9b8c7d6e5f").doesNotContain("xk-11223344556677");
    assertThat(Redactor.of(spec.secretValues()).apply("got hdr-0a9b8c7d6e5f and xk-11223344556677"))
        .isEqualTo("got *** and ***");
  }

  @Test
  void redactor_schemeValue_hidesTheCredentialAloneToo() {
    Redactor r = Redactor.of(List.of("Basic dXNlcjpwYXNzd29yZA=="));

    assertThat(r.apply("sent Basic dXNlcjpwYXNzd29yZA== / echoed dXNlcjpwYXNzd29yZA=="))
        .isEqualTo("sent *** / echoed ***");
  }
}
