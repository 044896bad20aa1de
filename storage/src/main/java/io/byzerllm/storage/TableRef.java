package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.regex.Pattern;

/** A table of a store. Names are letters, digits, '_' and '-' because they name directories on disk. */
public record TableRef(String database, String table) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,127}");

  public TableRef {
    check("database", database);
    check("table", table);
  }

  private static void check(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, what + " name '" + name
          + "' is not allowed; use 1-128 letters, digits, '_' or '-', not starting with '-'");
    }
  }

  @Override
  public String toString() {
    return database + "." + table;
  }
}
