package io.byzerllm.examples;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.prompt.PromptFunctions;
import io.byzerllm.client.prompt.annotation.Prompt;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Guide: "在实例方法中使用大模型" — a prompt function that belongs to an object and uses that object's
 * model ({@code lambda self: self.llm} is {@code () -> this.llm}), with loops and attribute access in the template.
 */
public final class InstanceMethod {
  /** The guide's data. */
  static final Map<String, Object> DATA = Map.of(
      "name", "Jane Doe",
      "task_count", 3,
      "tasks", List.of(
          Map.of("name", "Submit report", "due_date", "2024-03-10"),
          Map.of("name", "Finish project", "due_date", "2024-03-15"),
          Map.of("name", "Reply to emails", "due_date", "2024-03-08")));

  /** The guide's RAG class. */
  public static final class Rag {
    interface Answers {
      @Prompt("""
          Hello {{ name }},

          This is a reminder that you have {{ task_count }} pending tasks:
          {% for task in tasks %}
          - Task: {{ task.name }} | Due: {{ task.due_date }}
          {% endfor %}

          Best regards,
          Your Reminder System
          """)
      String generateAnswer(String name, int task_count, List<Map<String, String>> tasks);
    }

    private final ByzerLLM llm;
    private final Answers answers;

    public Rag(ByzerLLM llm) {
      this.llm = llm;
      this.answers = PromptFunctions.create(Answers.class, () -> this.llm); // the llm is read at each call
    }

    @SuppressWarnings("unchecked")
    public String generateAnswer(Map<String, Object> data) {
      return answers.generateAnswer((String) data.get("name"), (Integer) data.get("task_count"),
          (List<Map<String, String>>) data.get("tasks"));
    }
  }

  private InstanceMethod() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Rag t = new Rag(args.llm());
    out.println(t.generateAnswer(DATA));
    // the guide's t.generate_answer.with_llm(llm).run(**data): the method's prompt, another llm, a map of arguments
    out.println(PromptFunctions.function(Rag.Answers.class, "generateAnswer").withLlm(args.llm()).run(DATA));
  }
}
