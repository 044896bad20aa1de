package io.byzerllm.examples;

import io.byzerllm.client.prompt.PromptFunctions;
import io.byzerllm.client.prompt.annotation.Prompt;
import io.byzerllm.client.prompt.annotation.Vars;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Guide: "通过 Python 代码处理复杂入参" — Java computes a template variable from the arguments (the
 * guide's method body returning a dict), here in a {@code @Vars} companion.
 */
public final class ComputedVariables {
  public record Task(String name, String dueDate) {}

  public interface Reminders {
    @Prompt("""
        Hello {{ name }},

        This is a reminder that you have {{ task_count }} pending tasks:

        {{ tasks }}

        Best regards,
        Your Reminder System
        """)
    String generateAnswer(String name, int task_count, List<Task> tasks);

    @Vars("generateAnswer")
    static Map<String, Object> tasksAsText(String name, int task_count, List<Task> tasks) {
      return Map.of("tasks", tasks.stream().map(t -> "- Task: " + t.name() + " | Due: " + t.dueDate())
          .collect(Collectors.joining("\n")));
    }
  }

  private ComputedVariables() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Reminders reminders = PromptFunctions.create(Reminders.class, args.llm());
    out.println(reminders.generateAnswer("Jane Doe", 3, List.of(new Task("Submit report", "2024-03-10"),
        new Task("Finish project", "2024-03-15"), new Task("Reply to emails", "2024-03-08"))));
  }
}
