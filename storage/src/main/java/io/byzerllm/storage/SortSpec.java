package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;

/** Sort by a field that has the SORT option. */
public record SortSpec(String field, SortOrder order) {
  public SortSpec {
    if (field == null || field.isBlank()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "a sort needs a field name");
    }
    if (order == null) {
      order = SortOrder.ASC;
    }
  }
}
