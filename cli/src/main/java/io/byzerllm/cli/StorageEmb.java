package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.StorageStores;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.SpecFields;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedding model storage uses, {@code emb}: deployed as the bundled BGE ({@code custom/bge}) when
 * no model of that name is deployed, and remembered by the store as deployed by storage, so that
 * stopping the store removes it and a model the user deployed is never removed.
 */
final class StorageEmb {
  static final String MODEL = "emb";

  private StorageEmb() {}

  /** Deploys {@code emb} unless deployed; records ownership on the store when it runs. True if this call deployed it. */
  static boolean start(ByzerLLM llm, String cluster, String modelPath, PrintWriter out, PrintWriter err) {
    if (llm.isModelExist(MODEL)) {
      out.println("model " + MODEL + " is already deployed; storage uses it as it is");
      return false;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("model", MODEL);
    fields.put("pretrained_model_type", "custom/bge");
    if (modelPath != null) {
      fields.put("model_path", modelPath);
    }
    fields.put("num_workers", 1);
    fields.put("worker_concurrency", 8);
    fields.put("cpus_per_worker", 0.01);
    ModelSpec spec = SpecFields.toSpec(fields);
    err.println("deploying " + MODEL + " (custom/bge, " + (modelPath == null ? "bundled bge-small-zh-v1.5" : modelPath)
        + "); waiting until it is ready");
    err.flush();
    llm.deploy(spec);
    markOwned(llm, cluster, true, err);
    out.println("deployed " + MODEL + " for storage " + cluster);
    return true;
  }

  /** Undeploys {@code emb} and forgets that storage owned it. */
  static void stop(ByzerLLM llm, String cluster, PrintWriter out, PrintWriter err) {
    boolean removed = llm.undeploy(MODEL);
    markOwned(llm, cluster, false, err);
    out.println(removed ? "undeployed " + MODEL : MODEL + " was not deployed; nothing to do");
  }

  private static void markOwned(ByzerLLM llm, String cluster, boolean owned, PrintWriter err) {
    try {
      StorageStores.of(llm).setEmbOwned(cluster, owned);
    } catch (LlmClientException e) {
      if (e.kind() != ErrorKind.NOT_FOUND) {
        throw e;
      }
      if (owned) {
        err.println("note: storage " + cluster + " is not running, so `llm storage stop` will not undeploy " + MODEL);
      }
    }
  }
}
