package io.byzerllm.lite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.client.ByzerLLM;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model registry {@code $LLM_HOME/models.json} (byzerllm's and auto-coder's shape, see
 * {@link RegisteredModel}) with the API keys in {@code $LLM_HOME/keys/<api_key_path>}, and
 * byzerllm's {@code get_single_llm} over it. Keys are written owner-only (file 0600, directory 0700)
 * and never enter a spec, a listing or a message: a deployment reads its key file itself
 * ({@code saas.api_key_file}).
 */
public final class ModelRegistry {
  public static final String FILE_NAME = "models.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path home;

  private ModelRegistry(Path home) {
    this.home = home;
  }

  /** The registry under {@code llmHome}. */
  public static ModelRegistry at(Path llmHome) {
    return new ModelRegistry(llmHome.toAbsolutePath());
  }

  /** {@code $LLM_HOME}, else {@code ~/.llm}, as the {@code llm} command reads it. */
  public static Path defaultHome() {
    String h = System.getenv("LLM_HOME");
    return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"), ".llm");
  }

  /**
   * byzerllm's {@code get_single_llm(names, product_mode)}: {@code names} is one model name or several
   * separated by commas; the client has each, and the first as its default model. LITE deploys them in
   * this JVM from the registry under {@link #defaultHome()} (close the client when done); PRO connects to
   * the node at {@code $LLM_ADDRESS} (else {@code http://127.0.0.1:8000}), where they must be deployed.
   */
  public static ByzerLLM getSingleLlm(String names, ProductMode mode) {
    if (mode == ProductMode.PRO) {
      String address = System.getenv("LLM_ADDRESS");
      return onNode(names, address == null || address.isBlank() ? "http://127.0.0.1:8000" : address);
    }
    return at(defaultHome()).getSingleLlm(names);
  }

  /** {@link #getSingleLlm(String, ProductMode)} in LITE mode over this registry. */
  public ByzerLLM getSingleLlm(String names) {
    List<String> wanted = split(names);
    List<ModelSpec> specs = new ArrayList<>();
    for (String name : wanted) {
      specs.add(spec(get(name)));
    }
    ByzerLLM llm = ByzerLLM.over(InProcessGateway.open(home, ByzerLLM.DEFAULT_TIMEOUT));
    try {
      specs.forEach(llm::deploy);
    } catch (RuntimeException e) {
      llm.close();
      throw e;
    }
    Integer max = wanted.size() == 1 ? get(wanted.get(0)).maxOutputTokens() : null;
    llm = llm.withDefaultModel(wanted.get(0));
    return max == null ? llm : llm.withMaxOutputLength(max);
  }

  /**
   * {@code getSingleLlm(names, PRO)} against the node at {@code address}: a client with the first name as
   * its default model; each name must be deployed there.
   */
  public static ByzerLLM onNode(String names, String address) {
    List<String> wanted = split(names);
    ByzerLLM llm = ByzerLLM.connect(address);
    for (String name : wanted) {
      if (!llm.isModelExist(name)) {
        throw new InvalidSpecException("model '" + name + "' is not deployed on the node at " + llm.url()
            + "; deploy it there (llm deploy --model " + name + " ...) or use ProductMode.LITE");
      }
    }
    return llm.withDefaultModel(wanted.get(0));
  }

  private static List<String> split(String names) {
    List<String> out = names == null ? List.of()
        : Arrays.stream(names.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no model name given; pass one, e.g. getSingleLlm(\"v3_chat\", LITE), "
          + "or several separated by commas");
    }
    return out;
  }

  public Path file() {
    return home.resolve(FILE_NAME);
  }

  public Path keysDir() {
    return home.resolve("keys");
  }

  /** The registered models, in the file's order; none when there is no file yet. */
  public List<RegisteredModel> list() {
    List<RegisteredModel> out = new ArrayList<>();
    for (JsonNode entry : entries()) {
      out.add(JSON.convertValue(entry, RegisteredModel.class));
    }
    return List.copyOf(out);
  }

