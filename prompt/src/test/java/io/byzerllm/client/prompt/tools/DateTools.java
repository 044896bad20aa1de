package io.byzerllm.client.prompt.tools;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The seed's compute_date_range / compute_now tools, with a fixed clock so results can be asserted. */
public final class DateTools {
  static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private final LocalDateTime now;

  public DateTools(LocalDateTime now) {
    this.now = now;
  }

  public enum Unit { day, week, month, year }

  @Tool("计算日期范围")
  public List<String> compute_date_range(@Param("时间跨度，数值类型") int count,
      @Param(value = "时间单位，字符串类型", enumValues = {"day", "week", "month", "year"}) String unit) {
    LocalDateTime start = switch (unit) {
      case "day" -> now.minusDays(count);
      case "week" -> now.minusWeeks(count);
      case "month" -> now.minusMonths(count);
      default -> now.minusYears(count);
    };
    return List.of(start.format(FORMAT), now.format(FORMAT));
  }

  @Tool("计算当前时间")
  public String compute_now() {
    return now.format(FORMAT);
  }

  public record Range(int count, Unit unit) {}

  @Tool(value = "按范围对象计算起点", name = "range_start")
  public String rangeStart(@Param("范围") Range range, @Param(value = "标签", required = false) List<String> tags) {
    return range.unit() + ":" + range.count() + ":" + (tags == null ? "-" : String.join(",", tags));
  }
}
