package io.byzerllm.lite;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.byzerllm.deploy.InvalidSpecException;

/**
 * One entry of the model registry, in byzerllm's and auto-coder's {@code models.json} shape:
 * {@code name} (what programs ask for), {@code model_name} (the provider's model; for
 * {@code custom/bge} the model path: empty for the bundled weights), {@code model_type}
 * ({@code saas/openai}, ...), {@code base_url}, {@code api_key_path} (a file name under
 * {@code $LLM_HOME/keys}), {@code is_reasoning}, {@code max_output_tokens}. Other keys of an entry
 * (prices, description) are kept as they are when the registry is rewritten.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisteredModel(
    String name,
    @JsonProperty("model_name") String modelName,
    @JsonProperty("model_type") String modelType,
    @JsonProperty("base_url") String baseUrl,
    @JsonProperty("api_key_path") String apiKeyPath,
    @JsonProperty("is_reasoning") boolean isReasoning,
    @JsonProperty("max_output_tokens") Integer maxOutputTokens) {

  public RegisteredModel {
    if (name == null || name.isBlank()) {
      throw new InvalidSpecException("a registered model needs a 'name' (what getSingleLlm is asked for)");
    }
    modelName = modelName == null ? "" : modelName;
    modelType = modelType == null || modelType.isBlank() ? "saas/openai" : modelType;
    baseUrl = baseUrl == null ? "" : baseUrl;
    apiKeyPath = apiKeyPath == null || apiKeyPath.isBlank() ? null : apiKeyPath;
    if (apiKeyPath != null && (apiKeyPath.contains("/") || apiKeyPath.contains("\\") || apiKeyPath.startsWith("."))) {
      throw new InvalidSpecException("model '" + name + "': api_key_path must be a file name under $LLM_HOME/keys, "
          + "e.g. api.deepseek.com (got '" + apiKeyPath + "')");
    }
    if (maxOutputTokens != null && maxOutputTokens < 1) {
      throw new InvalidSpecException("model '" + name + "': max_output_tokens must be >= 1 (got " + maxOutputTokens + ")");
    }
  }
}
