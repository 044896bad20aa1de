package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/** The fields of a table. It must contain "_id" of type STRING or LONG, the key rows are upserted by. */
public record TableSchema(List<FieldSpec> fields) {
  public static final String ID = "_id";

  public TableSchema {
    if (fields == null || fields.isEmpty()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "a table schema needs fields, at least \"_id\" (string or long)");
    }
    fields = List.copyOf(fields);
    var names = new HashSet<String>();
    for (FieldSpec f : fields) {
      if (!names.add(f.name())) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "field '" + f.name() + "' appears twice in the schema; keep one");
      }
    }
    FieldSpec id = fields.stream().filter(f -> f.name().equals(ID)).findFirst()
        .orElseThrow(() -> new LlmException(ErrorKind.INVALID_REQUEST,
            "a table schema needs an \"_id\" field of type string or long"));
    if (id.isVector() || (id.type() != DataType.STRING && id.type() != DataType.LONG)
        || id.has(FieldOption.ANALYZE) || id.has(FieldOption.NO_INDEX)) {
      throw new LlmException(ErrorKind.INVALID_REQUEST,
          "field \"_id\" must be a plain string or long (options: sort only), got " + id);
    }
  }

  public static TableSchema of(FieldSpec... fields) {
    return new TableSchema(List.of(fields));
  }

  public Optional<FieldSpec> field(String name) {
    for (FieldSpec f : fields) {
      if (f.name().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  public FieldSpec id() {
    return field(ID).orElseThrow();
  }
}
