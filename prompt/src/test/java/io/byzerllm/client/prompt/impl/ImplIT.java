package io.byzerllm.client.prompt.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.byzerllm.client.prompt.NodeFixture;
import io.byzerllm.client.prompt.PromptException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * impl(): the model writes the method, it is compiled in memory, and cached per signature. Public, as
 * user types must be for the generated class (another class loader) to use them.
 */
public class ImplIT {
  @TempDir static Path home;
  static NodeFixture node;

  public record Time(@JsonPropertyDescription("时间，时间格式为 yyyy-MM-dd") String time) {}

  public interface Clock {
    @Implement("计算当前时间")
    Time calculateCurrentTime();

    @Implement("两数相加")
    int add(int a, int b);

    default String describe() {
      return "clock";
    }
  }

  static final String TIME_CODE = """
      好的：
      ```java
      public class ClockImpl {
          public static io.byzerllm.client.prompt.impl.ImplIT.Time calculateCurrentTime() {
              return new io.byzerllm.client.prompt.impl.ImplIT.Time("2024-06-14");
          }
      }
      ```
      """;

  @BeforeAll
  static void start() {
    node = NodeFixture.start(home);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void clear() {
    node.clear();
  }

  @Test
  void call_firstTimeCompilesModelCode_secondTimeNoRequest() {
    node.fake.reply(TIME_CODE);
    Impl impl = Impl.enableGeneratedCode(node.llm);
    Clock clock = impl.create(Clock.class);

    Time first = clock.calculateCurrentTime();
    int requestsAfterFirst = node.chats().size();
    Time second = clock.calculateCurrentTime();

    assertThat(first).isEqualTo(new Time("2024-06-14"));
    assertThat(second).isEqualTo(first);
    assertThat(requestsAfterFirst).isEqualTo(1);
    assertThat(node.chats()).hasSize(1);
    assertThat(impl.cacheSize()).isEqualTo(1);
  }

  @Test
  void call_prompt_givesSignatureSchemaAndRules() {
    node.fake.reply(TIME_CODE);

    Impl.enableGeneratedCode(node.llm).create(Clock.class).calculateCurrentTime();

    assertThat(node.lastPrompt()).contains("计算当前时间")
        .contains("public static io.byzerllm.client.prompt.impl.ImplIT.Time calculateCurrentTime()")
        .contains("yyyy-MM-dd").contains("只输出一个 ```java 代码块");
  }

  @Test
  void clearImplCache_nextCallAsksAgain() {
    node.fake.reply(TIME_CODE).reply(TIME_CODE);
    Impl impl = Impl.enableGeneratedCode(node.llm);
    Clock clock = impl.create(Clock.class);
    clock.calculateCurrentTime();

    impl.clearImplCache();
    clock.calculateCurrentTime();

    assertThat(node.chats()).hasSize(2);
  }

  @Test
  void call_primitiveSignatureWithArguments_runsWithThem() {
    node.fake.reply("```java\npublic class Adder { public static int add(int a, int b) { return a + b; } }\n```");

    int sum = Impl.enableGeneratedCode(node.llm).create(Clock.class).add(2, 40);

    assertThat(sum).isEqualTo(42);
  }

  @Test
  void call_codeDoesNotCompile_failsWithCompilerErrorsAndCachesNothing() {
    node.fake.reply("```java\npublic class Broken { public static int add(int a, int b) { return a + ; } }\n```");
    Impl impl = Impl.enableGeneratedCode(node.llm);

    assertThatThrownBy(() -> impl.create(Clock.class).add(1, 2)).isInstanceOf(PromptException.class)
        .hasMessageContaining("does not compile").hasMessageContaining("line 1");
    assertThat(impl.cacheSize()).isZero();
  }

  @Test
  void defaultMethod_runsWithoutModel() {
    assertThat(Impl.enableGeneratedCode(node.llm).create(Clock.class).describe()).isEqualTo("clock");
    assertThat(node.chats()).isEmpty();
  }
}
