package io.byzerllm.server.storage;

import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.http.ModelGateway;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.TableSchema;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.openai.InvalidFieldException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Text given where a vector belongs, embedded through the node's own model gateway (the deployed
 * embedding model, {@code emb} by default): a row's vector fields in batches of {@value #BATCH}, one
 * call after the other, and a query's text as a retrieval query.
 */
final class VectorTexts {
  static final int BATCH = 64;

  private final ModelGateway gateway;

  VectorTexts(ModelGateway gateway) {
    this.gateway = gateway;
  }

  private record Slot(Map<String, Object> row, String field, String text) {}

  /**
   * Replaces, in place, every text value of a vector field of {@code schema} with its vector;
   * {@code vectorFields} (may be empty) must name vector fields of the schema.
   */
  CompletionStage<List<Map<String, Object>>> embedRows(List<Map<String, Object>> rows, TableSchema schema,
      List<String> vectorFields, String model) {
    List<String> vectors = schema.fields().stream().filter(FieldSpec::isVector).map(FieldSpec::name).toList();
    for (String f : vectorFields) {
      if (!vectors.contains(f)) {
        throw new InvalidFieldException("vector_fields", "vector_fields names '" + f + "', which is not a vector field "
            + "of the table (its vector fields: " + vectors + ")");
      }
    }
    List<Slot> slots = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      for (String f : vectors) {
        if (row.get(f) instanceof String text) {
          if (text.isBlank()) {
            throw new InvalidFieldException("rows", "row " + i + " field '" + f + "' is an empty text; give the text to "
                + "embed or a vector");
          }
          slots.add(new Slot(row, f, text));
        }
      }
    }
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (int from = 0; from < slots.size(); from += BATCH) {
      List<Slot> batch = slots.subList(from, Math.min(slots.size(), from + BATCH));
      chain = chain.thenCompose(done -> embed(batch.stream().map(Slot::text).toList(), false, model)
          .thenAccept(vs -> {
            for (int i = 0; i < batch.size(); i++) {
              batch.get(i).row().put(batch.get(i).field(), vs.get(i));
            }
          }));
    }
    return chain.thenApply(done -> rows);
  }

  /** The vector of a search text (BGE adds its retrieval instruction to a query). */
  CompletionStage<float[]> embedQuery(String text, String model) {
    return embed(List.of(text), true, model).thenApply(vs -> vs.get(0));
  }

  private CompletionStage<List<float[]>> embed(List<String> texts, boolean query, String model) {
    return gateway.call(model, new Work.Embed(new EmbeddingCall(texts, query, null, null)), EmbeddingResult.class,
            System.nanoTime())
        .handle((answer, failure) -> {
          if (failure != null) {
            Throwable cause = failure.getCause() != null && !(failure instanceof LlmException) ? failure.getCause() : failure;
            if (cause instanceof LlmException l) {
              throw new LlmException(l.kind(), l.status(), "text for a vector field is embedded by the model '" + model
                  + "', which failed: " + l.getMessage() + " (start it with `llm storage emb start`, or send vectors)", l);
            }
            throw new LlmException(io.byzerllm.deploy.ErrorKind.INTERNAL, "embedding with '" + model + "' failed: " + cause,
                cause);
          }
          return answer.value().vectors();
        });
  }
}
