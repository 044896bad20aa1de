package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.ImageCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code saas/siliconflow}: SiliconFlow's image generation, {@code POST /v1/images/generations} with
 * Bearer auth and {@code {model, prompt, image_size, batch_size, num_inference_steps, ...}}. The answer's
 * {@code images[]} carry a {@code url} (a signed link the core then fetches, so the caller gets base64,
 * as byzerllm's module did) or base64 ({@code b64_json}). Errors are {@code {"code", "message", "data"}}
 * (401 is plain text).
 *
 * <p>Params: {@code saas.api_key}, {@code saas.model} (default {@value #DEFAULT_MODEL}),
 * {@code saas.base_url}, {@code saas.num_inference_steps} (default 20). A call's {@code size} is the
 * {@code image_size}, {@code n} the {@code batch_size}; extra fields ({@code negative_prompt},
 * {@code seed}, {@code guidance_scale}, {@code image}, ...) go into the body as they are.
 */
final class SiliconFlowImageWire implements WireFormat {
  static final String DEFAULT_BASE_URL = "https://api.siliconflow.cn/v1";
  static final String DEFAULT_MODEL = "black-forest-labs/FLUX.1-dev";

  private final UpstreamSettings settings;
  private final int inferenceSteps;

  SiliconFlowImageWire(ModelSpec spec) {
    this.settings = UpstreamSettings.from(spec, DEFAULT_BASE_URL, DEFAULT_MODEL);
    String steps = spec.param("saas.num_inference_steps", "20").trim();
    if (!steps.matches("[1-9][0-9]{0,2}")) {
      throw new io.byzerllm.deploy.InvalidSpecException("saas.num_inference_steps must be a whole number from 1 to 999 "
          + "(got '" + steps + "')");
    }
    this.inferenceSteps = Integer.parseInt(steps);
  }

  @Override
  public String engine() {
    return "siliconflow-image";
  }

  @Override
  public UpstreamSettings settings() {
    return settings;
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    WireFormat.bearer(request, apiKey);
  }

  @Override
  public WireRequest image(ImageCall call) {
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", call.model() == null || call.model().isBlank() ? settings.model() : call.model());
    body.put("prompt", call.prompt());
    if (call.size() != null && !call.size().isBlank()) {
      body.put("image_size", call.size().trim().toLowerCase(Locale.ROOT));
    }
    body.put("batch_size", call.n() == null ? 1 : call.n());
    body.put("num_inference_steps", inferenceSteps);
    call.extra().forEach((k, v) -> {
      if (!k.equals("response_format") && !k.equals("user")) { // OpenAI fields SiliconFlow does not take
        body.set(k, v);
      }
    });
    return WireRequest.json("/images/generations", body, false);
  }

  @Override
  public ImageAnswer readImageAnswer(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    JsonNode json;
    try {
      json = SaasJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new MalformedAnswer("a body that is not JSON", text);
    }
    JsonNode images = json == null ? null : json.path("images");
    if (images == null || !images.isArray() || images.isEmpty()) {
      throw new MalformedAnswer("no images", text);
    }
    List<ImageAnswer.Item> items = new ArrayList<>(images.size());
    for (JsonNode image : images) {
      String b64 = image.path("b64_json").isTextual() ? image.get("b64_json").asText()
          : image.path("b64").isTextual() ? image.get("b64").asText() : null;
      if (b64 != null) {
        items.add(new ImageAnswer.Item(b64, null, null));
      } else if (image.path("url").isTextual()) {
        items.add(new ImageAnswer.Item(null, link(image.get("url").asText(), text), null));
      } else {
        throw new MalformedAnswer("an image with neither url nor b64_json", text);
      }
    }
    return new ImageAnswer(json.path("created").asLong(System.currentTimeMillis() / 1000), items);
  }

  private static URI link(String url, String body) {
    try {
      URI uri = URI.create(url.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new MalformedAnswer("an image url that is not an http(s) URL", body);
  }

  @Override
  public void describe(Map<String, Object> out) {
    out.put("num_inference_steps", inferenceSteps);
  }
}
