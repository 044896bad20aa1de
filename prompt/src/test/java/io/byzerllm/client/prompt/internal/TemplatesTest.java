package io.byzerllm.client.prompt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.client.prompt.PromptException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {
  record Task(String name, String dueDate) {}

  @Test
  void dedent_indentedTextBlock_commonIndentRemovedAndStripped() {
    String template = "\n    你好,\n      {{ q }}\n    结束\n   \n";

    assertThat(TemplateText.dedent(template)).isEqualTo("你好,\n  {{ q }}\n结束");
  }

  @Test
  void render_loopConditionalAndNestedRecords_rendered() {
    String template = TemplateText.dedent("""
        Hello {{ name }},
        {% if task_count > 1 %}You have {{ task_count }} pending tasks:{% else %}One task:{% endif %}
        {% for task in tasks %}
        - Task: {{ task.name }} | Due: {{ task.dueDate }}
        {% endfor %}
        """);
    Map<String, Object> vars = PromptVariables.templateValues(Map.of("name", "Jane Doe", "task_count", 2,
        "tasks", List.of(new Task("Submit report", "2024-03-10"), new Task("Reply to emails", "2024-03-08"))));

    String out = Templates.render(template, vars);

    assertThat(out).startsWith("Hello Jane Doe,\nYou have 2 pending tasks:")
        .contains("- Task: Submit report | Due: 2024-03-10")
        .contains("- Task: Reply to emails | Due: 2024-03-08");
  }

  @Test
  void render_mapsInLoop_attributeAccess() {
    var vars = PromptVariables.templateValues(Map.of("tasks", List.of(Map.of("name", "a", "due_date", "d1"))));

    assertThat(Templates.render("{% for t in tasks %}{{ t.name }}@{{ t.due_date }}{% endfor %}", vars))
        .isEqualTo("a@d1");
  }

  @Test
  void checkSyntax_unclosedFor_rejected() {
    assertThatThrownBy(() -> Templates.checkSyntax("{% for x in xs %}{{ x }}"))
        .isInstanceOf(PromptException.class).hasMessageContaining("not valid Jinja2");
  }

  @Test
  void freeVariables_loopsSetsFiltersAttributes_onlyTopLevelInputs() {
    String template = "{{ name | upper }} {% for task in tasks %}{{ task.name }}{{ loop.index }}{% endfor %}"
        + "{% set total = tasks | length %}{{ total }}{% if flag is defined and n == 2 %}{{ 'lit' }}{% endif %}"
        + "{{ range(3) }}";

    assertThat(TemplateVariables.free(template)).containsExactlyInAnyOrder("name", "tasks", "flag", "n");
  }
}
