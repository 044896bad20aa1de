package io.byzerllm.client.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.prompt.annotation.Prompt;
import io.byzerllm.client.prompt.annotation.PromptResource;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What create() refuses, checked once without calling any model. */
class PromptFunctionsCheckTest {
  static final ByzerLLM NOWHERE = ByzerLLM.connect("http://127.0.0.1:9");

  interface Typo {
    @Prompt("你好, {{ qq }}")
    String hello(String q);
  }

  interface Unused {
    @Prompt("你好")
    String hello(String q);
  }

  interface BadSyntax {
    @Prompt("{% for x in xs %}{{ x }}")
    String list(java.util.List<String> xs);
  }

  interface BadReturn {
    @Prompt("x")
    Optional<String> maybe();
  }

  interface NoAnnotation {
    String plain(String q);
  }

  interface MissingResource {
    @PromptResource("nope.j2")
    String x();
  }

  interface Fine {
    @Prompt("你好, {{ q }}")
    String hello(String q);
  }

  @Test
  void create_templateVariableNotAParameter_rejectedNamingBoth() {
    assertThatThrownBy(() -> PromptFunctions.create(Typo.class, NOWHERE)).isInstanceOf(PromptException.class)
        .hasMessageContaining("Typo.hello").hasMessageContaining("[qq]").hasMessageContaining("[q]");
  }

  @Test
  void create_parameterNotInTemplate_rejected() {
    assertThatThrownBy(() -> PromptFunctions.create(Unused.class, NOWHERE)).isInstanceOf(PromptException.class)
        .hasMessageContaining("parameters [q] do not appear");
  }

  @Test
  void create_invalidJinja_rejected() {
    assertThatThrownBy(() -> PromptFunctions.create(BadSyntax.class, NOWHERE)).isInstanceOf(PromptException.class)
        .hasMessageContaining("BadSyntax.list").hasMessageContaining("Jinja2");
  }

  @Test
  void create_unsupportedReturnType_rejected() {
    assertThatThrownBy(() -> PromptFunctions.create(BadReturn.class, NOWHERE)).isInstanceOf(PromptException.class)
        .hasMessageContaining("Optional").hasMessageContaining("not supported");
  }

  @Test
  void create_abstractMethodWithoutPrompt_rejected() {
    assertThatThrownBy(() -> PromptFunctions.create(NoAnnotation.class, NOWHERE))
        .isInstanceOf(PromptException.class).hasMessageContaining("NoAnnotation.plain");
  }

  @Test
  void create_missingTemplateResource_rejected() {
    assertThatThrownBy(() -> PromptFunctions.create(MissingResource.class, NOWHERE))
        .isInstanceOf(PromptException.class).hasMessageContaining("nope.j2");
  }

  @Test
  void function_positionalArguments_renderOnly() {
    io.byzerllm.client.prompt.Prompt<String> hello = PromptFunctions.function(Fine.class, "hello");

    assertThat(hello.prompt("你是谁")).isEqualTo("你好, 你是谁");
  }

  @Test
  void function_notBound_runFailsSayingHowToBind() {
    io.byzerllm.client.prompt.Prompt<String> hello = PromptFunctions.function(Fine.class, "hello");

    assertThatThrownBy(() -> hello.run("x")).isInstanceOf(PromptException.class).hasMessageContaining("withLlm");
  }

  @Test
  void fluentPrompt_immutable_withStepsReturnNewObjects() {
    var base = io.byzerllm.client.prompt.Prompt.of("讲一个{{ n }}字的故事。");
    var bound = base.withLlm(NOWHERE);

    assertThat(bound).isNotSameAs(base);
    assertThatThrownBy(() -> base.run("n", 1)).isInstanceOf(PromptException.class);
    assertThat(base.prompt(new Args(100))).isEqualTo("讲一个100字的故事。");
  }

  record Args(int n) {}
}
