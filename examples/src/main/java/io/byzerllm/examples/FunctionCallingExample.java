package io.byzerllm.examples;

import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.tools.FunctionCallResponse;
import io.byzerllm.client.prompt.tools.FunctionCalling;
import io.byzerllm.client.prompt.tools.Param;
import io.byzerllm.client.prompt.tools.Tool;
import io.byzerllm.client.prompt.tools.ToolSpec;
import io.byzerllm.client.prompt.tools.Tools;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Guide: "Function Calling" — the model chooses between Java methods, which then run. */
public final class FunctionCallingExample {
  static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** The guide's two tools. */
  public static final class DateTools {
    @Tool("计算日期范围")
    public static List<String> compute_date_range(@Param("时间跨度，数值类型") int count,
        @Param(value = "时间单位，字符串类型", enumValues = {"day", "week", "month", "year"}) String unit) {
      LocalDateTime now = LocalDateTime.now();
      LocalDateTime start = switch (unit) {
        case "day" -> now.minusDays(count);
        case "week" -> now.minusWeeks(count);
        case "month" -> now.minusMonths(count);
        default -> now.minusYears(count);
      };
      return List.of(start.format(FORMAT), now.format(FORMAT));
    }

    @Tool("计算当前时间")
    public static String compute_now() {
      return LocalDateTime.now().format(FORMAT);
    }
  }

  private FunctionCallingExample() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    List<ToolSpec> tools = Tools.from(DateTools.class);
    for (String question : List.of("计算当前时间", "最近三个月趋势")) {
      FunctionCallResponse t = FunctionCalling.chat(args.llm(), List.of(Message.user(question)), tools);
      out.println(question + " -> " + t.selectedFunctions() + " " + t.values()
          + (t.reason().isEmpty() ? "" : " (" + t.reason() + ")"));
    }
  }
}
