package io.byzerllm.client.prompt;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.prompt.internal.ListType;
import io.byzerllm.client.prompt.internal.OutputShape;
import io.byzerllm.client.prompt.internal.PromptRunner;
import io.byzerllm.client.prompt.internal.PromptSpec;
import io.byzerllm.client.prompt.internal.PromptVariables;
import io.byzerllm.client.prompt.internal.TemplateText;
import io.byzerllm.client.prompt.internal.Templates;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A prompt function built fluently, the Java shape of byzerllm's {@code @byzerllm.prompt()}: a Jinja2
 * template (Jinjava; the common indentation of a text block is removed) bound to a model call.
 *
 * <pre>{@code
 * var tellStory = Prompt.of("讲一个{{ n }}字的故事。");
 * tellStory.prompt("n", 100);                                   // render only
 * String s = tellStory.withLlm(llm).run("n", 100);              // call the model
 * Story st = tellStory.withLlm(llm).withReturnType(Story.class).run("n", 100);
 * }</pre>
 *
 * <p><b>Immutable</b>: every {@code with*} and {@link #options} returns a new prompt; share freely
 * between threads. Arguments ({@code args}) are: nothing; one {@code Map<String, ?>}; one record or
 * bean (its properties become variables); or name/value pairs ({@code "n", 100, "topic", "space"}).
 * A prompt made from an interface method ({@link PromptFunctions#function}) also takes its parameters
 * positionally.
 *
 * <p>{@link #run} throws {@link PromptException} when no llm is bound, the template fails, the extractor
 * fails or the answer cannot be read as {@code T}; it throws the client's
 * {@link io.byzerllm.client.LlmClientException} when the call itself fails.
 *
 * @param <T> what {@link #run} returns: {@code String} unless {@link #withReturnType} says otherwise
 */
public final class Prompt<T> {
  private final PromptSpec spec;
  private final OutputShape<T> shape;

  private Prompt(PromptSpec spec, OutputShape<T> shape) {
    this.spec = spec;
    this.shape = shape;
  }

  /** A prompt of {@code template} (Jinja2), dedented; throws {@link PromptException} when it is not valid Jinja2. */
  public static Prompt<String> of(String template) {
    Objects.requireNonNull(template, "template");
    String text = TemplateText.dedent(template);
    Templates.checkSyntax(text);
    return new Prompt<>(PromptSpec.of(text), OutputShape.text());
  }

  static <T> Prompt<T> of(PromptSpec spec, OutputShape<T> shape) {
    return new Prompt<>(spec, shape);
  }

  // ---- rendering and running ----------------------------------------------------------------

  /** byzerllm's {@code fn.prompt(...)}: the text the model would receive, without calling it. */
  public String prompt(Object... args) {
    return PromptRunner.render(spec, shape, vars(args));
  }

  /** Calls the model and returns its answer as {@code T}. */
  public T run(Object... args) {
    return shape.read(PromptRunner.runText(spec, shape, vars(args)));
  }

  /** {@link #run} on a shared bounded executor; failures complete the future exceptionally. */
  public CompletableFuture<T> runAsync(Object... args) {
    return runAsyncVars(vars(args));
  }

  /**
   * Streams the answer as text deltas, byzerllm's generator-returning prompt function. <b>Close the
   * stream</b> (try-with-resources) unless you read it to the end: it holds an HTTP connection.
   */
  public Stream<String> stream(Object... args) {
    return PromptRunner.stream(spec, shape, vars(args)).stream();
  }

  /** {@link #stream} as an iterator that is also {@link AutoCloseable}; close it unless read to the end. */
  public TextStream iterator(Object... args) {
    return PromptRunner.stream(spec, shape, vars(args));
  }

  // ---- configuration (each returns a new prompt) ---------------------------------------------

  /** Binds the model to call (byzerllm's {@code with_llm}); the llm's default model is used unless {@code options} names one. */
  public Prompt<T> withLlm(ByzerLLM llm) {
    Objects.requireNonNull(llm, "llm");
    return withLlm(() -> llm);
  }

  /** Binds a model chosen at each call, e.g. {@code () -> this.llm} (byzerllm's {@code lambda self: self.llm}). */
  public Prompt<T> withLlm(Supplier<ByzerLLM> llm) {
    return new Prompt<>(spec.withLlm(Objects.requireNonNull(llm, "llm")), shape);
  }

  /**
   * Reads the answer as {@code type} (byzerllm's {@code with_return_type}): the reply is searched for JSON
   * (a fenced block, the last JSON block, light repair) and converted. The prompt is not changed, so the
   * template should say which JSON to write; use {@link #withResponseClass} to have the schema appended.
   */
  public <R> Prompt<R> withReturnType(Class<R> type) {
    return new Prompt<>(spec, OutputShape.json(type, false));
  }

  /** {@link #withReturnType(Class)} for a generic type; {@code R} must match it, e.g. a {@code List<Story>}. */
  public <R> Prompt<R> withReturnType(Type type) {
    return new Prompt<>(spec, OutputShape.json(type, false));
  }

  /** A list of {@code elementType}: a JSON array in the answer (a single object gives a one-element list). */
  public <R> Prompt<List<R>> withReturnListOf(Class<R> elementType) {
    return new Prompt<>(spec, OutputShape.json(ListType.of(elementType), false));
  }

  /**
   * byzerllm's {@code response_class}: appends the type's JSON Schema (victools; descriptions from
   * {@code @JsonPropertyDescription}) to the prompt and reads the answer as {@code type}.
   */
  public <R> Prompt<R> withResponseClass(Class<R> type) {
    return new Prompt<>(spec, OutputShape.json(type, true));
  }

  /**
   * Post-processes the answer text before it is returned or read as {@code T} (byzerllm's
   * {@code with_extractor}). An extractor that throws or returns null fails the call with a
   * {@link PromptException} that quotes the answer.
   */
  public Prompt<T> withExtractor(Function<String, String> extractor) {
    return new Prompt<>(spec.withExtractor(Objects.requireNonNull(extractor, "extractor")), shape);
  }

  /**
   * Long answers over several calls (byzerllm's {@code with_response_markers}): the prompt asks for
   * {@code <RESPONSE>…</RESPONSE>}, the model is asked to continue ("接着前面的内容继续") until the end
   * marker arrives or {@link #withMaxTurns} calls were made, and the markers are removed.
   */
  public Prompt<T> withResponseMarkers() {
    return withResponseMarkers("<RESPONSE>", "</RESPONSE>");
  }

  public Prompt<T> withResponseMarkers(String start, String end) {
    return new Prompt<>(spec.withContinuation(spec.continuation().withMarkers(start, end)), shape);
  }

  /** At most this many calls for one answer with response markers (default 10). */
  public Prompt<T> withMaxTurns(int maxTurns) {
    return new Prompt<>(spec.withContinuation(spec.continuation().withMaxTurns(maxTurns)), shape);
  }

  /** What is said to make the model go on (default "接着前面的内容继续"). */
  public Prompt<T> withContinuePrompt(String continuePrompt) {
    return new Prompt<>(spec.withContinuation(spec.continuation().withContinuePrompt(continuePrompt)), shape);
  }

  /**
   * byzerllm's {@code options({...})}: {@code llm_config} (a map: {@code max_length}, {@code temperature},
   * {@code gen.*}, ...) and {@code model} (a deployed model name). Other keys are refused.
   */
  public Prompt<T> options(Map<String, ?> options) {
    Set<String> unknown = new java.util.TreeSet<>(options.keySet());
    unknown.removeAll(Set.of("llm_config", "model"));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown prompt options " + unknown + "; supported: llm_config, model");
    }
    Map<String, Object> merged = new LinkedHashMap<>(spec.llmConfig());
    if (options.get("llm_config") instanceof Map<?, ?> config) {
      config.forEach((k, v) -> merged.put(String.valueOf(k), v));
    }
    String model = options.get("model") != null ? options.get("model").toString() : spec.model();
    return new Prompt<>(spec.withOptions(merged, model), shape);
  }

  /** Earlier messages ({@code Message}s or role/content maps) sent before the rendered prompt, in order. */
  public Prompt<T> withConversation(List<?> conversation) {
    return new Prompt<>(spec.withConversation(Objects.requireNonNull(conversation, "conversation")), shape);
  }

  /** Receives each call's metadata (token counts, reasoning, finish reason, first token time). */
  public Prompt<T> withMeta(MetaHolder holder) {
    return new Prompt<>(spec.withMeta(Objects.requireNonNull(holder, "holder")), shape);
  }

  /**
   * Chat prefix completion: the answer is made to start with {@code prefix} (sent as a trailing assistant
   * message with {@code gen.response_prefix}), and {@code prefix} is put back in front of the answer.
   */
  public Prompt<T> withReturnPrefix(String prefix) {
    return new Prompt<>(spec.withReturnPrefix(Objects.requireNonNull(prefix, "prefix")), shape);
  }

  /** Stop sequences ({@code gen.stop}): the model stops before writing any of them. */
  public Prompt<T> withStopSuffixList(List<String> stops) {
    return new Prompt<>(spec.withStopSuffixes(stops), shape);
  }

  /** The template after dedenting, as Jinjava renders it. */
  public String template() {
    return spec.template();
  }

  // The declarative shape passes its variables as a map, never as positional arguments.
  T runVars(Map<String, Object> vars) {
    return shape.read(PromptRunner.runText(spec, shape, vars));
  }

  CompletableFuture<T> runAsyncVars(Map<String, Object> vars) {
    return Asyncfy.shared().supply(() -> runVars(vars));
  }

  TextStream iteratorVars(Map<String, Object> vars) {
    return PromptRunner.stream(spec, shape, vars);
  }

  private Map<String, Object> vars(Object[] args) {
    return PromptVariables.of(spec.parameterNames(), args);
  }

  /** Only the prompt package reads the spec (the declarative shape builds on the same engine). */
  PromptSpec spec() {
    return spec;
  }

  OutputShape<T> shape() {
    return shape;
  }

  @Override
  public String toString() {
    return "Prompt[" + spec.name() + " -> " + shape + "]";
  }

}
