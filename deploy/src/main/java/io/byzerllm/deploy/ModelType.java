package io.byzerllm.deploy;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@code --pretrained_model_type} this system can serve, e.g. {@code saas/openai} or {@code custom/bge}.
 * Aliases keep byzerllm's names and their small differences ({@link #reasoning()}).
 */
public enum ModelType {
  // One line per type: its id, the backend family that serves it, the wire format it speaks, whether
  // it is a reasoning model, and what it can do. A SaaS type's wire is opened by SaasBackendFactory.
  SAAS_OPENAI("saas/openai", Family.SAAS, Wire.OPENAI, false, EnumSet.allOf(Capability.class)),
  SAAS_OFFICIAL_OPENAI("saas/official_openai", Family.SAAS, Wire.OPENAI, false, EnumSet.allOf(Capability.class)),
  SAAS_REASONING_OPENAI("saas/reasoning_openai", Family.SAAS, Wire.OPENAI, true, EnumSet.allOf(Capability.class)),
  SAAS_CLAUDE("saas/claude", Family.SAAS, Wire.CLAUDE, false,
      EnumSet.of(Capability.CHAT, Capability.STREAM, Capability.VISION)),
  SAAS_GEMINI("saas/gemini", Family.SAAS, Wire.GEMINI, false,
      EnumSet.of(Capability.CHAT, Capability.STREAM, Capability.VISION, Capability.EMBEDDING)),
  SAAS_VOLCENGINE("saas/volcengine", Family.SAAS, Wire.VOLCENGINE_TTS, false, EnumSet.of(Capability.SPEECH)),
  SAAS_AZURE("saas/azure", Family.SAAS, Wire.AZURE_SPEECH, false, EnumSet.of(Capability.SPEECH)),
  SAAS_SILICONFLOW("saas/siliconflow", Family.SAAS, Wire.SILICONFLOW_IMAGE, false, EnumSet.of(Capability.IMAGE)),
  // byzerllm's test double: no upstream at all, it writes each request to saas.log_file
  SAAS_FILELOGGER("saas/filelogger", Family.SAAS, Wire.NONE, false, EnumSet.of(Capability.CHAT, Capability.STREAM)),
  SAAS_AZURE_OPENAI("saas/azure_openai", Family.SAAS, Wire.AZURE_OPENAI, false, EnumSet.allOf(Capability.class)),
  SAAS_QIANWEN("saas/qianwen", Family.SAAS, Wire.DASHSCOPE, false,
      EnumSet.of(Capability.CHAT, Capability.STREAM, Capability.EMBEDDING)),
  SAAS_QIANWEN_VL("saas/qianwen_vl", Family.SAAS, Wire.DASHSCOPE, false,
      EnumSet.of(Capability.CHAT, Capability.STREAM, Capability.VISION)),
  SAAS_ZHIPU("saas/zhipu", Family.SAAS, Wire.ZHIPU, false,
      EnumSet.of(Capability.CHAT, Capability.STREAM, Capability.EMBEDDING)),
  CUSTOM_BGE("custom/bge", Family.LOCAL_BGE, Wire.NONE, false, EnumSet.of(Capability.EMBEDDING));

  /**
   * {@code --worker_concurrency} when the user gives none. A local BGE worker coalesces the calls it
   * holds into shared forward passes, so it needs room for many at once (one call at a time would
   * never batch); a SaaS worker keeps byzerllm's 1.
   */
  public int defaultWorkerConcurrency() {
    return family == Family.LOCAL_BGE ? 32 : 1;
  }

  /**
   * Whether a worker given no {@code --cpus_per_worker} runs its engine on the cores its node has
   * free: true for the local engine, which computes on this machine; a SaaS worker only waits on
   * the network.
   */
  public boolean computesLocally() {
    return family == Family.LOCAL_BGE;
  }

  /** Which backend factory serves the type: the SaaS one (backends module) or local BGE (bge module). */
  public enum Family { SAAS, LOCAL_BGE }

  /** The HTTP wire format a SaaS type speaks upstream; {@code NONE} for a local engine or one that sends nothing. */
  public enum Wire { OPENAI, AZURE_OPENAI, CLAUDE, GEMINI, DASHSCOPE, ZHIPU, VOLCENGINE_TTS, AZURE_SPEECH, SILICONFLOW_IMAGE, NONE }

  private final String id;
  private final Family family;
  private final Wire wire;
  private final boolean reasoning;
  private final Set<Capability> capabilities;

  ModelType(String id, Family family, Wire wire, boolean reasoning, Set<Capability> capabilities) {
    this.id = id;
    this.family = family;
    this.wire = wire;
    this.reasoning = reasoning;
    this.capabilities = Set.copyOf(capabilities);
  }

  /** The name as the CLI and YAML spell it. */
  public String id() {
    return id;
  }

  public Family family() {
    return family;
  }

  public Wire wire() {
    return wire;
  }

  /** Whether OpenAI-shaped chat bodies can go upstream as they are (bytes pass through). */
  public boolean speaksOpenAi() {
    return wire == Wire.OPENAI || wire == Wire.AZURE_OPENAI; // Azure takes OpenAI's bodies at its own URLs
  }

  /**
   * A reasoning model gets no {@code temperature}/{@code top_p} and its {@code reasoning_content} is
   * kept, as with byzerllm's {@code saas/reasoning_openai}.
   */
  public boolean reasoning() {
    return reasoning;
  }

  public Set<Capability> capabilities() {
    return capabilities;
  }

  /** The capabilities as listings and messages spell them, sorted: {@code chat, stream, vision}. */
  public List<String> capabilityNames() {
    return capabilities.stream().sorted().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
  }

  public boolean isSaas() {
    return id.startsWith("saas/");
  }

  /** Parses a {@code --pretrained_model_type}; an unknown one is an error that lists the known ones. */
  public static ModelType parse(String text) {
    String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (ModelType t : values()) {
      if (t.id.equals(wanted)) {
        return t;
      }
    }
    throw new InvalidSpecException("--pretrained_model_type '" + text + "' is not supported; use one of "
        + known());
  }

  public static String known() {
    return List.of(values()).stream().map(ModelType::id).collect(Collectors.joining(", "));
  }
}