  /** One registered model; an unknown name says where the registry is and what it holds. */
  public RegisteredModel get(String name) {
    return list().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new InvalidSpecException(
        "model '" + name + "' is not in the registry " + file() + " (it has " + list().stream()
            .map(RegisteredModel::name).toList() + "); add it with `llm models add --name " + name
            + " --model_type saas/openai --model_name ... --base_url ... --api_key ...`"));
  }

  /**
   * Adds {@code model}, or replaces the entry of that name (keeping its other keys); {@code apiKey},
   * when given, is written to {@code keys/<api_key_path>} owner-only.
   */
  public void add(RegisteredModel model, String apiKey) {
    ModelType.parse(model.modelType()); // an unknown type fails here, naming the known ones
    if (apiKey != null && !apiKey.isBlank()) {
      if (model.apiKeyPath() == null) {
        throw new InvalidSpecException("model '" + model.name() + "': an API key needs api_key_path, the file name "
            + "under " + keysDir() + " to keep it in (e.g. --api_key_path api.deepseek.com)");
      }
      KeyFiles.writeOwnerOnly(keysDir().resolve(model.apiKeyPath()), apiKey.strip());
    }
    ArrayNode entries = entries();
    ObjectNode fields = JSON.valueToTree(model);
    boolean replaced = false;
    for (int i = 0; i < entries.size(); i++) {
      if (model.name().equals(entries.get(i).path("name").asText())) {
        ((ObjectNode) entries.get(i)).setAll(fields);
        replaced = true;
      }
    }
    if (!replaced) {
      entries.add(fields);
    }
    save(entries);
  }

  /** Removes the entry of {@code name}; false when there was none. Its key file stays (other entries may share it). */
  public boolean remove(String name) {
    ArrayNode entries = entries();
    for (int i = 0; i < entries.size(); i++) {
      if (name.equals(entries.get(i).path("name").asText())) {
        entries.remove(i);
        save(entries);
        return true;
      }
    }
    return false;
  }

  /**
   * The deployment of a registered model: {@code saas.model} from {@code model_name},
   * {@code saas.base_url}, the key read from its file by the backend, a reasoning type for
   * {@code is_reasoning}; for {@code custom/bge}, {@code model_name} is the model path.
   */
  public ModelSpec spec(RegisteredModel m) {
    ModelType type = ModelType.parse(m.modelType());
    if (m.isReasoning() && type == ModelType.SAAS_OPENAI) {
      type = ModelType.SAAS_REASONING_OPENAI;
    }
    if (type.family() == ModelType.Family.LOCAL_BGE) {
      return ModelSpec.of(m.name(), type, Map.of()).withModelPath(m.modelName(), "");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (!m.modelName().isEmpty()) {
      params.put("saas.model", m.modelName());
    }
    if (!m.baseUrl().isEmpty()) {
      params.put("saas.base_url", m.baseUrl());
    }
    if (m.apiKeyPath() != null) {
      Path key = keysDir().resolve(m.apiKeyPath());
      if (!Files.isRegularFile(key)) {
        throw new InvalidSpecException("model '" + m.name() + "': its API key file " + key + " does not exist; "
            + "write it with `llm models add --name " + m.name() + " --api_key ...` (kept owner-only)");
      }
      params.put("saas.api_key_file", key.toString());
    }
    return ModelSpec.of(m.name(), type, params);
  }

  private ArrayNode entries() {
    Path file = file();
    if (!Files.exists(file)) {
      return JSON.createArrayNode();
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || !root.isArray()) {
        throw new InvalidSpecException(file + " must hold a JSON list of models ({name, model_name, model_type, "
            + "base_url, api_key_path, ...}); fix or remove it");
      }
      return (ArrayNode) root;
    } catch (IOException e) {
      throw new InvalidSpecException("cannot read the model registry " + file + ": " + e.getMessage()
          .lines().findFirst().orElse(""));
    }
  }

  private void save(ArrayNode entries) {
    try {
      Files.createDirectories(home);
      Path tmp = Files.createTempFile(home, FILE_NAME, ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(entries));
      Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model registry " + file(), e);
    }
  }
}
